"""`hubbub init/import/stats/export` end to end, in-process, on the importer fixtures."""

import io
import subprocess
import sys
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from hubbub.cli.main import app

DATA = Path(__file__).parent.parent / "data" / "importers"
runner = CliRunner()


def hubbub(home: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--home", str(home)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("workspace")
    hubbub(path, "init")
    return path


def test_second_import_of_twitter_and_weibo_is_all_duplicates(home):
    files = [str(DATA / "twitter_v2_search.jsonl"), str(DATA / "weibo_openapi.json")]
    first = orjson.loads(hubbub(home, "import", *files, "--json"))
    assert first["imported"] > 0
    assert first["formats"] == {"twitter_v2": 1, "weibo": 1}
    second = orjson.loads(hubbub(home, "import", *files, "--json"))
    assert second["imported"] == 0
    assert second["duplicates"] == first["imported"]
    assert second["rejected"] == first["rejected"]


def test_stats_json_counts_by_platform(home):
    figures = orjson.loads(hubbub(home, "stats", "--json"))
    assert figures["total"] == sum(figures["by_platform"].values())
    assert set(figures["by_platform"]) == {"x", "weibo"}
    assert sum(figures["by_day"].values()) == figures["total"]


def test_ndjson_export_reimports_as_duplicates(home, tmp_path):
    target = tmp_path / "all.ndjson"
    hubbub(home, "export", "--format", "ndjson", "--output", str(target))
    lines = target.read_bytes().splitlines()
    total = orjson.loads(hubbub(home, "stats", "--json"))["total"]
    assert len(lines) == total
    again = orjson.loads(hubbub(home, "import", str(target), "--json"))
    assert (again["imported"], again["duplicates"], again["formats"]) == (0, total, {"hubbub": 1})


def test_csv_and_parquet_exports_have_every_post(home, tmp_path):
    total = orjson.loads(hubbub(home, "stats", "--json"))["total"]
    csv_text = hubbub(home, "export", "--format", "csv")
    assert len(list(io.StringIO(csv_text))) - 1 >= total  # texts may span lines
    target = tmp_path / "all.parquet"
    hubbub(home, "export", "--format", "parquet", "-o", str(target))
    table = pq.read_table(target)
    assert table.num_rows == total
    assert "tokens" not in table.column_names and "text" in table.column_names


def test_unknown_file_is_one_line_error_not_a_trace(home, tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not a known format\n")
    result = subprocess.run(
        [sys.executable, "-m", "hubbub.cli.main", "import", str(junk), "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--format" in result.stderr
    assert "Traceback" not in result.stderr


def test_busy_store_gets_a_one_line_message(tmp_path):
    from hubbub.store import open_store

    with open_store(tmp_path):
        result = subprocess.run(
            [sys.executable, "-m", "hubbub.cli.main", "stats", "--home", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2
    assert "in use by" in result.stderr and result.stderr.count("\n") == 1


def test_enrich_reads_stdin_writes_stdout_and_reports_bad_lines():
    lines = '{"text": "I love this phone so much!", "id": "a"}\nnot json\n{"text": "这手机太烂了，售后也不管"}\n'
    result = subprocess.run(
        [sys.executable, "-m", "hubbub.cli.main", "enrich", "-e", "language,flags"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert [o["lang"] for o in out] == ["en", "zh-Hans"]
    assert out[0]["id"] == "a" and "complaint" in out[1]["flags"]
    assert "line 2 skipped" in result.stderr
