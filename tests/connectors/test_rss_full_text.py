"""RSS `full_text=true`: the linked page's main text for summary-only entries."""

import httpx
import pytest

from hubbub.connectors.base import SourceConfig
from hubbub.connectors.rss.article import extract_article, page_text
from hubbub.connectors.rss.connector import RssConnector
from hubbub.connectors.run import run_once
from hubbub.errors import ConfigError

from .conftest import Server, connector_for, fixture_bytes

FEED = fixture_bytes("feed_summary_only.rss")
NEWS = fixture_bytes("article_news.html")
LATIN1 = fixture_bytes("article_latin1.html")
RIVER = "https://news.example/2026/03/hubbub-river"


def config(**options: str) -> SourceConfig:
    return SourceConfig(
        "news", "rss", url="https://news.example/feed.rss", options={"full_text": "true", **options}
    )


def site(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/feed.rss":
        return httpx.Response(200, content=FEED, headers={"ETag": '"f1"'})
    if str(request.url) == RIVER:
        return httpx.Response(200, content=NEWS, headers={"Content-Type": "text/html"})
    return httpx.Response(404, content=b"<html><p>Not found</p></html>")


def test_the_article_is_found_and_boilerplate_left_out():
    text = extract_article(page_text(NEWS, None))
    assert text.startswith("Hubbub listens to a new river of posts\n\nBy Ada Example")
    assert "Analysts can follow a brand’s mentions" in text  # entities decoded
    assert text.endswith("one of them said.")
    for boilerplate in ("ticker", "World", "caption", "Another story", "First!", "rights", "<p>"):
        assert boilerplate not in text


def test_without_article_markup_the_densest_block_wins_and_meta_charset_is_read():
    text = extract_article(page_text(LATIN1, None))
    assert text.startswith("O café de São Paulo ouve as redes")
    assert "«Não é vigilância, é atenção»" in text  # unclosed <p>s split into paragraphs
    assert text.count("\n\n") == 3
    assert "Publicidade" not in text and "Início" not in text and "direitos" not in text


def test_a_page_with_little_text_gives_nothing():
    assert extract_article("<html><body><p>Subscribe to read.</p></body></html>") == ""
    assert extract_article("") == ""


def test_summary_only_entries_get_their_page_and_the_rest_keep_the_feed(fake_time):
    server = Server(site)
    with connector_for(config(), server, fake_time) as rss:
        (page,) = rss.fetch({})
    asked = [str(r.url) for r in server.requests]
    # the feed, then the two teasers' pages; the entry with content:encoded is not fetched
    assert asked == ["https://news.example/feed.rss", RIVER, "https://news.example/2026/03/gone"]
    river, gone, full = (RssConnector.map(item) for item in page.items)
    # the title once (the page's headline is not repeated), then the page's text
    assert river.text.startswith("Hubbub listens to a new river of posts\n\nBy Ada Example")
    assert "one of them said." in river.text and "Read more" not in river.text
    assert page.items[0]["article"]["url"] == RIVER
    assert gone.text.endswith("This teaser is all that is left.")  # a 404 keeps the summary
    assert "article" not in page.items[1]
    assert "The end." in full.text
    assert page.cursor == {"etag": '"f1"', "articles": [RIVER, "https://news.example/2026/03/gone"]}


def test_pages_are_paced_per_host_and_not_fetched_again(fake_time, importer, states):
    server = Server(site)
    with connector_for(config(article_delay="3"), server, fake_time) as rss:
        first = run_once(rss, importer, states)
    assert first.stored == 3
    assert fake_time.sleeps == [3.0]  # two pages from one host: one pause between them
    with connector_for(config(), server, fake_time) as rss:
        second = run_once(rss, importer, states)
    assert second.duplicates == 3
    assert [r.url.path for r in server.requests[3:]] == ["/feed.rss"]  # pages remembered


def test_without_the_option_no_page_is_fetched(fake_time):
    server = Server(site)
    plain = SourceConfig("news", "rss", url="https://news.example/feed.rss")
    with connector_for(plain, server, fake_time) as rss:
        (page,) = rss.fetch({})
    assert len(server.requests) == 1 and "articles" not in page.cursor


def test_bad_options_are_refused_on_add(fake_time):
    server = Server(site)
    with pytest.raises(ConfigError, match="full_text must be true or false"):
        connector_for(config(full_text="sometimes"), server, fake_time)
    with pytest.raises(ConfigError, match="article_delay"):
        connector_for(config(article_delay="soon"), server, fake_time)
