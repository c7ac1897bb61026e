"""Where a source's incremental cursor and health are kept: ``<home>/connectors/<source>.json``.

One small JSON file per source, rewritten atomically (temporary file, fsync, rename), so a crash
leaves either the old state or the new one, never half of each. The cursor is whatever the
connector needs to resume (a timestamp, a since_id per instance, an ETag); Hubbub does not look
inside it. Health is what `hubbub source list` and the API show.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from hubbub.errors import ConfigError

RATE_WINDOW = timedelta(hours=24)  # items/hour is measured over the runs of the last day


@dataclass
class Health:
    last_run_at: str | None = None
    last_success_at: str | None = None
    last_error: str | None = None  # None once a later run succeeds
    last_error_at: str | None = None
    last_error_kind: str | None = None  # transient | terminal | auth
    consecutive_failures: int = 0
    retry_after_until: str | None = None  # the server asked us not to come back before this
    items_total: int = 0  # new posts stored, all runs
    last_run_items: int = 0
    newest_item_at: str | None = None  # created_at of the newest post collected
    lag_seconds: float | None = None  # at the last success: its time minus newest_item_at
    # [ISO time of a successful run, new posts it stored], for items/hour
    runs: list[list[Any]] = field(default_factory=list)

    def items_per_hour(self, now: datetime) -> float | None:
        """New posts per hour over the last day of runs (or since the first run, if later)."""
        recent = [(parse_iso(at), n) for at, n in self.runs if parse_iso(at) > now - RATE_WINDOW]
        if not recent:
            return None
        start = min(at for at, _ in recent)
        # A run's items arrived since the run before it; with one run, count an hour.
        hours = max((now - start).total_seconds() / 3600, 1.0)
        return round(sum(n for _, n in recent) / hours, 1)

    def status(self) -> str:
        if self.last_run_at is None:
            return "never run"
        if self.last_error and self.consecutive_failures:
            return "failing" if self.last_error_kind != "transient" else "retrying"
        return "ok"


@dataclass
class SourceState:
    cursor: dict[str, Any] = field(default_factory=dict)
    health: Health = field(default_factory=Health)


class StateStore:
    def __init__(self, home: Path) -> None:
        self.root = Path(home) / "connectors"

    def path(self, source: str) -> Path:
        if not valid_name(source):
            raise ConfigError(f"source name {source!r}: use letters, digits, '-' and '_'")
        return self.root / f"{source}.json"

    def load(self, source: str) -> SourceState:
        path = self.path(source)
        if not path.exists():
            return SourceState()
        try:
            data = orjson.loads(path.read_bytes())
            known = {f.name for f in fields(Health)}
            health = Health(**{k: v for k, v in (data.get("health") or {}).items() if k in known})
            cursor = data.get("cursor") or {}
        except (orjson.JSONDecodeError, TypeError, AttributeError) as exc:
            raise ConfigError(
                f"{path} is damaged ({exc}); delete it to start the source from scratch"
            ) from None
        return SourceState(cursor=cursor if isinstance(cursor, dict) else {}, health=health)

    def save(self, source: str, state: SourceState) -> None:
        path = self.path(source)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = orjson.dumps(
            {"cursor": state.cursor, "health": asdict(state.health)}, option=orjson.OPT_INDENT_2
        )
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{source}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def remove(self, source: str) -> None:
        self.path(source).unlink(missing_ok=True)


def valid_name(name: str) -> bool:
    """Source names become file names and TOML keys: keep them to a safe alphabet."""
    return 0 < len(name) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_") for c in name)


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
