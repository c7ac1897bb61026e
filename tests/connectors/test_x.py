"""X API v2: recent search (next_token, since_id), the filtered stream, errors, mapping."""

from datetime import UTC, datetime

import httpx
import orjson
import pytest

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.run import run_once
from hubbub.connectors.sources import make_connector
from hubbub.connectors.x.connector import joined_items
from hubbub.connectors.x.mapping import map_joined
from hubbub.errors import ConfigError

from .conftest import Server, connector_for, fixture_bytes, fixture_json

PAGE1 = fixture_json("x_search_page1.json")
PAGE2 = fixture_json("x_search_page2.json")
ENV = {"HUBBUB_X_BEARER_TOKEN": "AAAA-bearer"}
NEWEST = "1897000000000000003"


def config(**options: str) -> SourceConfig:
    return SourceConfig("xs", "x", query="hubbub lang:en -is:retweet", options=options)


def search(request: httpx.Request) -> httpx.Response:
    assert request.headers["authorization"] == "Bearer AAAA-bearer"
    assert request.url.path == "/2/tweets/search/recent"
    params = request.url.params
    if params.get("since_id") == NEWEST:
        return httpx.Response(200, json={"meta": {"result_count": 0}})
    return httpx.Response(200, json=PAGE2 if params.get("next_token") else PAGE1)


def test_reply_with_media_and_quote_mapping():
    reply, quote = (map_joined(item) for item in joined_items(PAGE1))
    assert (reply.platform, reply.platform_id, reply.kind) == ("x", NEWEST, "reply")
    assert reply.parent_id == "1897000000000000001" and reply.root_id == "1897000000000000001"
    assert reply.author.handle == "grace_h" and reply.author.followers == 1520
    assert reply.author.verified is False
    assert reply.hashtags == ["hubbub"] and reply.mentions == ["ada_l"]
    assert reply.urls == ["https://example.org/weibo"]  # the photo link is media, not a URL
    assert reply.media[0].type == "image" and reply.metrics.views == 480
    assert reply.created_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert reply.url == f"https://x.com/grace_h/status/{NEWEST}" and reply.source == "connector:x"
    assert (quote.kind, quote.repost_of, quote.author.verified) == (
        "quote",
        "1896000000000000050",
        True,
    )


def test_next_token_paging_then_since_id_on_the_next_run(importer, states, fake_time, store):
    server = Server(search)
    with connector_for(config(), server, fake_time, env=ENV) as xs:
        first = run_once(xs, importer, states)
    assert (first.stored, first.pages, first.error) == (3, 2, None)
    params = server.requests[0].url.params
    assert params["expansions"].startswith("author_id,") and "username" in params["user.fields"]
    assert params["start_time"] == "2026-03-01T14:00:00Z" and params["max_results"] == "100"
    assert server.requests[1].url.params["next_token"] == "b26v89c19zqg8o3fpzbkk"
    assert server.requests[1].url.params["start_time"] == "2026-03-01T14:00:00Z"
    assert states.load("xs").cursor == {"since_id": NEWEST}
    assert fake_time.sleeps == [pytest.approx(15.0)]  # paced to the Basic tier

    server.requests.clear()
    with connector_for(config(), server, fake_time, env=ENV) as xs:
        second = run_once(xs, importer, states)
    assert (second.stored, second.fetched) == (0, 0)
    assert server.requests[0].url.params["since_id"] == NEWEST
    assert "start_time" not in server.requests[0].url.params
    assert store.count() == 3


def test_an_interrupted_walk_resumes_with_its_own_parameters(importer, states, fake_time):
    server = Server(search)
    with connector_for(config(max_pages="1"), server, fake_time, env=ENV) as xs:
        assert run_once(xs, importer, states).stored == 2
    walk = states.load("xs").cursor["walk"]
    assert walk["next_token"] == "b26v89c19zqg8o3fpzbkk" and walk["newest_id"] == NEWEST
    fake_time.now += 3600  # an hour later the first-run window would differ: the walk's is kept
    server.requests.clear()
    with connector_for(config(), server, fake_time, env=ENV) as xs:
        assert run_once(xs, importer, states).stored == 1
    resumed = server.requests[0].url.params
    assert resumed["next_token"] == "b26v89c19zqg8o3fpzbkk"
    assert resumed["start_time"] == "2026-03-01T14:00:00Z"
    assert states.load("xs").cursor == {"since_id": NEWEST}


def test_429_waits_for_the_rate_limit_reset_then_5xx_then_success(importer, states, fake_time):
    reset = int(fake_time.now) + 40
    answers = [
        httpx.Response(
            429, headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
        ),
        httpx.Response(503, json={"title": "Service Unavailable"}),
    ]
    server = Server(lambda r: answers.pop(0) if answers else search(r))
    with connector_for(config(), server, fake_time, env=ENV, attempts=4) as xs:
        result = run_once(xs, importer, states)
    assert (result.stored, result.error) == (3, None)
    assert fake_time.sleeps[0] == pytest.approx(40)  # until x-rate-limit-reset


def test_expired_token_names_the_variable(importer, states, fake_time):
    body = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
    server = Server(lambda r: httpx.Response(401, json=body))
    with connector_for(config(), server, fake_time, env=ENV) as xs:
        result = run_once(xs, importer, states)
    assert result.error_kind == "auth" and "HUBBUB_X_BEARER_TOKEN" in result.error
    with connector_for(config(), server, fake_time, env={}) as xs:
        assert "HUBBUB_X_BEARER_TOKEN" in run_once(xs, importer, states).error


def test_malformed_tweets_are_rejected_and_the_rest_stored(importer, states, fake_time):
    page = {**PAGE2, "data": [*PAGE2["data"], "not a tweet", {"text": "no id"}]}
    server = Server(lambda r: httpx.Response(200, content=orjson.dumps(page)))
    with connector_for(config(), server, fake_time, env=ENV) as xs:
        result = run_once(xs, importer, states)
    assert (result.stored, result.rejected, result.error) == (1, 2, None)


def stream_server(script):  # type: ignore[no-untyped-def]
    """Rules (none yet; the add succeeds), then one scripted answer per stream connection."""
    added: list[dict] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/rules"):
            if request.method == "GET":
                return httpx.Response(200, json={"meta": {"result_count": 0}})
            added.append(orjson.loads(request.content))
            return httpx.Response(
                201,
                json={"data": [{"id": "1770000000000000001"}], "meta": {"summary": {"created": 1}}},
            )
        return script.pop(0)

    server = Server(handle)
    server.added = added  # type: ignore[attr-defined]
    return server


def stream_config(**options: str) -> SourceConfig:
    return SourceConfig("xs", "x_stream", query="hubbub lang:en -is:retweet", options=options)


def test_stream_adds_the_rule_keeps_its_tweets_and_reconnects_after_drops(
    importer, states, fake_time
):
    script = [
        httpx.Response(200, content=fixture_bytes("x_stream.ndjson")),  # then the server closes
        httpx.Response(503, json={"title": "Service Unavailable"}),
        httpx.Response(200, content=fixture_bytes("x_stream_after_reconnect.ndjson")),
    ]
    server = stream_server(script)
    with connector_for(stream_config(max_items="3"), server, fake_time, env=ENV) as xs:
        result = run_once(xs, importer, states)
    assert server.added == [{"add": [{"value": "hubbub lang:en -is:retweet", "tag": "hubbub:xs"}]}]
    # Our two tweets (one cut off: a reject), not the other tool's; then one after reconnecting.
    assert (result.stored, result.rejected, result.error) == (2, 1, None)
    stream_requests = [r for r in server.requests if r.url.path == "/2/tweets/search/stream"]
    assert len(stream_requests) == 3 and "author_id" in stream_requests[0].url.params["expansions"]
    assert len(fake_time.sleeps) == 2  # a backoff after the drop and after the 503, never real
    assert states.load("xs").cursor == {}  # a stream has nothing to resume from


def test_stream_gives_up_after_repeated_failures_and_a_refused_rule_says_why(
    importer, states, fake_time
):
    server = stream_server([httpx.Response(503) for _ in range(3)])
    with connector_for(stream_config(), server, fake_time, env=ENV, attempts=3) as xs:
        result = run_once(xs, importer, states)
    assert result.error_kind == "transient" and "3 tries in a row" in result.error
    refused = Server(
        lambda r: (
            httpx.Response(200, json={"meta": {"result_count": 0}})
            if r.method == "GET"
            else httpx.Response(
                200,
                json={
                    "meta": {"summary": {"created": 0, "invalid": 1}},
                    "errors": [
                        {
                            "title": "UnprocessableEntity",
                            "details": ["Rules must contain a non-stopword"],
                        }
                    ],
                },
            )
        )
    )
    with connector_for(stream_config(), refused, fake_time, env=ENV) as xs:
        result = run_once(xs, importer, states)
    assert result.error_kind == "terminal" and "non-stopword" in result.error


def test_stream_keeps_an_unchanged_rule_and_replaces_a_changed_one(fake_time):
    from hubbub.connectors.http import HttpClient
    from hubbub.connectors.x.stream import sync_rule

    posted: list[dict] = []
    rules = {
        "data": [
            {"id": "17", "value": "old query", "tag": "hubbub:xs"},
            {"id": "18", "value": "theirs", "tag": "other-tool"},
        ]
    }

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=rules)
        posted.append(orjson.loads(request.content))
        return httpx.Response(200, json={"meta": {"summary": {"created": 1, "deleted": 1}}})

    with HttpClient("https://api.x.com", transport=httpx.MockTransport(handle)) as http:
        assert sync_rule(http, "xs", "old query") == "hubbub:xs" and posted == []
        sync_rule(http, "xs", "new query")
    assert posted == [
        {"delete": {"ids": ["17"]}},  # only this source's rule, never another tool's
        {"add": [{"value": "new query", "tag": "hubbub:xs"}]},
    ]


def test_settings_are_checked():
    with pytest.raises(ConfigError, match="needs --query"):
        make_connector(SourceConfig("x1", "x"))
    with pytest.raises(ConfigError, match="needs --query"):
        make_connector(SourceConfig("x2", "x_stream"))
