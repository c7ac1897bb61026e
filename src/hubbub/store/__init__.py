"""The post store: ClickHouse SQL, embedded through chdb by default."""

from hubbub.store.embedded import EmbeddedStore, WriteResult, open_store

__all__ = ["EmbeddedStore", "WriteResult", "open_store"]
