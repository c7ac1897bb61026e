"""End to end in headless Chromium: sign in, write a topic in the editor and see its count,
open its dashboard and check every chart holds data, drill down from a chart into the post
stream (and keep it in the URL), switch to Chinese, export a CSV.

On failure each open page is saved as a PNG in a temporary directory named in the failure.
Skipped, saying why, when Debian's chromium or Playwright is missing (.ci/run installs both).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from hubbub.api.app import create_app
from hubbub.store import EmbeddedStore
from tests.web.browser import BAR_PIXEL_JS, CHART_DATA_JS, chromium_path, served
from tests.web.conftest import WebWorld

pytestmark = pytest.mark.slow
CHROMIUM = chromium_path()
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need Playwright: pip install -e '.[dev]'"
)
if CHROMIUM is None:
    pytest.skip(
        "browser tests need Debian's chromium: apt-get install -y chromium fonts-noto-cjk",
        allow_module_level=True,
    )
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def base_url(web_world: WebWorld, web_store: EmbeddedStore) -> Iterator[str]:
    with served(create_app(web_world.home, web_store)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.call_failed = report.failed  # type: ignore[attr-defined]


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    ctx.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    ctx.on("page", lambda page: page.on("pageerror", lambda e: errors.append(str(e))))
    ctx.errors = errors
    yield ctx
    if getattr(request.node, "call_failed", False) or errors:
        shots = Path(tempfile.mkdtemp(prefix="hubbub-web-failure-"))
        for i, page in enumerate(ctx.pages):
            page.screenshot(path=str(shots / f"{request.node.name}-{i}.png"), full_page=True)
        print(f"\nscreenshots of {request.node.name}: {shots}  (script errors: {errors})")
    ctx.close()
    assert errors == [], f"script errors on the page: {errors}"


def sign_in(ctx: Any, base_url: str, token: str) -> Any:
    page = ctx.new_page()
    page.goto(base_url + "/")
    page.fill("#token", token)
    page.click("#signin-token button[type=submit]")
    page.wait_for_url("**/w/default/topics")
    return page


def wait_for_charts(page: Any) -> list[dict[str, Any]]:
    page.wait_for_selector("body[data-charts-ready=true]")
    return page.evaluate(CHART_DATA_JS)  # type: ignore[no-any-return]


def test_sign_in_and_see_the_topics_with_sparklines(
    context: Any, base_url: str, web_world: WebWorld
) -> None:
    page = sign_in(context, base_url, web_world.tokens["admin"])
    assert page.locator("a.topic-link").count() >= 6
    # Each row's sparklines arrive by HTMX after the page: wait until none is loading.
    page.wait_for_function("() => !document.querySelector('td[hx-get]')")
    assert page.locator("svg.spark-volume").count() == page.locator("a.topic-link").count()
    assert page.locator("svg.spark-net").count() == page.locator("a.topic-link").count()


def test_write_a_topic_see_its_count_and_open_its_dashboard(
    context: Any, base_url: str, web_world: WebWorld
) -> None:
    page = sign_in(context, base_url, web_world.tokens["analyst"])
    page.click("text=New topic")
    page.fill("#name", "Overheating")
    page.click("#query")
    page.keyboard.type("(overheat* OR 过热 OR 发烫) AND (aurora OR 极光")
    page.wait_for_selector("#mirror mark.lint-error")
    assert page.locator("#live-count").count() == 0
    page.keyboard.type(")")
    page.wait_for_selector("#live-count")
    assert int(page.get_attribute("#live-count", "data-count")) > 10
    assert page.locator("#mirror mark.lint-error").count() == 0
    assert page.locator("#lint .post mark").count() > 0
    page.click("#save-topic")
    page.wait_for_url("**/topics/Overheating")
    charts = wait_for_charts(page)
    assert {c["id"] for c in charts} >= {"volume", "sentiment-donut", "terms", "cloud"}


def test_every_dashboard_chart_holds_data(context: Any, base_url: str, web_world: WebWorld) -> None:
    page = sign_in(context, base_url, web_world.tokens["viewer"])
    page.goto(base_url + "/w/default/topics/Aurora%20X5")
    charts = wait_for_charts(page)
    assert len(charts) == 11
    for chart in charts:
        assert chart["series"], f"chart {chart['id']} did not render: {chart.get('text')}"
        for series in chart["series"]:
            assert series["points"] > 0, chart
        assert sum(s["total"] for s in chart["series"]) > 0, chart
    cloud = next(c for c in charts if c["id"] == "cloud")
    assert cloud["series"][0]["type"] == "wordCloud"
    assert page.locator("#authors tbody tr").count() > 5
    assert page.locator("#post-list .post").count() == 20
    for kpi in ("#kpi-posts", "#kpi-net", "#kpi-negative", "#kpi-sov"):
        assert page.text_content(kpi) != "–", kpi


def click_bar(page: Any, chart: str, series: int = 0, index: int = -1) -> dict[str, Any]:
    """Click a bar (the largest by default) and wait for the post stream to reload."""
    # The bar's pixel is computed from the chart: a click can miss while the layout still moves
    # (a chart's 300 ms grow animation, a panel filling above), so measure again and retry.
    for attempt in range(4):
        bar: dict[str, Any] = page.evaluate(BAR_PIXEL_JS, [chart, series, index])
        try:
            with page.expect_response(lambda r: "/posts?" in r.url, timeout=5_000):
                page.mouse.click(bar["x"], bar["y"])
            break
        except playwright_api.TimeoutError:
            if attempt == 3:
                raise
            page.wait_for_timeout(500)
    page.wait_for_selector("#drill:not([hidden])")
    return bar


def bucket_in_url(page: Any) -> dict[str, Any]:
    return json.loads(parse_qs(urlparse(page.url).query)["b"][0])  # type: ignore[no-any-return]


def test_click_a_country_to_drill_into_the_posts_and_share_the_link(
    context: Any, base_url: str, web_world: WebWorld
) -> None:
    page = sign_in(context, base_url, web_world.tokens["viewer"])
    page.goto(base_url + "/w/default/topics/Aurora")
    wait_for_charts(page)
    bar = click_bar(page, "countries")
    assert page.text_content("#drill-label") == bar["category"]
    assert set(bucket_in_url(page)) == {"country"}
    posts = page.locator("#post-list .post")
    assert posts.count() > 0

    # The link reproduces the view: same bucket, same posts.
    shared = context.new_page()
    shared.goto(page.url)
    wait_for_charts(shared)
    assert shared.text_content("#drill-label") == bar["category"]
    assert shared.locator("#post-list .post").count() == posts.count()


def test_click_a_hashtag_then_show_all_posts_again(
    context: Any, base_url: str, web_world: WebWorld
) -> None:
    page = sign_in(context, base_url, web_world.tokens["viewer"])
    page.goto(base_url + "/w/default/topics/Aurora%20X5")
    wait_for_charts(page)
    tag = click_bar(page, "hashtags")["category"].lstrip("#")
    texts = page.locator("#post-list .post .post-text").all_text_contents()
    assert texts and all(tag in t.lower() for t in texts), (tag, texts[:3])
    page.click("#drill-clear")
    page.wait_for_selector("#drill", state="hidden")
    assert "b=" not in page.url


def test_click_a_day_of_one_platform_in_the_volume_chart(
    context: Any, base_url: str, web_world: WebWorld
) -> None:
    page = sign_in(context, base_url, web_world.tokens["viewer"])
    page.goto(base_url + "/w/default/topics/Aurora%20X5")
    wait_for_charts(page)
    bar = click_bar(page, "volume")  # the first platform's busiest day: the launch spike
    bucket = bucket_in_url(page)
    assert set(bucket) == {"t", "interval", "tz", "platform"}
    assert bucket["interval"] == "day"
    chips = page.locator("#post-list .post .post-meta .chip").all_text_contents()
    assert chips and set(chips) == {bar["series"]}
    day = bucket["t"][:10]
    assert page.text_content("#drill-label") == f"{bar['category']} · {bar['series']}"
    assert day.startswith("2026-10")


def test_click_an_author_then_export_what_the_stream_shows(
    context: Any, base_url: str, web_world: WebWorld
) -> None:
    page = sign_in(context, base_url, web_world.tokens["viewer"])
    page.goto(base_url + "/w/default/topics/Aurora")
    wait_for_charts(page)
    first = page.locator("#authors tbody tr").first
    name = first.locator("strong").text_content()
    with page.expect_response(lambda r: "/posts?" in r.url):
        first.click()
    page.wait_for_selector("#drill:not([hidden])")
    assert page.text_content("#drill-label") == name
    assert set(bucket_in_url(page)) == {"author"}

    # A shared link names the author too, not the author's id.
    shared = context.new_page()
    shared.goto(page.url)
    wait_for_charts(shared)
    assert shared.text_content("#drill-label") == name

    with page.expect_download() as download:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    shown = page.locator("#post-list .post").count()
    assert rows and len({r["author_id"] for r in rows}) == 1 and len(rows) >= shown


def test_switch_to_chinese(context: Any, base_url: str, web_world: WebWorld) -> None:
    page = sign_in(context, base_url, web_world.tokens["viewer"])
    page.goto(base_url + "/w/default/topics/Aurora")
    page.click("text=中文")
    page.wait_for_selector("html[lang=zh-CN]")
    wait_for_charts(page)
    assert page.text_content("nav.mainnav").split() == ["话题", "对比", "预警", "数据源"]
    headings = page.locator(".card-head h2").all_text_contents()
    assert "各平台声量" in headings and "词云" in headings
    legend = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-volume'))"
        ".getOption().series.map(s => s.name)"
    )
    assert "微博" in legend and "小红书" in legend
    page.goto(base_url + "/w/default/topics")
    assert page.text_content("h1") == "话题"


def test_export_the_filtered_posts_as_csv(context: Any, base_url: str, web_world: WebWorld) -> None:
    page = sign_in(context, base_url, web_world.tokens["viewer"])
    page.goto(base_url + "/w/default/topics/Aurora?platform=weibo")
    with page.expect_download() as download:
        page.click("#export-csv")
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text("utf-8"))))
    assert len(rows) > 10 and {r["platform"] for r in rows} == {"weibo"}
    assert download.value.suggested_filename == "Aurora.csv"


def test_the_api_docs_render_offline(context: Any, base_url: str) -> None:
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(base_url + "/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() > 20  # every route of the API, from /openapi.json
    assert not blocked, blocked


def test_compare_three_topics(context: Any, base_url: str, web_world: WebWorld) -> None:
    page = sign_in(context, base_url, web_world.tokens["viewer"])
    page.goto(base_url + "/w/default/compare?topic=Aurora&topic=Nimbus&topic=Zephyr")
    charts = wait_for_charts(page)
    assert len(charts) == 5 and all(c["series"] for c in charts)
    assert page.locator("#compare-kpis .kpi").count() == 3
