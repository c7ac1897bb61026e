"""Small tables of synthetic posts for the bus tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa

from hubbub.models import Author, Metrics, Post
from hubbub.store.rows import posts_table

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def posts_batch(start: int, n: int, platform: str = "x") -> pa.Table:
    """Posts `start` .. `start + n - 1`, each with its own id, so a batch's rows are unique."""
    return posts_table(
        [
            Post(
                platform=platform,
                platform_id=str(i),
                created_at=T0 + timedelta(minutes=i),
                text=f"post {i} about Aurora 極光手機 #AuroraX5",
                author=Author(handle=f"user{i % 17}", followers=i * 10),
                metrics=Metrics(likes=i, reposts=None),
            )
            for i in range(start, start + n)
        ]
    )
