"""Headless Chromium for the dashboard's browser tests: Debian's `chromium` driven by
Playwright (never `playwright install`: it downloads a browser), and the app served by
uvicorn in a thread on a free port."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser")


def chromium_path() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


# Every ECharts instance on the page, with each series' data: what "rendered with data" means.
CHART_DATA_JS = """
() => Array.from(document.querySelectorAll('[data-chart]')).map(el => {
  const chart = echarts.getInstanceByDom(el);
  if (!chart) return {id: el.dataset.chart, series: null, text: el.textContent.trim()};
  const series = chart.getOption().series.map(s => ({
    type: s.type,
    points: (s.data || []).length,
    total: (s.data || []).reduce((sum, d) => {
      const v = d && typeof d === 'object' && !Array.isArray(d) ? d.value : d;
      return sum + (typeof v === 'number' ? Math.abs(v) : 0);
    }, 0),
  }));
  return {id: el.dataset.chart, series};
})
"""

# The page pixel at the middle of a bar: series `s`, data index `i` (-1: the largest value) of
# chart `id`, for horizontal and vertical bar charts alike. Returns it with the bar's category.
BAR_PIXEL_JS = """
([id, s, i]) => {
  const el = document.getElementById('chart-' + id);
  el.scrollIntoView({block: 'center'});
  const chart = echarts.getInstanceByDom(el);
  const option = chart.getOption();
  const data = option.series[s].data.map(d => (d && typeof d === 'object') ? d.value : d);
  if (i < 0) i = data.indexOf(Math.max(...data));
  const horizontal = option.yAxis[0].type === 'category';
  const categories = (horizontal ? option.yAxis[0] : option.xAxis[0]).data;
  const point = horizontal ? [data[i] / 2, i] : [i, data[i] / 2];
  const [x, y] = chart.convertToPixel({seriesIndex: s}, point);
  const box = el.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y, category: categories[i], series: option.series[s].name};
}
"""
