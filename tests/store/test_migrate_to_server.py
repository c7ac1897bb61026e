"""`hubbub migrate --to`: the embedded store's posts copied to a server store (here the
clickhouse-connect path on chdb, in another directory), idempotently, counts checked."""

import pytest
from typer.testing import CliRunner

from hubbub.cli.main import app
from hubbub.cli.migrate_cmd import migrate_home
from hubbub.store import open_store
from hubbub.store.base import POSTS
from tests.store.test_embedded import make_posts

ALL = f"SELECT * FROM {POSTS} ORDER BY platform, platform_id"


def _home_with_posts(tmp_path, n):
    home = tmp_path / "home"
    with open_store(home, "embedded") as store:
        store.write(make_posts(n) + make_posts(3, "weibo"))
        return home, store.arrow(ALL).to_pylist()


@pytest.mark.slow
def test_migrate_round_trip_copies_every_post_once(tmp_path):
    home, source_rows = _home_with_posts(tmp_path, 42)
    target = f"chdb://{tmp_path / 'target'}"
    pages: list[int] = []
    first = migrate_home(home, target, page=10, on_page=pages.append)
    assert (first.source, first.copied, first.already, first.target) == (45, 45, 0, 45)
    assert pages == [10, 20, 30, 40, 45]
    again = migrate_home(home, target, page=10)
    assert (again.source, again.copied, again.already, again.target) == (45, 0, 45, 45)
    with open_store(home, target) as server:
        assert server.arrow(ALL).to_pylist() == source_rows


@pytest.mark.slow
def test_migrate_command_prints_counts_and_refuses_bad_targets(tmp_path):
    home, _ = _home_with_posts(tmp_path, 5)
    target = f"chdb://{tmp_path / 'target'}"
    runner = CliRunner()
    done = runner.invoke(app, ["migrate", "--to", target, "--home", str(home)])
    assert done.exit_code == 0, done.output
    assert "8 posts in" in done.output and "8 copied, 0 already in the target" in done.output
    bad = runner.invoke(app, ["migrate", "--to", "embedded", "--home", str(home)])
    assert bad.exit_code != 0 and "must name a ClickHouse server" in str(bad.exception)
    missing = runner.invoke(app, ["migrate", "--to", target, "--home", str(tmp_path / "none")])
    assert "no embedded store" in str(missing.exception)
