"""`hubbub alert …` and `hubbub replay` from the command line."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from typer.testing import CliRunner

from hubbub.alerts.store import AlertStore
from hubbub.cli.main import app
from hubbub.topics import Topic, TopicStore

from .test_store import alert

runner = CliRunner()


def cli(home: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--home", str(home)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_rule_add_list_rm_and_alert_list_ack(tmp_path):
    with TopicStore(tmp_path) as topics:
        topics.add("default", Topic("Aurora X5", "aurora"), by="test")
    added = orjson.loads(
        cli(
            tmp_path,
            "alert",
            "rule",
            "add",
            "aurora x5",
            "threshold",
            "--window",
            "15m",
            "--set",
            "analytic=net_sentiment",
            "--set",
            "op=<",
            "--set",
            "value=-0.3",
            "--notify",
            "email=ops@example.com",
            "--digest",
            "daily",
            "--json",
        )
    )
    assert added["topic"] == "Aurora X5" and added["params"]["op"] == "<"
    assert added["channels"] == ["email:ops@example.com"] and added["digest"] == "daily"
    listing = cli(tmp_path, "alert", "rule", "list")
    assert "net_sentiment" in listing and "email:ops@example.com" in listing
    with AlertStore(tmp_path) as store:
        store.save(alert(0), ("webhook:https://h.example",), None)
    shown = orjson.loads(cli(tmp_path, "alert", "list", "--json"))["alerts"]
    assert shown[0]["summary"].startswith("Aurora: 80 posts")
    cli(tmp_path, "alert", "ack", "1")
    assert orjson.loads(cli(tmp_path, "alert", "list", "--unacked", "--json"))["alerts"] == []
    cli(tmp_path, "alert", "rule", "rm", str(added["id"]))
    assert orjson.loads(cli(tmp_path, "alert", "rule", "list", "--json"))["rules"] == []


def test_a_bad_rule_is_one_line_and_exit_2(tmp_path):
    with TopicStore(tmp_path) as topics:
        topics.add("default", Topic("Aurora", "aurora"), by="test")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hubbub.cli.main",
            "alert",
            "rule",
            "add",
            "Aurora",
            "volume_spike",
            "--window",
            "-1h",
            "--home",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "hubbub: window must be positive, got '-1h'"


def spike_file(path: Path) -> Path:
    start = datetime(2026, 3, 2, tzinfo=UTC)
    lines = []
    for hour in range(40):
        count = 60 if hour == 36 else 6
        for i in range(count):
            at = start + timedelta(hours=hour, seconds=int(i * 3600 / count))
            lines.append(
                {
                    "platform": "x",
                    "platform_id": f"h{hour}-{i}",
                    "created_at": at.isoformat(),
                    "text": "aurora x5 battery" if hour == 36 else "aurora x5 camera",
                    "author": {"handle": f"u{i}", "followers": 10},
                }
            )
    path.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    return path


def test_replay_prints_one_json_line_per_alert_in_simulated_time(tmp_path):
    posts = spike_file(tmp_path / "posts.ndjson")
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[topic]]\nname = "Aurora"\nquery = "aurora"\n'
        '[[topic.rule]]\nkind = "volume_spike"\nwindow = "1h"\nname = "spike"\n',
        "utf-8",
    )
    out = cli(tmp_path, "replay", str(posts), "--topics", str(rules), "--no-enrich")
    lines = [orjson.loads(line) for line in out.splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert line["topic"] == "Aurora" and line["rule"] == "spike"
    assert line["window_start"] == "2026-03-03T12:00:00Z"
    assert "2026-03-03T12:12" <= line["fired_at"] < "2026-03-03T13:00"  # simulated, early
    assert line["observed"] > line["expected"] and line["score"] >= 3.5
    assert line["drivers"]["posts_in_window"] >= line["observed"]
    assert set(line) >= {"window_end", "drivers", "test", "kind"}
    again = cli(tmp_path, "replay", str(posts), "--topics", str(rules), "--no-enrich")
    assert again == out  # deterministic
