"""In headless Chromium, under the Content-Security-Policy: password sign-in, the topics page,
a dashboard whose charts fill (and show tooltips), the editor's HTMX lint and save (CSRF header
and field), sign-out, with no CSP violation reported and no console error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hubbub.api.app import create_app
from hubbub.store import EmbeddedStore
from hubbub.users import UserStore
from tests.security import test_auth_support as support
from tests.web import conftest as web
from tests.web.browser import BAR_PIXEL_JS, CHART_DATA_JS, chromium_path, served

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
web_world, web_store, cheap_hashes = web.web_world, web.web_store, support.cheap_hashes
# Reported by the page itself: the securitypolicyviolation event fires for every blocked
# script, style, image or connection (console messages alone can be missed).
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def base_url(
    web_world: web.WebWorld, web_store: EmbeddedStore, cheap_hashes: None
) -> Iterator[str]:
    with UserStore(web_world.home) as users:
        if users.find("csp-analyst") is None:
            users.add("csp-analyst", support.PASSWORD, "default", "analyst")
    with served(create_app(web_world.home, web_store)) as url:
        yield url


def test_pages_work_under_the_csp(base_url: str) -> None:
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            _walk(browser, base_url)
        finally:
            browser.close()


def _walk(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(30_000)
    context.add_init_script(WATCH_CSP)
    problems: list[str] = []
    violations: list[str] = []
    context.on("page", lambda page: _watch(page, problems))
    page = context.new_page()

    def check(where: str) -> None:
        violations.extend(f"{where}: {v}" for v in page.evaluate("() => window.__csp || []"))

    page.goto(base_url + "/signin")
    page.fill("#user", "csp-analyst")
    page.fill("#password", support.PASSWORD)
    page.click("#signin-password button[type=submit]")
    page.wait_for_url("**/w/default/topics")
    page.wait_for_function("() => !document.querySelector('td[hx-get]')")  # sparklines by HTMX
    assert page.locator("svg.spark-volume").count() > 0
    check("topics")

    page.goto(base_url + "/w/default/topics/Aurora%20X5")
    page.wait_for_selector("body[data-charts-ready=true]")
    charts = page.evaluate(CHART_DATA_JS)
    assert len(charts) >= 10
    assert all(c["series"] and any(s["points"] for s in c["series"]) for c in charts), charts
    bar = page.evaluate(BAR_PIXEL_JS, ["hashtags", 0, -1])
    page.mouse.move(bar["x"], bar["y"])  # ECharts tooltips are HTML with style attributes
    page.wait_for_timeout(300)
    check("dashboard")

    page.goto(base_url + "/w/default/new-topic")
    page.fill("#name", "Csp probe")
    page.click("#query")
    page.keyboard.type("aurora OR 极光")
    page.wait_for_selector("#live-count")  # the lint came back: HTMX sent the CSRF header
    page.click("#save-topic")  # the form's hidden csrf_token field
    page.wait_for_url("**/topics/Csp%20probe")
    page.wait_for_selector("body[data-charts-ready=true]")
    check("saved topic")

    page.click("form.signout button")
    page.wait_for_url("**/signin")
    check("sign-out")
    context.close()
    assert violations == [], violations
    assert problems == [], problems


def _watch(page: Any, problems: list[str]) -> None:
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
