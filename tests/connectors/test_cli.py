"""`hubbub source add|list|run|rm` end to end, against a local HTTP server serving fixtures."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from typer.testing import CliRunner

from hubbub.cli.main import app

from .conftest import FixtureHandler, fixture_bytes, fixture_json, local_server

runner = CliRunner()


class FixtureAPI(FixtureHandler):
    """Algolia HN search on localhost: page 1, then page 2 below it, nothing newer."""

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        if urlsplit(self.path).path == "/feed.rss":
            self.send_body(fixture_bytes("feed_latin1.rss"), "application/rss+xml")
            return
        filters = query.get("numericFilters", [""])[0]
        if "created_at_i>1772445605" in filters:
            self.send_json({"hits": []})
        elif "<=" in filters:
            self.send_json(fixture_json("hn_search_page2.json"))
        else:
            self.send_json(fixture_json("hn_search_page1.json"))


@pytest.fixture
def api() -> Iterator[str]:
    with local_server(FixtureAPI) as base_url:
        yield base_url


def hubbub(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_add_run_twice_list_and_remove(tmp_path, api):
    home = str(tmp_path)
    added = hubbub(
        "source",
        "add",
        "hn",
        "--type",
        "hackernews",
        "-q",
        "hubbub",
        "--base-url",
        f"{api}/api/v1",
        "--set",
        "hits_per_page=2",
        "--set",
        "min_interval=0",
        "--home",
        home,
    )
    assert added.exit_code == 0, added.output
    feed = hubbub(
        "source",
        "add",
        "pt",
        "--type",
        "rss",
        "--url",
        f"{api}/feed.rss",
        "--set",
        "min_interval=0",
        "--home",
        home,
    )
    assert feed.exit_code == 0, feed.output
    assert '[sources.hn]\ntype = "hackernews"' in (tmp_path / "hubbub.toml").read_text()

    first = hubbub("source", "run", "--all", "--no-enrich", "--json", "--home", home)
    assert first.exit_code == 0, first.output
    results = {r["source"]: r for r in orjson.loads(first.stdout)}
    assert results["hn"]["stored"] == 3 and results["pt"]["stored"] == 2
    again = hubbub(
        "source", "run", "hn", "--no-enrich", "--backfill-since", "2026-03-01", "--home", home
    )
    assert again.exit_code == 0 and "0 new, 3 already stored" in again.stdout

    listed = orjson.loads(hubbub("source", "list", "--json", "--home", home).stdout)
    assert [(s["name"], s["status"], s["items_total"]) for s in listed] == [
        ("hn", "ok", 3),
        ("pt", "ok", 2),
    ]
    assert "hn" in hubbub("source", "list", "--home", home).stdout
    assert list((tmp_path / "raw").iterdir())  # raw items archived

    assert hubbub("source", "rm", "pt", "--home", home).exit_code == 0
    assert "[sources.pt]" not in (tmp_path / "hubbub.toml").read_text()
    assert not (tmp_path / "connectors" / "pt.json").exists()


def test_bad_input_is_one_line_not_a_trace(tmp_path):
    home = str(tmp_path)
    bad = runner.invoke(app, ["source", "add", "x", "--type", "nosuch", "--home", home])
    assert bad.exit_code != 0 and "unknown source type 'nosuch'" in str(bad.exception)
    bad = runner.invoke(app, ["source", "add", "r", "--type", "rss", "--home", home])
    assert "needs --url" in str(bad.exception)
    bad = runner.invoke(app, ["source", "run", "nope", "--home", home])
    assert "no source named" in str(bad.exception)
    for option, says in (
        ("hits_per_page=many", "hits_per_page must be a whole number"),
        ("min_interval=-1", "min_interval must be seconds >= 0"),
    ):
        bad = runner.invoke(
            app, ["source", "add", "h", "--type", "hackernews", "--set", option, "--home", home]
        )
        assert says in str(bad.exception)
    bad = runner.invoke(
        app,
        ["source", "add", "m", "--type", "mastodon", "--set", "local=maybe", "--home", home],
    )
    assert "local must be true or false" in str(bad.exception)
    bad = runner.invoke(
        app,
        ["source", "add", "b", "--type", "bluesky", "-q", "a", "--set", "query=b", "--home", home],
    )
    assert "query is given twice" in str(bad.exception)
    assert not (tmp_path / "hubbub.toml").exists()


def test_set_base_url_is_the_base_url_setting(tmp_path):
    home = str(tmp_path)
    added = hubbub(
        "source", "add", "sky", "--type", "bluesky", "--set", "query=hubbub",
        "--set", "base_url=http://127.0.0.1:9/xrpc", "--set", "instances=a.example,b.example",
        "--home", home,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    text = (tmp_path / "hubbub.toml").read_text()
    assert 'query = "hubbub"' in text and 'base_url = "http://127.0.0.1:9/xrpc"' in text
    assert 'instances = ["a.example", "b.example"]' in text and "options" not in text


def test_source_test_against_the_local_api(tmp_path, api):
    home = str(tmp_path)
    hubbub(
        "source", "add", "hn", "--type", "hackernews", "-q", "hubbub",
        "--set", f"base_url={api}/api/v1", "--set", "hits_per_page=2", "--home", home,
    )  # fmt: skip
    shown = hubbub("source", "test", "hn", "--json", "--home", home)
    assert shown.exit_code == 0, shown.output
    preview = orjson.loads(shown.stdout)
    assert [p["id"] for p in preview["posts"]] == ["9000003", "9000001"]
    assert preview["requests"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hubbub.toml"]  # nothing stored
