"""The alerts tests deliver to webhook and SMTP servers on 127.0.0.1."""

import pytest


@pytest.fixture(autouse=True)
def _allow_private_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests talk to servers on 127.0.0.1: allow it the way an admin would
    (the SSRF guard itself is tested in tests/security/test_ssrf.py)."""
    monkeypatch.setenv("HUBBUB_ALLOW_PRIVATE_URLS", "1")
