"""`hubbub query check|lint|explain`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from hubbub.cli.common import check_window, parse_day
from hubbub.cli.query_cmd import query_app
from hubbub.errors import ConfigError

runner = CliRunner()


def test_check_prints_the_tree() -> None:
    result = runner.invoke(query_app, ["check", "(apple OR 華為) NOT bitter"])
    assert result.exit_code == 0
    assert "cjk '华为'" in result.stdout
    assert "NOT" in result.stdout


def test_check_shows_the_error_with_a_caret() -> None:
    result = runner.invoke(query_app, ["check", "apple OR banana AND juice"])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == "apple OR banana AND juice"
    assert lines[1] == " " * 16 + "^^^"
    assert "hint:" in result.output
    assert "Traceback" not in result.output


def test_explain_shows_sql_and_parameters() -> None:
    result = runner.invoke(query_app, ["explain", "apple' OR 1=1"])
    assert result.exit_code == 0
    assert "WHERE" in result.stdout
    assert "apple" in result.stdout.split("parameters")[1]


def test_lint() -> None:
    assert runner.invoke(query_app, ["lint", "(apple OR pear) AND juice"]).exit_code == 0
    result = runner.invoke(query_app, ["lint", "NOT apple"])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    "value", ["0001-01-01", "1899-12-31T23:59:59", "2300-01-01", "9999-12-31T23:59:59-05:00"]
)
def test_dates_outside_the_store_range_are_refused_in_one_line(value: str) -> None:
    with pytest.raises(ConfigError, match="1900-01-01 to 2299-12-31") as info:
        parse_day(value, "--since")
    assert "\n" not in str(info.value) and "--since" in str(info.value)


def test_dates_at_the_edges_of_the_store_range_are_accepted() -> None:
    assert parse_day("1900-01-01", "--since") == datetime(1900, 1, 1, tzinfo=UTC)
    assert parse_day("2299-12-31T23:59:59Z", "--until") == datetime(
        2299, 12, 31, 23, 59, 59, tzinfo=UTC
    )


def test_an_empty_window_is_refused() -> None:
    day = parse_day("2026-10-01", "--since")
    check_window(day, parse_day("2026-10-02", "--until"))
    check_window(day, None)
    for until in ("2026-10-01", "2026-09-30"):
        with pytest.raises(ConfigError, match="is not before --until"):
            check_window(day, parse_day(until, "--until"))
