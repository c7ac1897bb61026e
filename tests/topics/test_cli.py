"""`hubbub topic …` and `hubbub token …` end to end (in-process; they never open the store)."""

from __future__ import annotations

import orjson
from typer.testing import CliRunner

from hubbub.auth import TokenStore
from hubbub.cli.main import app

runner = CliRunner()


def hubbub(home, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--home", str(home)])
    assert result.exit_code == code, result.output
    return result


def test_topic_lifecycle(tmp_path):
    hubbub(tmp_path, "topic", "add", "Aurora", "aurora OR 极光", "-g", "brand", "--platform", "x")
    hubbub(tmp_path, "topic", "add", "Aurora", "x", "-w", "agency")
    shown = orjson.loads(hubbub(tmp_path, "topic", "show", "Aurora", "--json").stdout)
    assert shown["group"] == "brand" and shown["filters"]["platforms"] == ["x"]
    hubbub(tmp_path, "topic", "edit", "Aurora", "--query", "aurora", "--lang", "en")
    edited = orjson.loads(hubbub(tmp_path, "topic", "show", "Aurora", "--json").stdout)
    assert edited["filters"]["platforms"] == ["x"] and edited["filters"]["languages"] == ["en"]
    history = orjson.loads(hubbub(tmp_path, "topic", "history", "Aurora", "--json").stdout)
    assert [v["version"] for v in history["versions"]] == [1, 2]
    assert history["versions"][1]["by"].startswith("cli:")
    reverted = orjson.loads(
        hubbub(tmp_path, "topic", "revert", "Aurora", "--to", "1", "--json").stdout
    )
    assert reverted["query"] == "aurora OR 极光" and reverted["version"] == 3
    hubbub(tmp_path, "topic", "rm", "Aurora")
    listed = orjson.loads(hubbub(tmp_path, "topic", "list", "--json").stdout)
    assert listed["topics"] == []
    agency = orjson.loads(hubbub(tmp_path, "topic", "list", "-w", "agency", "--json").stdout)
    assert [t["name"] for t in agency["topics"]] == ["Aurora"]


def test_bad_query_is_one_line_with_position(tmp_path):
    result = hubbub(tmp_path, "topic", "add", "Bad", "apple AND banana OR juice", code=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "at character" in lines[0] and "hint" in lines[0]


def test_unknown_topic_is_one_line(tmp_path):
    result = hubbub(tmp_path, "topic", "show", "Nope", code=1)
    assert "no topic 'Nope'" in str(result.exception)


def test_tokens_create_list_revoke(tmp_path):
    made = orjson.loads(
        hubbub(tmp_path, "token", "create", "--role", "viewer", "-w", "team", "--json").stdout
    )
    assert made["token"].startswith("hbb_") and made["workspace"] == "team"
    listed = orjson.loads(hubbub(tmp_path, "token", "list", "--json").stdout)["tokens"]
    assert [t["id"] for t in listed] == [made["id"]] and "token" not in listed[0]
    hubbub(tmp_path, "token", "revoke", made["id"])
    assert orjson.loads(hubbub(tmp_path, "token", "list", "--json").stdout)["tokens"] == []
    with TokenStore(tmp_path) as tokens:
        assert tokens.list(revoked=True)[0].revoked_at is not None
    hubbub(tmp_path, "token", "create", "--role", "king", code=1)
