"""Bluesky searchPosts: mapping, cursor pagination, the `since` cursor, auth, rejects."""

from datetime import UTC, datetime

import httpx
import orjson

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.bluesky.mapping import map_post_view
from hubbub.connectors.run import run_once

from .conftest import Server, connector_for, fixture_json

PAGE1 = fixture_json("bluesky_search_page1.json")
PAGE2 = fixture_json("bluesky_search_page2.json")
SOURCE = SourceConfig("sky", "bluesky", query="hubbub")


def search(request: httpx.Request) -> httpx.Response:
    assert request.url.path == "/xrpc/app.bsky.feed.searchPosts"
    assert request.url.params["sort"] == "latest" and request.url.params["q"] == "hubbub"
    if request.url.params["since"] >= "2026-03-02T12:00:00":
        return httpx.Response(200, json={"posts": []})
    page = PAGE2 if request.url.params.get("cursor") == "2" else PAGE1
    return httpx.Response(200, content=orjson.dumps(page))


def test_reply_quote_and_images_mapping():
    reply, quote = (map_post_view(p) for p in PAGE1["posts"])
    assert (
        reply.platform_id
        == "at://did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/app.bsky.feed.post/3lbbbbbbbbb2c"
    )
    assert reply.kind == "reply" and reply.parent_id == reply.root_id
    assert reply.url == "https://bsky.app/profile/ada.bsky.social/post/3lbbbbbbbbb2c"
    assert reply.hashtags == ["listening"] and reply.urls == ["https://example.org"]
    assert reply.lang == "en" and reply.created_at == datetime(2026, 3, 2, 12, tzinfo=UTC)
    assert (reply.metrics.likes, reply.metrics.reposts, reply.metrics.quotes) == (4, 1, 0)
    assert quote.kind == "quote" and quote.repost_of.endswith("/3laaaaaaaaa2c")
    assert quote.author.handle is None and quote.author.id == "did:plc:cccccccccccccccccccccccc"
    assert quote.metrics.likes is None  # the view omitted it
    original = map_post_view(PAGE2["posts"][0])
    assert original.media[0].url == "https://cdn.example/f.jpg" and original.kind == "post"


def test_pages_by_cursor_rejects_malformed_and_resumes_since(importer, states, fake_time):
    server = Server(search)
    with connector_for(SOURCE, server, fake_time) as sky:
        result = run_once(sky, importer, states)
    assert (result.stored, result.rejected, result.pages, result.error) == (3, 1, 2, None)
    assert server.requests[1].url.params["cursor"] == "2"
    # First run: one day back from the (fake) clock.
    assert server.requests[0].url.params["since"] == "2026-03-01T14:00:00Z"
    assert states.load("sky").cursor == {"since": "2026-03-02T12:00:00Z"}
    with connector_for(SOURCE, server, fake_time) as sky:
        again = run_once(sky, importer, states)
    assert again.stored == 0 and server.requests[-1].url.params["since"] == "2026-03-02T12:00:00Z"


def test_refused_search_names_the_variables_and_login_uses_the_session(importer, states, fake_time):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("createSession"):
            body = orjson.loads(request.content)
            assert body == {"identifier": "ada.bsky.social", "password": "app-pass"}
            return httpx.Response(200, json={"accessJwt": "jwt", "did": "did:plc:x"})
        if request.headers.get("authorization") != "Bearer jwt":
            return httpx.Response(403, json={"error": "Forbidden"})
        return search(request)

    server = Server(handler)
    with connector_for(SOURCE, server, fake_time) as sky:
        refused = run_once(sky, importer, states)
    assert refused.error_kind == "auth"
    assert (
        "HUBBUB_BLUESKY_HANDLE" in refused.error and "HUBBUB_BLUESKY_APP_PASSWORD" in refused.error
    )
    env = {"HUBBUB_BLUESKY_HANDLE": "ada.bsky.social", "HUBBUB_BLUESKY_APP_PASSWORD": "app-pass"}
    with connector_for(SOURCE, server, fake_time, env=env) as sky:
        result = run_once(sky, importer, states)
    assert result.stored == 3 and server.requests[-1].url.host == "bsky.social"
