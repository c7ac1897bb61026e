"""Reddit: OAuth app-only token, `after` paging back to the cursor, errors, mapping."""

import base64
from datetime import UTC, datetime

import httpx
import pytest

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.reddit.mapping import map_child
from hubbub.connectors.run import run_once
from hubbub.connectors.sources import make_connector
from hubbub.errors import ConfigError

from .conftest import Server, connector_for, fixture_json

PAGE1 = fixture_json("reddit_new_page1.json")
PAGE2 = fixture_json("reddit_new_page2.json")
COMMENTS = fixture_json("reddit_comments.json")
TOKEN = fixture_json("reddit_token.json")
ENV = {"HUBBUB_REDDIT_CLIENT_ID": "app-id", "HUBBUB_REDDIT_CLIENT_SECRET": "app-secret"}


def config(**options: str) -> SourceConfig:
    return SourceConfig("rd", "reddit", options={"subreddit": "socialmedia", **options})


def reddit(request: httpx.Request, listing=None) -> httpx.Response:  # type: ignore[no-untyped-def]
    """The token endpoint, then /r/socialmedia/new: page 1, and page 2 after `t3_1abc02`."""
    if request.url.host == "www.reddit.com":
        assert request.url.path == "/api/v1/access_token"
        return httpx.Response(200, json=TOKEN)
    assert request.headers["authorization"] == f"Bearer {TOKEN['access_token']}"
    after = request.url.params.get("after")
    return httpx.Response(200, json=PAGE2 if after == "t3_1abc02" else (listing or PAGE1))


def test_post_link_post_deleted_author_and_comment_mapping():
    post = map_child(PAGE1["data"]["children"][0])
    assert (post.platform, post.platform_id, post.kind) == ("reddit", "1abc03", "post")
    assert post.text.startswith(
        "Hubbub & ClickHouse for brand listening?\n\nWe moved our <listening>"
    )
    assert post.title == "Hubbub & ClickHouse for brand listening?"
    assert post.created_at == datetime(2026, 3, 2, 12, 36, 40, tzinfo=UTC)
    assert post.url == "https://www.reddit.com/r/socialmedia/comments/1abc03/listening/"
    assert (post.metrics.likes, post.metrics.replies) == (12, 3)
    assert (post.author.id, post.author.handle) == ("8x1k2", "grace")
    assert post.source == "connector:reddit"
    link = map_child(PAGE1["data"]["children"][1])
    assert link.urls == ["https://example.org/compare"] and link.metrics.likes == 0
    gone = map_child(PAGE2["data"]["children"][0])
    assert gone.text == "Which tools track mentions?" and gone.author.handle is None
    comment = map_child(COMMENTS["data"]["children"][0])
    assert (comment.kind, comment.parent_id, comment.root_id) == ("comment", "1abc03", "1abc03")
    assert map_child({"kind": "more", "data": {"children": ["x1"]}}) is None


def test_token_exchange_walk_back_with_after_then_resume_from_cursor(
    importer, states, fake_time, store
):
    server = Server(reddit)
    with connector_for(config(), server, fake_time, env=ENV) as rd:
        first = run_once(rd, importer, states)
    assert (first.stored, first.pages, first.error) == (3, 2, None)
    token_request = server.requests[0]
    expected = base64.b64encode(b"app-id:app-secret").decode()
    assert token_request.headers["authorization"] == f"Basic {expected}"
    assert token_request.content == b"grant_type=client_credentials"
    listing = server.requests[1]
    assert listing.url.path == "/r/socialmedia/new"
    assert listing.url.params["limit"] == "100" and listing.url.params["raw_json"] == "1"
    assert server.requests[2].url.params["after"] == "t3_1abc02"
    assert states.load("rd").cursor == {"newest": 1772455000.0}

    server.requests.clear()
    with connector_for(config(), server, fake_time, env=ENV) as rd:
        second = run_once(rd, importer, states)
    # One page: its second post is older than the cursor, so the walk stops there.
    assert (second.pages, second.stored, second.duplicates) == (1, 0, 1)
    assert store.count() == 3


def test_page_limit_commits_the_walk_and_a_restart_resumes_after_it(importer, states, fake_time):
    server = Server(reddit)
    with connector_for(config(max_pages="1"), server, fake_time, env=ENV) as rd:
        assert run_once(rd, importer, states).stored == 2
    walk = states.load("rd").cursor["walk"]
    assert walk["token"] == "t3_1abc02" and walk["newest"] == 1772455000.0
    server.requests.clear()
    with connector_for(config(), server, fake_time, env=ENV) as rd:
        result = run_once(rd, importer, states)
    assert result.stored == 1 and server.requests[1].url.params["after"] == "t3_1abc02"
    assert states.load("rd").cursor == {"newest": 1772455000.0}


def test_429_retry_after_and_spent_budget_headers_are_honoured(importer, states, fake_time):
    calls = {"api": 0}

    def limited(request: httpx.Request) -> httpx.Response:
        if request.url.host == "www.reddit.com":
            return httpx.Response(200, json=TOKEN)
        calls["api"] += 1
        if calls["api"] == 1:
            return httpx.Response(429, headers={"Retry-After": "7"}, json={"message": "Too Many"})
        # Reddit's budget headers: remaining is a float, reset is seconds from now.
        budget = {"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "30"}
        return httpx.Response(200, content=reddit(request).content, headers=budget)

    with connector_for(config(), Server(limited), fake_time, env=ENV) as rd:
        result = run_once(rd, importer, states)
    assert (result.stored, result.error) == (3, None)
    assert fake_time.sleeps[0] == 7  # Retry-After, on the fake clock
    assert fake_time.sleeps[1] == pytest.approx(30)  # the spent budget's reset


def test_5xx_then_success(importer, states, fake_time):
    failures = {"left": 2}

    def flaky(request: httpx.Request) -> httpx.Response:
        if request.url.host != "www.reddit.com" and failures["left"]:
            failures["left"] -= 1
            return httpx.Response(502, text="bad gateway")
        return reddit(request)

    server = Server(flaky)
    # No pacing here: a backoff shorter than the 0.6 s pace would add a pacing wait to `sleeps`.
    with connector_for(config(min_interval="0"), server, fake_time, env=ENV) as rd:
        result = run_once(rd, importer, states)
    assert (result.stored, result.error) == (3, None)
    assert len([r for r in server.requests if r.url.host == "oauth.reddit.com"]) == 4
    assert 0.5 <= fake_time.sleeps[0] <= 1 and 1 <= fake_time.sleeps[1] <= 2  # backoff


def test_expired_token_is_renewed_once_then_names_the_variables(importer, states, fake_time):
    server = Server(
        lambda r: (
            httpx.Response(200, json=TOKEN)
            if r.url.host == "www.reddit.com"
            else httpx.Response(401, json={"message": "Unauthorized", "error": 401})
        )
    )
    with connector_for(config(), server, fake_time, env=ENV) as rd:
        result = run_once(rd, importer, states)
    hosts = [r.url.host for r in server.requests]
    assert hosts == ["www.reddit.com", "oauth.reddit.com", "www.reddit.com", "oauth.reddit.com"]
    assert result.error_kind == "auth"
    assert (
        "HUBBUB_REDDIT_CLIENT_ID" in result.error and "HUBBUB_REDDIT_CLIENT_SECRET" in result.error
    )
    assert states.load("rd").health.status() == "failing"


def test_missing_credentials_name_the_variable_before_any_request(importer, states, fake_time):
    server = Server(reddit)
    with connector_for(config(), server, fake_time, env={}) as rd:
        result = run_once(rd, importer, states)
    assert result.error_kind == "auth" and "HUBBUB_REDDIT_CLIENT_ID" in result.error
    assert server.requests == []


def test_malformed_children_are_rejected_and_the_rest_stored(importer, states, fake_time):
    children = [*COMMENTS["data"]["children"], {"kind": "t1", "data": {"body": "no id"}}, "junk"]
    listing = {"kind": "Listing", "data": {"after": None, "children": children}}
    server = Server(lambda r: reddit(r, listing))
    with connector_for(config(listing="comments"), server, fake_time, env=ENV) as rd:
        result = run_once(rd, importer, states)
    assert (result.stored, result.rejected, result.error) == (2, 2, None)
    assert server.requests[1].url.path == "/r/socialmedia/comments"


def test_search_and_settings_checks(fake_time):
    searched = make_connector(
        SourceConfig("s", "reddit", query="hubbub", options={"subreddit": "a+b"})
    )
    assert searched._endpoint() == (
        "/r/a+b/search",
        {
            "limit": 100,
            "raw_json": 1,
            "q": "hubbub",
            "sort": "new",
            "type": "link",
            "restrict_sr": 1,
        },
    )
    with pytest.raises(ConfigError, match="needs --query"):
        make_connector(SourceConfig("s", "reddit"))
    with pytest.raises(ConfigError, match="listing"):
        make_connector(SourceConfig("s", "reddit", options={"subreddit": "x", "listing": "top"}))
