"""The post store: ClickHouse SQL, embedded through chdb by default, or on a ClickHouse server
or cluster (store/server.py) when the `store` setting or `--store` names one."""

from __future__ import annotations

from pathlib import Path

from hubbub.store.base import BaseStore, WriteResult
from hubbub.store.embedded import EmbeddedStore

__all__ = ["BaseStore", "EmbeddedStore", "WriteResult", "is_embedded", "open_store"]

EMBEDDED = "embedded"


def is_embedded(url: str | None) -> bool:
    return not url or url == EMBEDDED


def store_url(home: Path, url: str | None = None) -> str:
    """The store to open: `url` if given, else the `store` setting (HUBBUB_STORE)."""
    from hubbub import settings

    return url or str(settings.get("store", home) or EMBEDDED)


def open_store(home: Path, url: str | None = None) -> BaseStore:
    """The workspace's store: embedded in `home` (the default, owned by this process), or the
    ClickHouse server/cluster a URL names (shared; `clickhouse_cluster` picks the cluster DDL)."""
    home = Path(home)
    chosen = store_url(home, url)
    if is_embedded(chosen):
        return EmbeddedStore(home)
    from hubbub import settings
    from hubbub.store.server import connect

    return connect(chosen, str(settings.get("clickhouse_cluster", home) or "") or None)
