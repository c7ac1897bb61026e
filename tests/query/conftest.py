"""Shared helpers for the query-language tests: posts → store rows, as the store derives them."""

from __future__ import annotations

from datetime import UTC, datetime

from hubbub.models import Author, Metrics, Post
from hubbub.store.rows import post_row

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def make_post(text: str, pid: str = "1", **extra: object) -> Post:
    author = extra.pop("author", None) or Author()
    metrics = extra.pop("metrics", None) or Metrics()
    return Post(
        platform=str(extra.pop("platform", "x")),
        platform_id=pid,
        created_at=extra.pop("created_at", NOW),  # type: ignore[arg-type]
        text=text,
        author=author,  # type: ignore[arg-type]
        metrics=metrics,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


def row(text: str, **extra: object) -> dict[str, object]:
    return post_row(make_post(text, **extra), NOW)
