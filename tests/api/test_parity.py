"""The same numbers whichever way they are asked for: the SDK in-process, the SDK over HTTP
(TestClient transport) and the CLI's --json."""

from __future__ import annotations

import io
from collections.abc import Iterator

import orjson
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from hubbub.cli.main import app as cli_app
from hubbub.sdk import LocalClient, connect, to_pandas
from hubbub.store import EmbeddedStore, open_store

# (CLI arguments, SDK method, positional target, keyword arguments)
CASES = {
    "volume": (["volume", "Aurora", "--interval", "day"], "volume", "Aurora", {"interval": "day"}),
    "breakdown": (
        ["breakdown", "nimbus OR 云雀", "--by", "lang", "--platform", "weibo", "--platform", "x"],
        "breakdown",
        None,
        {"q": "nimbus OR 云雀", "by": "lang", "platforms": ["weibo", "x"]},
    ),
    "top": (
        ["top", "Aurora", "--kind", "hashtags", "--since", "2026-10-15"],
        "top",
        "Aurora",
        {"kind": "hashtags", "since": "2026-10-15"},
    ),
    "authors": (["authors", "Zephyr", "--limit", "5"], "authors", "Zephyr", {"limit": 5}),
}


@pytest.fixture(scope="module")
def cli_answers(world) -> dict[str, dict]:
    """Run before the module's store opens: the CLI opens the store itself, in-process."""
    runner = CliRunner()
    answers = {}
    commands = {name: case[0] for name, case in CASES.items()}
    commands["sov"] = ["sov", "Aurora", "Nimbus", "Zephyr"]
    commands["stats"] = ["stats", "aurora OR 极光", "--since", "2026-10-10"]
    for name, args in commands.items():
        result = runner.invoke(cli_app, [*args, "--json", "--home", str(world.home)])
        assert result.exit_code == 0, result.output
        answers[name] = orjson.loads(result.stdout)
    return answers


@pytest.fixture(scope="module")
def store(world, cli_answers) -> Iterator[EmbeddedStore]:  # overrides conftest's: CLI first
    opened = open_store(world.home)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def local(world, store):
    return LocalClient(world.home, store=store)


@pytest.fixture(scope="module")
def remote(world, client):
    return connect("http://testserver", world.tokens["viewer"], http=client)


@pytest.mark.parametrize("name", sorted(CASES))
def test_local_http_and_cli_agree(local, remote, cli_answers, name):
    _, method, target, options = CASES[name]
    here = getattr(local, method)(target, **options)
    there = getattr(remote, method)(target, **options)
    assert type(here) is type(there)
    assert here.to_dict() == there.to_dict() == cli_answers[name]


def test_share_of_voice_agrees(local, remote, cli_answers):
    here = local.share_of_voice(["Aurora", "Nimbus", "Zephyr"])
    there = remote.share_of_voice(["Aurora", "Nimbus", "Zephyr"])
    assert here.to_dict() == there.to_dict() == cli_answers["sov"]
    assert sum(here.shares.values()) == pytest.approx(1.0)


def test_stats_and_search_agree(local, remote, cli_answers):
    here = local.stats("aurora OR 极光", since="2026-10-10")
    assert here == remote.stats("aurora OR 极光", since="2026-10-10") == cli_answers["stats"]
    newest = local.search("aurora", limit=30)
    assert newest == remote.search("aurora", limit=30) and len(newest) == 30
    assert newest[0]["created_at"] >= newest[-1]["created_at"]


def test_topics_are_the_same_objects(local, remote):
    assert local.topics() == remote.topics()
    assert local.topic("aurora") == remote.topic("Aurora")


def test_paging_over_http_finds_every_post_once(local, remote):
    total = local.volume("Nimbus").to_dict()["total"]
    seen = [(p["platform"], p["platform_id"]) for p in remote.iter_posts("Nimbus", limit=97)]
    assert len(seen) == len(set(seen)) == total


def test_exports_are_identical_and_uncapped(local, remote):
    total = local.volume("Aurora").to_dict()["total"]
    for fmt in ("ndjson", "csv"):
        here, there = io.BytesIO(), io.BytesIO()
        local.export(here, fmt, "Aurora")
        remote.export(there, fmt, "Aurora")
        assert here.getvalue() == there.getvalue(), fmt
    assert len(here.getvalue().decode().splitlines()) >= total + 1
    parquet = io.BytesIO()
    remote.export(parquet, "parquet", "Aurora")
    assert pq.read_table(io.BytesIO(parquet.getvalue())).num_rows == total


def test_empty_parquet_export_is_a_valid_file(remote):
    out = io.BytesIO()
    remote.export(out, "parquet", q="zzzznothingmatches")
    table = pq.read_table(io.BytesIO(out.getvalue()))
    assert table.num_rows == 0 and "text" in table.column_names


def test_remote_errors_are_the_local_exceptions(remote):
    from hubbub.errors import QueryError
    from hubbub.topics import TopicNotFound

    with pytest.raises(QueryError) as caught:
        remote.volume(q="aurora AND")
    assert caught.value.position == 7
    with pytest.raises(TopicNotFound):
        remote.volume("Secret")


def test_to_pandas(local):
    pytest.importorskip("pandas")
    frame = to_pandas(local.volume("Aurora", interval="day"))
    assert list(frame.columns[:2]) == ["t", "total"]
    assert int(frame["total"].sum()) == local.volume("Aurora").to_dict()["total"]
    assert len(to_pandas(local.topics())) == len(local.topics())
