"""`hubbub replay | head`: once the reader is gone, the remaining alerts are dropped quietly."""

from __future__ import annotations

from typing import Any

import pytest

from hubbub.cli import replay_cmd


class FakeAlert:
    def __init__(self, n: int) -> None:
        self.n = n

    def replay_line(self) -> dict[str, Any]:
        return {"n": self.n}


def test_a_closed_pipe_stops_printing_without_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    printed: list[dict[str, Any]] = []
    redirected: list[int] = []

    def print_json(value: dict[str, Any]) -> None:
        if len(printed) == 2:
            raise BrokenPipeError(32, "Broken pipe")
        printed.append(value)

    monkeypatch.setattr(replay_cmd, "print_json", print_json)
    monkeypatch.setattr(replay_cmd.os, "dup2", lambda fd, to: redirected.append(to))
    lines = replay_cmd.AlertLines()
    for n in range(5):
        lines(FakeAlert(n))  # type: ignore[arg-type]
    assert printed == [{"n": 0}, {"n": 1}]
    assert lines.reader_gone and len(redirected) == 1
