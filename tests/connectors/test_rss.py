"""RSS/Atom: encodings, relative links, missing dates and fields, ETag/Last-Modified, non-feeds."""

from datetime import UTC, datetime

import httpx

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.rss.connector import RssConnector
from hubbub.connectors.run import run_once

from .conftest import Server, connector_for, fixture_bytes

ATOM = SourceConfig("news", "rss", url="https://news.example/feed.atom")
LATIN1 = SourceConfig("pt", "rss", url="https://noticias.example/rss")


def raw_items(config, body: bytes, fake_time, headers=None):  # type: ignore[no-untyped-def]
    server = Server(lambda r: httpx.Response(200, content=body, headers=headers or {}))
    with connector_for(config, server, fake_time) as rss:
        return [item for page in rss.fetch({}) for item in page.items]


def test_atom_entry_mapping(fake_time):
    items = raw_items(ATOM, fixture_bytes("feed_atom.xml"), fake_time)
    post = RssConnector.map(items[0])
    assert post.platform == "news" and post.kind == "article"
    assert post.platform_id == "tag:news.example,2026:1"
    assert post.url == "https://news.example/artikel/1"  # resolved against the feed URL
    assert post.title == "Hubbub veröffentlicht"
    assert post.text == "Hubbub veröffentlicht\n\nLang: Hubbub hört zu."  # content beats summary
    assert post.created_at == datetime(2026, 3, 2, 11, tzinfo=UTC)  # +01:00 → UTC
    assert post.author.name == "Jörg" and post.lang == "de"
    assert post.urls == ["https://news.example/artikel/1", "https://example.org/hubbub"]
    assert post.metrics.likes is None and post.metrics.views is None
    undated = RssConnector.map(items[1])
    assert undated.created_at == datetime.fromtimestamp(fake_time.now, UTC)  # first seen


def test_latin1_without_declaration_is_decoded(fake_time):
    items = raw_items(LATIN1, fixture_bytes("feed_latin1.rss"), fake_time)
    first, second = (RssConnector.map(i) for i in items)
    assert first.title == "Eleição: ação é notícia"
    assert first.text.endswith("Texto completo: ação, coração.")
    assert first.author.name == "José" and first.lang == "pt"
    assert first.platform_id == "https://noticias.example/a/1"  # guid "1" is not global: link
    assert first.media[0].type == "image"
    assert first.created_at == datetime(2026, 3, 2, 12, tzinfo=UTC)
    assert second.text == "Segunda\n\nOlá"


def test_conditional_get_and_rejects(importer, states, fake_time):
    validators = {"ETag": '"v1"', "Last-Modified": "Mon, 02 Mar 2026 11:00:00 GMT"}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, content=fixture_bytes("feed_atom.xml"), headers=validators)

    server = Server(handler)
    with connector_for(ATOM, server, fake_time) as rss:
        first = run_once(rss, importer, states)
    assert (first.stored, first.rejected) == (2, 1)  # the empty entry is a reject, not a crash
    assert states.load("news").cursor == {
        "etag": '"v1"',
        "last_modified": "Mon, 02 Mar 2026 11:00:00 GMT",
    }
    with connector_for(ATOM, server, fake_time) as rss:
        second = run_once(rss, importer, states)
    assert second.fetched == 0 and second.error is None
    assert server.requests[-1].headers["if-modified-since"] == validators["Last-Modified"]


def test_a_web_page_is_not_a_feed(importer, states, fake_time):
    page = b"<html><body><p>Not a feed</body></html>"
    server = Server(lambda r: httpx.Response(200, content=page))
    with connector_for(ATOM, server, fake_time) as rss:
        result = run_once(rss, importer, states)
    assert result.stored == 0 and result.error_kind == "terminal" and "not an RSS" in result.error
