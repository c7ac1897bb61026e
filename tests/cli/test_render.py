"""User content is printed literally (never as Rich markup); query errors show where."""

import subprocess
import sys
from datetime import UTC, datetime

from typer.testing import CliRunner

from hubbub.cli.main import app
from hubbub.models import Author, Post
from hubbub.store import open_store

MARKUP = "markup test [/bold] and [red]red[/red] and [link=http://evil]click[/link]"


def test_search_prints_bbcode_and_rich_tags_literally(tmp_path):
    with open_store(tmp_path) as store:
        store.write(
            [
                Post(
                    "x",
                    "m[/b]1",
                    datetime(2026, 10, 1, tzinfo=UTC),
                    MARKUP,
                    author=Author(handle="[/x]"),
                )
            ]
        )
    runner = CliRunner()
    for fmt in ("table", "ids"):
        result = runner.invoke(
            app,
            ["search", "markup", "--format", fmt, "--home", str(tmp_path)],
            catch_exceptions=False,
        )
        assert result.exit_code == 0
        assert "m[/b]1" in result.stdout or "[/bold]" in result.stdout
    table = runner.invoke(app, ["search", "markup", "--home", str(tmp_path)]).stdout
    assert "[red]red[/red]" in table and "[/x]" in table


def test_query_error_in_search_shows_a_caret_and_a_hint(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "hubbub.cli.main",
            "search",
            "apple AND banana OR juice",
            "--home",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "apple AND banana OR juice"
    assert lines[1].strip().startswith("^") and lines[1].index("^") == 17
    assert lines[2].startswith("error:") and lines[3].startswith("hint:")
    assert "Traceback" not in result.stderr
