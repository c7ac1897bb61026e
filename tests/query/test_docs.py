"""docs/query-language.md documents every field the parser knows."""

from __future__ import annotations

from pathlib import Path

from hubbub.query.fields import FIELDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "query-language.md"


def test_every_field_is_documented() -> None:
    text = DOC.read_text("utf-8")
    missing = [spec.name for spec in FIELDS.values() if f"`{spec.name}:" not in text]
    assert not missing, f"undocumented fields: {missing}"
