"""Warm every topic's dashboard before the server answers its first analyst.

A figure is summed from per-day partials the server keeps (hubbub.analytics.daily). A fresh
server has none, so the first dashboards after a start computed every day of every figure
at once and queued for seconds (bench/load.py: 600 of the first 20 s's answers took over a
second, few after). Here the server computes each topic's dashboard panels over all time while
the enrichment workers load their models, and only then answers: once with no filter (the view
a dashboard opens with), once filtered on a platform, which keeps the partials per platform and
language that every platform or language filter is summed from. Later views of any window of
those topics, filtered or not, sum kept days (on the 1M-post demo: 8 s of CPU at start).

Warming stops after `BUDGET_SECONDS` (a home of many topics then warms the first ones), and
a store that keeps no partials (a ClickHouse server) is not warmed: it would gain nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hubbub.analytics.daily import keeps_partials
from hubbub.api.service import Service
from hubbub.errors import HubbubError
from hubbub.topics import TopicStore
from hubbub.web.i18n import Translator
from hubbub.web.panels import PANELS

log = logging.getLogger(__name__)

BUDGET_SECONDS = 60.0


def warm_dashboards(
    home: Path, get_store: Callable[[], Any], budget: float = BUDGET_SECONDS
) -> int:
    """Compute every topic's dashboard panels once; returns the panels computed."""
    if not keeps_partials(get_store()):
        return 0
    with TopicStore(home) as topics:
        workspaces = topics.workspaces()
    deadline = time.monotonic() + budget
    words = Translator("en")
    done = 0
    for workspace in workspaces:
        svc = Service(home, workspace, get_store, by="warm")
        for topic in svc.topics():
            platform = topic.filters.platforms[0] if topic.filters.platforms else "x"
            for filters in ({}, {"platforms": (platform,)}):
                for name, panel in PANELS.items():
                    if time.monotonic() > deadline:
                        log.info("dashboards warmed in part: %d panels in %.0f s", done, budget)
                        return done
                    try:
                        panel(svc, topic.name, filters, words)
                        done += 1
                    except HubbubError as exc:  # the dashboard shows it; nothing to warm
                        log.debug("not warmed: %s of %s: %s", name, topic.name, exc)
    return done
