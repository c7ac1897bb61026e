"""Docs that must not drift from the code (the datasette habit)."""

from pathlib import Path

from typer.main import get_command

from hubbub.cli.main import app
from hubbub.settings import SETTINGS

DOCS = Path(__file__).parents[2] / "docs"
README = Path(__file__).parents[2] / "README.md"


def test_every_setting_is_documented():
    text = (DOCS / "configuration.md").read_text("utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in text and setting.env in text, setting.name


def test_every_command_is_in_the_readme():
    readme = README.read_text("utf-8")
    for name in get_command(app).commands:  # type: ignore[attr-defined]
        assert f"hubbub {name}" in readme, name


def test_readme_opens_with_setup_demo_and_tests():
    head = README.read_text("utf-8").split("```")[1]
    assert "pip install" in head and "hubbub demo" in head and "pytest" in head
