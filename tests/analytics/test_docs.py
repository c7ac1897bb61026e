"""docs/analytics.md defines every public figure; a new one without docs fails here."""

from __future__ import annotations

from pathlib import Path

import hubbub.analytics as analytics

DOC = Path(__file__).resolve().parents[2] / "docs" / "analytics.md"


def test_every_public_name_is_documented() -> None:
    text = DOC.read_text("utf-8")
    missing = [name for name in analytics.__all__ if f"{name}(" not in text and name not in text]
    assert not missing, f"add these to docs/analytics.md: {missing}"


def test_every_function_takes_the_store_first() -> None:
    import inspect

    for name in analytics.__all__:
        obj = getattr(analytics, name)
        if inspect.isfunction(obj):
            assert next(iter(inspect.signature(obj).parameters)) == "store", name
