"""Mastodon: mapping (HTML, boosts, absolute handles), servers, min_id cursors, partial failure."""

import copy
from datetime import UTC, datetime

import httpx

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.mastodon.mapping import map_status
from hubbub.connectors.run import run_once

from .conftest import Server, connector_for, fixture_json

TIMELINE = fixture_json("mastodon_tag_timeline.json")


def config(*instances: str, query: str = "#hubbub") -> SourceConfig:
    return SourceConfig("masto", "mastodon", query=query, instances=list(instances))


def timeline(request: httpx.Request) -> httpx.Response:
    assert request.url.path == "/api/v1/timelines/tag/hubbub"
    min_id = request.url.params.get("min_id")
    statuses = [s for s in TIMELINE if min_id is None or int(s["id"]) > int(min_id)]
    return httpx.Response(200, json=statuses)


def test_status_mapping_html_mentions_tags_and_identity():
    reply = map_status(TIMELINE[0])
    assert reply.platform == "mastodon"
    assert reply.platform_id == "https://fosstodon.example/users/bob/statuses/555"  # uri, global
    assert reply.kind == "reply" and reply.parent_id is None  # a local id is not a post id
    assert reply.text == "@alice agreed, #hubbub is neat"
    assert reply.mentions == ["alice@social.example"] and reply.hashtags == ["hubbub"]
    assert reply.urls is None  # mention and hashtag anchors are not links
    assert reply.author.handle == "bob@fosstodon.example" and reply.author.followers == 10
    assert reply.metrics.likes == 3 and reply.metrics.quotes is None  # not sent: unknown
    assert reply.created_at == datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_boost_is_a_repost_with_the_original_text_and_full_urls():
    boost = map_status(TIMELINE[1])
    original = map_status(TIMELINE[2])
    assert boost.kind == "repost" and boost.repost_of == original.platform_id
    assert boost.text == original.text
    # Mastodon hides parts of long URLs in "invisible" spans: the text keeps the whole URL.
    assert original.text == (
        "Trying #hubbub for listening: https://example.org/hubbub/releases/tag/v0.1.0\n\n"
        "Works & is fast"
    )
    assert original.urls == ["https://example.org/hubbub/releases/tag/v0.1.0"]
    assert original.media[0].type == "image" and original.metrics.quotes == 0
    assert boost.author.handle == "carol@social.example" and boost.author.name is None


def test_two_servers_same_posts_once_then_min_id_cursor(importer, states, fake_time, store):
    server = Server(timeline)
    source = config("https://a.example", "b.example")
    with connector_for(source, server, fake_time) as masto:
        first = run_once(masto, importer, states)
    assert (first.stored, first.duplicates, first.error) == (3, 3, None)
    assert {r.url.host for r in server.requests} == {"a.example", "b.example"}
    cursor = states.load("masto").cursor["instances"]
    assert cursor == {
        "https://a.example": {"min_id": "113000000000000003"},
        "https://b.example": {"min_id": "113000000000000003"},
    }
    server.requests.clear()
    with connector_for(source, server, fake_time) as masto:
        second = run_once(masto, importer, states)
    assert second.fetched == 0 and second.stored == 0
    assert all(r.url.params["min_id"] == "113000000000000003" for r in server.requests)
    assert store.count() == 3


def test_one_failing_server_does_not_stop_the_others(importer, states, fake_time):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "down.example":
            return httpx.Response(502)
        return timeline(request)

    source = config("down.example", "up.example")
    with connector_for(source, Server(handler), fake_time) as masto:
        result = run_once(masto, importer, states)
    assert result.stored == 3 and result.error_kind == "transient" and "502" in result.error
    state = states.load("masto")
    assert list(state.cursor["instances"]) == ["https://up.example"]
    assert state.health.status() == "retrying"


def test_search_sends_the_server_token_and_an_expired_one_names_the_variable(
    importer, states, fake_time
):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        if request.headers.get("authorization") != "Bearer good":
            return httpx.Response(401, json={"error": "The access token is invalid"})
        return httpx.Response(200, json={"accounts": [], "hashtags": [], "statuses": TIMELINE})

    source = config("mastodon.example", query="hubbub launch")
    env = {"HUBBUB_MASTODON_TOKEN_MASTODON_EXAMPLE": "good", "HUBBUB_MASTODON_TOKEN": "old"}
    with connector_for(source, Server(handler), fake_time, env=env) as masto:
        assert run_once(masto, importer, states).stored == 3
    with connector_for(
        source, Server(handler), fake_time, env={"HUBBUB_MASTODON_TOKEN": "old"}
    ) as m:
        result = run_once(m, importer, states)
    assert result.error_kind == "auth" and "HUBBUB_MASTODON_TOKEN_MASTODON_EXAMPLE" in result.error
    assert "access token is invalid" in result.error
    assert seen == ["Bearer good", "Bearer old"]  # 401 is not retried


def test_backfill_walks_back_with_max_id_until_the_date(importer, states, fake_time):
    statuses = copy.deepcopy(TIMELINE)
    pages = {None: statuses[:1] * 40, "113000000000000003": statuses[1:]}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages.get(request.url.params.get("max_id"), []))

    since = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    with connector_for(config("a.example"), Server(handler), fake_time) as masto:
        result = run_once(masto, importer, states, since=since)
    # The boost (11:00) is in the window, the original (10:00) is older and left out.
    assert result.stored == 2 and result.duplicates == 39
    assert states.load("masto").cursor["instances"]["https://a.example"] == {
        "min_id": "113000000000000003"
    }
