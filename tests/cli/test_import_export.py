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


def invoke(home: Path, *args: str):
    return runner.invoke(app, [*args, "--home", str(home)], catch_exceptions=False)


def test_an_unknown_file_among_several_is_a_reject_and_the_rest_is_imported(tmp_path):
    home = tmp_path / "h"
    hubbub(home, "init")
    good, more = DATA / "hubbub.ndjson", tmp_path / "more.ndjson"
    more.write_bytes(
        b'{"platform":"x","platform_id":"m1","created_at":"2024-01-01T00:00:00Z","text":"more"}\n'
    )
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not a known format\n")
    empty = tmp_path / "empty.ndjson"
    empty.write_bytes(b"")
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("text,platform\nhi,x\n".encode("utf-16"))
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(b"caf\xe9 au lait\n")
    missing = tmp_path / "missing.ndjson"
    files = [good, junk, empty, utf16, latin1, missing, tmp_path, more]
    result = invoke(home, "import", *map(str, files), "--json")
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout)
    assert summary["files"] == len(files)
    assert summary["imported"] >= 2 and summary["rejected"] >= 5
    rejects = [orjson.loads(x) for x in open(summary["rejects_file"], "rb")]
    by_file = {r["file"]: r for r in rejects if r["line"] == 0}
    assert set(by_file) == {str(p) for p in (junk, utf16, latin1, missing, tmp_path)}
    assert "cannot tell the format" in by_file[str(junk)]["reason"]
    assert "pass --format" in by_file[str(junk)]["reason"]
    assert "UTF-16" in by_file[str(utf16)]["reason"]
    assert "not valid UTF-8" in by_file[str(latin1)]["reason"]
    # the plain summary is printed too
    text = invoke(home, "import", str(junk), str(more)).stdout
    assert "Imported 0 posts, 1 duplicates, 1 rejected from 2 file(s)" in text


def test_an_empty_file_alone_imports_nothing_without_error(tmp_path):
    empty = tmp_path / "empty.ndjson"
    empty.write_bytes(b"\n\n")
    summary = orjson.loads(hubbub(tmp_path / "h", "import", str(empty), "--json"))
    assert (summary["imported"], summary["rejected"], summary["files"]) == (0, 0, 1)


def test_a_hubbub_file_with_a_huge_first_line_is_detected(tmp_path):
    path = tmp_path / "huge-first"  # no telling suffix
    first = {"platform": "x", "platform_id": "1", "created_at": "2024-01-01T00:00:00Z"}
    first["text"] = "long " * 300_000  # 1.5 MB: more than detection reads
    second = {"platform": "x", "platform_id": "2", "created_at": "2024-01-01T00:00:00Z"}
    path.write_bytes(orjson.dumps(first) + b"\n" + orjson.dumps(second) + b"\n")
    summary = orjson.loads(hubbub(tmp_path / "h", "import", str(path), "--json", "--no-enrich"))
    assert summary["formats"] == {"hubbub": 1}
    assert (summary["imported"], summary["rejected"]) == (1, 1)  # the first is over 1 MB of text


def test_csv_export_reimports_into_a_fresh_home_with_every_post_field(tmp_path):
    source = tmp_path / "a"
    extra = tmp_path / "extra.ndjson"
    extra.write_bytes(
        orjson.dumps(
            {
                "platform": "news",
                "platform_id": "n1",
                "created_at": "2024-02-01T10:00:00Z",
                "title": "  Spaced title, with comma  ",
                "text": "Body with #tag, a link https://a.example/x,y and\nlines ",
                "hashtags": [],
                "urls": ["https://a.example/x,y"],
                "media": [{"type": "image", "url": None}, {"type": "video", "url": "https://v/1"}],
                "metrics": {"likes": 0, "reposts": 5, "views": 12345678901},
                "author": {"handle": "desk", "verified": False, "followers": 3},
                "rating": 7.5,
                "lang": "en",
                "country": "FR",
            }
        )
        + b"\n"
    )
    files = ["twitter_v2_search.jsonl", "weibo_openapi.json", "weibo_mweibo.jsonl"]
    files += ["reddit_thread.json", "zeeschuimer.ndjson", "hubbub.ndjson"]
    hubbub(source, "import", *(str(DATA / f) for f in files), str(extra), "--no-enrich")
    csv_file, original, again = tmp_path / "rt.csv", tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    hubbub(source, "export", "--format", "csv", "-o", str(csv_file))
    hubbub(source, "export", "--format", "ndjson", "-o", str(original))
    fresh = tmp_path / "b"
    summary = orjson.loads(hubbub(fresh, "import", str(csv_file), "--json", "--no-enrich"))
    assert summary["rejected"] == 0
    hubbub(fresh, "export", "--format", "ndjson", "-o", str(again))

    def posts(path: Path) -> dict:
        rows = (orjson.loads(line) for line in path.read_bytes().splitlines())
        return {(r["platform"], r["platform_id"]): r for r in rows}

    before, after = posts(original), posts(again)
    assert len(before) == summary["imported"] > 20
    assert after == before
    news = after[("news", "n1")]
    assert news["title"] == "  Spaced title, with comma  "
    assert news["metrics"]["views"] == 12345678901 and news["metrics"]["likes"] == 0
    assert news["media"] == [
        {"type": "image", "url": None},
        {"type": "video", "url": "https://v/1"},
    ]


HUBBUB_IMPORT = (sys.executable, "-m", "hubbub.cli.main", "import")


def test_csv_options_comma_separated_and_a_missing_column_is_exit_2(tmp_path):
    home = tmp_path / "h"
    data = tmp_path / "p.csv"
    data.write_text("id,when,body\n1,2024-01-01,hello\n2,2024-01-02,world\n", "utf-8")
    opts = "platform_id=id,created_at=when,text=body,platform=news"
    summary = orjson.loads(hubbub(home, "import", str(data), "-f", "csv", "-o", opts, "--json"))
    assert summary["imported"] == 2
    rejects_before = set((home / "rejects").glob("*"))
    bad = ("-f", "csv", "-o", "platform_id=nope,platform=x", "--home", str(home))
    result = subprocess.run(
        [*HUBBUB_IMPORT, str(data), *bad],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "column 'nope' (for platform_id) is not in the CSV header" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert set((home / "rejects").glob("*")) == rejects_before


def test_init_writes_a_template_that_is_valid_toml_when_uncommented(tmp_path):
    import tomllib

    home = tmp_path / "h"
    hubbub(home, "init")
    text = (home / "hubbub.toml").read_text("utf-8")
    settings_lines = [
        line[2:] for line in text.splitlines() if line.startswith("# ") and " = " in line
    ]
    parsed = tomllib.loads("\n".join(settings_lines))
    assert parsed["archive_raw"] is True
    assert parsed["import_batch"] == 100000
    assert parsed["enrichers"].startswith("language,")
