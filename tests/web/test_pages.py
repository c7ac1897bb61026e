"""The dashboard's routes through FastAPI's TestClient: sign-in, every page in both
languages, the panels' JSON, the post stream, the editor's live lint, saving, exports."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from hubbub.web.panels import PANELS
from tests.web.conftest import FORM, WebWorld, post_signin, sign_in

ENGLISH_NAV = "Topics"
CHINESE_NAV = "话题"


@pytest.fixture
def admin(app_client: TestClient, web_world: WebWorld) -> TestClient:
    app_client.cookies.clear()
    sign_in(app_client, web_world.tokens["admin"])
    return app_client


def test_pages_need_a_signed_in_token(app_client: TestClient) -> None:
    app_client.cookies.clear()
    response = app_client.get("/w/default/topics")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/w/default/topics"
    assert app_client.get("/").headers["location"] == "/signin"


def test_a_wrong_token_is_refused_with_the_form_again(app_client: TestClient) -> None:
    app_client.cookies.clear()
    response = post_signin(app_client, "token=hbb_nope_nope")
    assert response.status_code == 401
    assert "unknown or revoked" in response.text
    assert "hubbub_session" not in response.cookies


def test_sign_in_keeps_the_token_in_an_httponly_cookie(
    app_client: TestClient, web_world: WebWorld
) -> None:
    app_client.cookies.clear()
    response = post_signin(app_client, f"token={web_world.tokens['viewer']}&next=/w/default/alerts")
    assert response.headers["location"] == "/w/default/alerts"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_next_never_leaves_the_site(app_client: TestClient, web_world: WebWorld) -> None:
    app_client.cookies.clear()
    response = post_signin(app_client, f"token={web_world.tokens['admin']}&next=//evil.example")
    assert response.headers["location"] == "/w/default/topics"


def test_a_token_opens_only_its_own_workspace(app_client: TestClient, web_world: WebWorld) -> None:
    app_client.cookies.clear()
    sign_in(app_client, web_world.tokens["other"])
    assert app_client.get("/w/other/topics").status_code == 200
    assert "Secret" in app_client.get("/w/other/topics").text
    assert app_client.get("/w/default/topics").status_code == 303


def test_two_tokens_fill_the_workspace_switcher(
    app_client: TestClient, web_world: WebWorld
) -> None:
    app_client.cookies.clear()
    sign_in(app_client, web_world.tokens["other"])
    sign_in(app_client, web_world.tokens["viewer"])
    page = app_client.get("/w/default/topics").text
    assert 'value="/w/other/topics"' in page and 'value="/w/default/topics"' in page


def test_the_local_token_opens_every_workspace(app_client: TestClient) -> None:
    app_client.cookies.clear()
    local = app_client.app.state.hubbub.local_token  # type: ignore[attr-defined]
    sign_in(app_client, local)
    assert app_client.get("/w/other/topics").status_code == 200
    assert app_client.get("/w/default/topics").status_code == 200


PAGES = [
    "/w/default/topics",
    "/w/default/topics/Aurora",
    "/w/default/topics/Aurora%20X5?platform=weibo&from=2026-10-05&to=2026-10-20",
    "/w/default/topics/Aurora/edit",
    "/w/default/new-topic",
    "/w/default/compare",
    "/w/default/compare?topic=Aurora&topic=Nimbus",
    "/w/default/alerts",
    "/w/default/sources",
    "/signin",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_both_languages(admin: TestClient, path: str) -> None:
    english = admin.get(path)
    assert english.status_code == 200, english.text
    assert '<html lang="en">' in english.text
    admin.cookies.set("hubbub_lang", "zh")
    chinese = admin.get(path)
    admin.cookies.delete("hubbub_lang")
    assert chinese.status_code == 200
    assert '<html lang="zh-CN">' in chinese.text
    if path != "/signin":
        assert CHINESE_NAV in chinese.text and f">{ENGLISH_NAV}<" not in chinese.text


def test_the_language_follows_the_browser_until_chosen(admin: TestClient) -> None:
    page = admin.get("/w/default/topics", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-CN">' in page.text
    switched = admin.get("/lang/en?next=/w/default/topics")
    assert switched.headers["location"] == "/w/default/topics"
    assert "hubbub_lang=en" in switched.headers["set-cookie"]


@pytest.mark.parametrize("panel", list(PANELS))
def test_every_panel_has_data_for_a_demo_topic(admin: TestClient, panel: str) -> None:
    response = admin.get(f"/w/default/topics/Aurora%20X5/data/{panel}")
    assert response.status_code == 200, response.text
    data = response.json()
    if panel == "volume":
        assert data["total"] > 0 and data["labels"]["weibo"] == "Weibo"
        assert sum(p["count"] for p in data["platforms"]) == data["total"]
    elif panel == "sentiment":
        assert sum(data["counts"].values()) > 0 and data["counts"]["positive"] > 0
    elif panel == "sov":
        assert {"Aurora", "Nimbus", "Zephyr"} <= set(data["totals"])
        assert data["topic"] == "Aurora X5"
    else:
        assert data["items"], data


def test_panel_names_are_in_the_readers_language(admin: TestClient) -> None:
    admin.cookies.set("hubbub_lang", "zh")
    data = admin.get("/w/default/topics/Aurora/data/volume").json()
    admin.cookies.delete("hubbub_lang")
    labels = {i["key"]: i["label"] for i in data["platforms"]}
    assert labels["weibo"] == "微博" and labels["xiaohongshu"] == "小红书"


def test_filters_narrow_the_panels(admin: TestClient) -> None:
    everything = admin.get("/w/default/topics/Aurora/data/volume").json()["total"]
    weibo = admin.get("/w/default/topics/Aurora/data/volume?platform=weibo").json()
    assert 0 < weibo["total"] < everything
    assert [i["key"] for i in weibo["platforms"]] == ["weibo"]


def test_a_bad_filter_is_a_one_line_error(admin: TestClient) -> None:
    response = admin.get("/w/default/topics/Aurora/data/volume?from=yesterday")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["error"]["message"]
    page = admin.get("/w/default/topics/Aurora?from=yesterday", headers={"Accept": "text/html"})
    assert page.status_code == 400 and "YYYY-MM-DD" in page.text and "<html" in page.text


def test_an_unknown_topic_is_an_html_page_not_json(admin: TestClient) -> None:
    page = admin.get("/w/default/topics/Nope", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "<html" in page.text


def test_the_post_stream_drills_into_a_bucket_and_marks_matches(admin: TestClient) -> None:
    bucket = quote(json.dumps({"platform": "weibo"}))
    page = admin.get(f"/w/default/topics/Aurora/posts?b={bucket}").text
    assert page.count('class="post ') > 0
    assert page.count('<span class="chip">Weibo</span>') == page.count('class="post ')
    assert "<mark>" in page
    assert 'target="_blank" rel="noopener noreferrer"' in page  # links to the originals


def test_the_post_stream_pages_on(admin: TestClient) -> None:
    first = admin.get("/w/default/topics/Aurora/posts").text
    assert "cursor=" in first
    cursor = first.split("cursor=")[1].split('"')[0]
    second = admin.get(f"/w/default/topics/Aurora/posts?cursor={cursor}").text
    assert second.count('class="post ') > 0 and 'id="post-list"' not in second


def test_the_editor_lints_counts_and_samples_as_you_type(admin: TestClient) -> None:
    bad = admin.post(
        "/w/default/lint", content="query=" + quote("aurora AND (battery"), headers=FORM
    )
    assert bad.status_code == 200
    assert 'class="lint-error"' in bad.text and "live-count" not in bad.text
    good = admin.post("/w/default/lint", content="query=" + quote("极光 OR aurora"), headers=FORM)
    count = int(good.text.split('data-count="')[1].split('"')[0])
    assert count > 100 and "<mark>" in good.text


def test_lint_underlines_the_error_at_its_position(admin: TestClient) -> None:
    from hubbub.query import lint
    from hubbub.web.routes.topics import mirror_html

    query = "apple AND banana OR juice"
    html = str(mirror_html(query, lint(query).errors))
    assert html.startswith("apple ") and '<mark class="lint-error"' in html
    marked = html.split('">', 1)[1].split("</mark>")[0]
    assert marked in query


def test_saving_a_topic_opens_its_dashboard(admin: TestClient) -> None:
    response = admin.post(
        "/w/default/topics",
        content="name=Web+test&group=issue&query=" + quote("overheat* OR 过热") + "&description=",
        headers=FORM,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/w/default/topics/Web%20test"
    assert admin.get(response.headers["location"]).status_code == 200
    edited = admin.post(
        "/w/default/topics",
        content="original=Web+test&name=Web+test+2&group=issue&query=overheat*",
        headers=FORM,
    )
    assert edited.headers["location"] == "/w/default/topics/Web%20test%202"


def test_a_viewer_cannot_save_and_is_told_why(app_client: TestClient, web_world: WebWorld) -> None:
    app_client.cookies.clear()
    sign_in(app_client, web_world.tokens["viewer"])
    response = app_client.post("/w/default/topics", content="name=X&query=x", headers=FORM)
    assert response.status_code == 403 and "analyst role" in response.text  # issue #9: 403


def test_an_invalid_query_is_not_saved(admin: TestClient) -> None:
    response = admin.post("/w/default/topics", content="name=Bad&query=%28a", headers=FORM)
    assert response.status_code == 400 and 'class="alert error"' in response.text


def test_export_streams_the_filtered_posts_as_csv(admin: TestClient) -> None:
    response = admin.get("/w/default/topics/Aurora/export?format=csv&platform=weibo")
    assert response.status_code == 200
    assert 'filename="Aurora.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {r["platform"] for r in rows} == {"weibo"}


def test_export_of_a_drilled_down_view_holds_only_the_buckets_posts(admin: TestClient) -> None:
    everything = admin.get("/w/default/topics/Aurora/export?format=csv").text
    drilled = admin.get(
        "/w/default/topics/Aurora/export", params={"format": "csv", "b": '{"platform": "weibo"}'}
    )
    assert drilled.status_code == 200
    rows = list(csv.DictReader(io.StringIO(drilled.text)))
    all_rows = list(csv.DictReader(io.StringIO(everything)))
    assert rows and {r["platform"] for r in rows} == {"weibo"}
    assert len(rows) == sum(r["platform"] == "weibo" for r in all_rows) < len(all_rows)


def test_the_export_links_carry_the_drill_down_bucket(admin: TestClient) -> None:
    html = admin.get("/w/default/topics/Aurora", params={"b": '{"platform": "weibo"}'}).text
    link = html.split('id="export-csv" href="', 1)[1].split('"', 1)[0]
    assert "b=" in link and "weibo" in link


@pytest.mark.parametrize("fmt", ["ndjson", "parquet"])
def test_export_other_formats(admin: TestClient, fmt: str) -> None:
    response = admin.get(f"/w/default/topics/Aurora/export?format={fmt}")
    assert response.status_code == 200 and len(response.content) > 1000


def test_sparklines_are_inline_svg(admin: TestClient) -> None:
    html = admin.get("/w/default/topics/Aurora/sparkline").text
    assert html.count("<svg") == 2 and "<polyline" in html


def test_compare_data_covers_every_chosen_topic(admin: TestClient) -> None:
    data = admin.get("/w/default/compare/data?topic=Aurora&topic=Nimbus&topic=Zephyr").json()
    assert data["topics"] == ["Aurora", "Nimbus", "Zephyr"]
    assert all(data["per_topic"][n]["total"] > 0 for n in data["topics"])
    too_many = admin.get("/w/default/compare/data?" + "&".join(f"topic={n}" for n in "abcdef"))
    assert too_many.status_code == 400


def test_alerts_and_sources_say_nothing_is_configured(admin: TestClient) -> None:
    assert 'id="alerts-empty"' in admin.get("/w/default/alerts").text
    assert 'id="sources-empty"' in admin.get("/w/default/sources").text


def test_the_api_stays_under_v1(admin: TestClient, web_world: WebWorld) -> None:
    headers = {"Authorization": f"Bearer {web_world.tokens['admin']}"}
    assert admin.get("/v1/me", headers=headers).json()["workspace"] == "default"
    assert admin.get("/health").json()["status"] == "ok"
    assert admin.get("/v1/nothing", headers=headers).json()["error"]["code"] == "not-found"


@pytest.mark.parametrize(
    "path", ["/static/vendor/echarts.min.js", "/static/vendor/htmx.min.js", "/static/app.css"]
)
def test_assets_are_served_from_the_package(app_client: TestClient, path: str) -> None:
    assert app_client.get(path).status_code == 200


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_country_in_the_demo_has_a_name(admin: TestClient, lang: str) -> None:
    admin.cookies.set("hubbub_lang", lang)
    data = admin.get("/w/default/topics/Smartphones/data/countries").json()
    admin.cookies.delete("hubbub_lang")
    assert [i["key"] for i in data["items"] if i["label"] == i["key"]] == []


def test_sources_page_lists_a_configured_source(admin: TestClient, web_world: WebWorld) -> None:
    from hubbub.connectors.base import SourceConfig
    from hubbub.connectors.sources import add_source, remove_source

    add_source(web_world.home, SourceConfig("hn", "hackernews", query="social listening"))
    try:
        admin.cookies.set("hubbub_lang", "zh")
        html = admin.get("/w/default/sources").text
    finally:
        admin.cookies.delete("hubbub_lang")
        remove_source(web_world.home, "hn")
    assert "<td>hn</td>" in html and "从未运行" in html and 'id="sources-empty"' not in html


def test_an_alerts_link_opens_the_dashboard_on_its_window(admin: TestClient) -> None:
    # hubbub.alerts makes these links; skip until it is in the tree.
    dashboard_link = pytest.importorskip("hubbub.alerts.explain").dashboard_link
    link = dashboard_link("Aurora X5", 1_792_375_200, 1_792_378_800)  # one hour
    response = admin.get(link)
    assert response.status_code == 303
    target = response.headers["location"]
    assert target.startswith("/w/default/topics/Aurora%20X5?since=")
    page = admin.get(target)
    assert page.status_code == 200 and 'name="since"' in page.text
    hour = admin.get(target.replace("/topics/Aurora%20X5?", "/topics/Aurora%20X5/data/volume?"))
    assert hour.json()["interval"] == "hour"
