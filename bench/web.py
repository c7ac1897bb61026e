"""Figures for the web dashboard (issue #6): a topic dashboard on 1M posts in headless Chromium.

    python bench/web.py                       # 1,000,000 demo posts, topic "Aurora"
    python bench/web.py --posts 200000 --runs 3 --topic "Aurora X5"

Builds the demo workspace once with `hubbub demo --no-serve` (all default enrichers; a few
minutes for 1M) and keeps it under --data (default /tmp/hubbub-bench-web) for later runs,
serves it with `hubbub serve`, signs in with the server's local token, and loads the topic
dashboard --runs times in Debian's chromium (Playwright; no browser download). Per load:

    first paint          the page shell (title, filters, KPI cards): first-contentful-paint
    first chart filled   the first chart drawn with its data (first meaningful paint)
    every chart filled   every chart and the post stream drawn with data

Three kinds of load: cold (the first after the server starts), uncached (later loads, each
with another `from` day before the data's start: same posts, but a view the server's one-minute
figure cache (web/cache.py) has not seen), and cached (the same view again). Medians over
--runs loads of each. Targets (issue #6): first meaningful paint ≤ 1 s, every chart filled
≤ 2 s, on 2 cores. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

MARKS_JS = """
() => {
  const paint = performance.getEntriesByType('paint')
    .find(e => e.name === 'first-contentful-paint');
  const marks = performance.getEntriesByType('mark').filter(m => m.name.startsWith('hubbub:'));
  return {fcp: paint ? paint.startTime : null,
          marks: Object.fromEntries(marks.map(m => [m.name, m.startTime]))};
}
"""


def build(home: Path, posts: int) -> None:
    done = home.parent / f"built.{posts}"
    if done.exists():
        print(f"workspace: {posts:,} posts reused from {home}")
        return
    shutil.rmtree(home, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "hubbub.cli.main",
            "demo",
            "--posts",
            str(posts),
            "--no-serve",
            "--home",
            str(home),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    done.touch()
    print(f"workspace: {posts:,} posts built in {time.perf_counter() - started:.0f} s ({home})")


def serve(home: Path, port: int) -> tuple[subprocess.Popen[bytes], str, str]:
    from hubbub.api.server_file import running_server

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hubbub.cli.main",
            "serve",
            "--port",
            str(port),
            "--home",
            str(home),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        info = running_server(home)
        if info is not None:
            return server, info.url, info.token
        if server.poll() is not None:
            raise SystemExit("hubbub serve exited; is another server using this home?")
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("hubbub serve did not start within 2 minutes")


def measure(url: str, token: str, topic: str, runs: int) -> dict[str, list[dict[str, float]]]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("needs Debian's chromium: apt-get install -y chromium fonts-noto-cjk")
    dashboard = f"{url}/w/default/topics/{quote(topic, safe='')}"
    # Days before the demo's first post: each is a new view of the same posts.
    days = [f"2026-09-{d:02d}" for d in range(1, runs + 1)]
    plan = {
        "cold": [dashboard],
        "uncached": [f"{dashboard}?from={day}" for day in days],
        "cached": [f"{dashboard}?from={days[-1]}"] * runs,
    }
    loads: dict[str, list[dict[str, float]]] = {kind: [] for kind in plan}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(600_000)
        page.goto(url + "/signin")
        page.fill("#token", token)
        page.click("#signin-token button[type=submit]")  # the token form (not the password one)
        page.wait_for_url("**/topics")
        # Let the topics list's sparklines finish: they queue on the same store thread, and a
        # dashboard opened from the list would otherwise measure them too.
        page.wait_for_function("() => !document.querySelector('td[hx-get]')")
        for kind, addresses in plan.items():
            for address in addresses:
                loads[kind].append(_load(page, address))
        browser.close()
    return loads


def _load(page: Any, address: str) -> dict[str, float]:
    page.goto(address)
    page.wait_for_selector("body[data-charts-ready=true]")
    found = page.evaluate(MARKS_JS)
    panels = {
        k.removeprefix("hubbub:panel:"): v / 1000
        for k, v in found["marks"].items()
        if k.startswith("hubbub:panel:")
    }
    return {
        "first paint": found["fcp"] / 1000,
        "first chart filled": min(panels.values()),
        "every chart filled": found["marks"]["hubbub:charts-ready"] / 1000,
        **panels,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--topic", default="Aurora")
    parser.add_argument("--runs", type=int, default=3, help="uncached and cached loads each")
    parser.add_argument("--port", type=int, default=8477)
    parser.add_argument("--data", type=Path, default=Path("/tmp/hubbub-bench-web"))
    args = parser.parse_args()
    home = args.data / f"home-{args.posts}"
    args.data.mkdir(parents=True, exist_ok=True)
    build(home, args.posts)
    server, url, token = serve(home, args.port)
    try:
        loads = measure(url, token, args.topic, args.runs)
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(
        f"\ntopic dashboard {args.topic!r} on {args.posts:,} posts: seconds after navigation "
        f"start (cold: 1 load; uncached and cached: median of {args.runs})"
    )
    print(f"  {'':<20} {'cold':>8} {'uncached':>9} {'cached':>8}")
    for name in loads["cold"][0]:
        cells = [statistics.median(load[name] for load in loads[k]) for k in loads]
        print(f"  {name:<20} " + " ".join(f"{c:>8.2f}" for c in cells))
    print("targets: first chart filled (first meaningful paint) ≤ 1 s, every chart filled ≤ 2 s")


if __name__ == "__main__":
    main()
