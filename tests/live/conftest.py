"""A store that keeps rows in memory (idempotent on (platform, platform_id), like the real one),
so the live pipeline's tests run without chdb; one test also runs on the embedded store."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest

from hubbub.models import Author, Post
from hubbub.store.rows import posts_table


@pytest.fixture(autouse=True)
def _allow_private_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests talk to servers on 127.0.0.1: allow it the way an admin would
    (the SSRF guard itself is tested in tests/security/test_ssrf.py)."""
    monkeypatch.setenv("HUBBUB_ALLOW_PRIVATE_URLS", "1")


class MemoryStore:
    def __init__(self) -> None:
        self.keys: set[tuple[str, str]] = set()
        self.stored = 0
        self.lock = threading.Lock()

    def filter_new(self, table: pa.Table) -> tuple[pa.Table, list[int], int]:
        keys = list(
            zip(table["platform"].to_pylist(), table["platform_id"].to_pylist(), strict=True)
        )
        with self.lock:
            keep, seen = [], set()
            for index, key in enumerate(keys):
                if key not in self.keys and key not in seen:
                    seen.add(key)
                    keep.append(index)
        new = table.take(pa.array(keep, pa.int64()))
        return new, keep, table.num_rows - len(keep)

    def insert(self, table: pa.Table) -> None:
        with self.lock:
            self.keys.update(
                zip(table["platform"].to_pylist(), table["platform_id"].to_pylist(), strict=True)
            )
            self.stored += table.num_rows


@pytest.fixture
def memory_store() -> MemoryStore:
    return MemoryStore()


def posts(
    count: int, start: datetime, every: timedelta, prefix: str = "p", **author: Any
) -> pa.Table:
    made = [
        Post(
            platform="x",
            platform_id=f"{prefix}{n}",
            created_at=start + n * every,
            text=f"aurora update {n}",
            author=Author(
                handle=author.get("handle", f"u{n}"), followers=author.get("followers", 10)
            ),
        )
        for n in range(count)
    ]
    return posts_table(made, datetime.now(UTC))
