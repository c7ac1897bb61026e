"""`hubbub replay FILE`: backtest alert rules on a timestamped NDJSON of posts.

The posts go through the live pipeline's percolation and alert stages on a simulated clock
(hubbub/live/replay.py); each alert is printed as one JSON line as it fires. Rules and topics
come from `--topics FILE.toml`, or else from the workspace. Nothing is stored.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from hubbub.alerts.model import Alert
from hubbub.cli.api_client import WorkspaceOption, print_json
from hubbub.cli.common import EnrichOption, HomeOption, console, enrichers_setting, home_path
from hubbub.errors import ConfigError
from hubbub.topics import DEFAULT_WORKSPACE


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)


def replay(
    file: Annotated[Path, typer.Argument(help="Hubbub NDJSON posts (.zst/.gz too), by time.")],
    topics: Annotated[
        Path | None,
        typer.Option("--topics", help="Topics and rules as [[topic]] / [[topic.rule]] TOML."),
    ] = None,
    speed: Annotated[
        str, typer.Option("--speed", help="max, or N times real time (1440: a day a minute).")
    ] = "max",
    enrich: EnrichOption = True,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    home: HomeOption = None,
) -> None:
    """Replay posts through the alert pipeline; print every alert as a JSON line."""
    from hubbub.live.replay import describe, load_topics_file, topics_from_home
    from hubbub.live.replay import replay as run_replay

    if not file.is_file():
        raise ConfigError(f"{file} does not exist or is not a file")
    pace = _speed(speed)
    path = home_path(home)
    if topics is not None:
        watched, rules = load_topics_file(topics)
    else:
        watched, rules = topics_from_home(path, workspace)
    lines = AlertLines()
    summary = run_replay(
        file,
        watched,
        rules,
        lines,
        speed=pace,
        enrichers=enrichers_setting(path, enrich),
    )
    if lines.reader_gone:
        return  # e.g. `| head`: the reader has what it wanted; nothing to report
    facts = describe(summary)
    line = f"Replayed {facts['posts']:,} posts: {facts['alerts']} alert(s)"
    if summary.rejected:
        line += f"; {summary.rejected} line(s) rejected (first: {summary.first_error})"
    console.print(line + ".")


def _speed(text: str) -> float | None:
    if text.strip().lower() == "max":
        return None
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"--speed {text!r}: use max or a positive number such as 60") from None
    if value <= 0:
        raise ConfigError(f"--speed {text!r}: use max or a positive number such as 60")
    return value


class AlertLines:
    """Prints each alert as one JSON line on stdout. When the reader goes away (`| head -3`)
    the rest are dropped quietly: the alert stage runs on its own thread, where a broken pipe
    would otherwise be logged as a failed batch for every alert that follows."""

    def __init__(self) -> None:
        self.reader_gone = False

    def __call__(self, alert: Alert) -> None:
        if self.reader_gone:
            return
        try:
            print_json(alert.replay_line())
            sys.stdout.flush()
        except BrokenPipeError:
            self.reader_gone = True
            # Python flushes stdout again at exit; point it at /dev/null so that flush is silent.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
