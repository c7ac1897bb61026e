"""Configured sources: `[sources.<name>]` tables in the workspace's hubbub.toml, and the types.

Sources live in the one configuration file (DESIGN.md: one TOML file, secrets only from the
environment). `hubbub source add` appends a table and `source rm` removes it as text, so the
user's own comments and layout elsewhere in the file survive; the result is parsed back before
it is kept.
"""

from __future__ import annotations

import importlib
import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hubbub.connectors.base import Connector, SourceConfig
from hubbub.connectors.cursors import StateStore, valid_name
from hubbub.errors import ConfigError
from hubbub.logs import redact

# type name → "module:Class", imported only when a source of that type is used.
TYPES: dict[str, str] = {
    "hackernews": "hubbub.connectors.hackernews.connector:HackerNewsConnector",
    "mastodon": "hubbub.connectors.mastodon.connector:MastodonConnector",
    "mastodon_stream": "hubbub.connectors.mastodon.streaming:MastodonStreamConnector",
    "bluesky": "hubbub.connectors.bluesky.connector:BlueskyConnector",
    "bluesky_jetstream": "hubbub.connectors.bluesky.jetstream:BlueskyJetstreamConnector",
    "rss": "hubbub.connectors.rss.connector:RssConnector",
    "bilibili": "hubbub.connectors.bilibili.connector:BilibiliSearchConnector",
    "bilibili_replies": "hubbub.connectors.bilibili.connector:BilibiliRepliesConnector",
    "bilibili_danmaku": "hubbub.connectors.bilibili.connector:BilibiliDanmakuConnector",
    "bilibili_live": "hubbub.connectors.bilibili.live:BilibiliLiveConnector",
    "reddit": "hubbub.connectors.reddit.connector:RedditConnector",
    "youtube": "hubbub.connectors.youtube.connector:YouTubeConnector",
    "x": "hubbub.connectors.x.connector:XConnector",
    "x_stream": "hubbub.connectors.x.stream:XStreamConnector",
    "weibo": "hubbub.connectors.weibo.connector:WeiboConnector",
}
# Asked for in issue 8 and not built yet: named in errors so nobody thinks a typo is to blame.
PLANNED: tuple[str, ...] = ()


def connector_class(type_name: str) -> type[Connector]:
    target = TYPES.get(type_name)
    if target is None:
        if type_name in PLANNED:
            raise ConfigError(
                f"source type {type_name!r} is planned but not built yet; for now import its "
                f"exports with `hubbub import` (see docs/connectors.md)"
            )
        raise ConfigError(f"unknown source type {type_name!r}: use one of {', '.join(TYPES)}")
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


def make_connector(config: SourceConfig, **kwargs: Any) -> Connector:
    return connector_class(config.type)(config, **kwargs)


def health_report(home: Path, now: datetime | None = None) -> list[dict[str, Any]]:
    """Every configured source with its health, in file order: what `hubbub source list` prints
    and `GET /v1/sources` returns (one function, so the two cannot disagree)."""
    now = now or datetime.now(UTC)
    states = StateStore(home)
    rows: list[dict[str, Any]] = []
    for name, config in load_sources(home).items():
        health = states.load(name).health
        rows.append(
            {
                "name": name,
                "type": config.type,
                "status": health.status(),
                "last_run_at": health.last_run_at,
                "last_success_at": health.last_success_at,
                "items_per_hour": health.items_per_hour(now),
                "lag_seconds": health.lag_seconds,
                "items_total": health.items_total,
                "newest_item_at": health.newest_item_at,
                "last_error": redact(health.last_error) if health.last_error else None,
                "last_error_kind": health.last_error_kind,
                "last_error_at": health.last_error_at,
                "consecutive_failures": health.consecutive_failures,
                "retry_after_until": health.retry_after_until,
            }
        )
    return rows


def _config_path(home: Path) -> Path:
    return Path(home) / "hubbub.toml"


def _read(home: Path) -> dict[str, Any]:
    path = _config_path(home)
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix or remove it") from None


def load_sources(home: Path) -> dict[str, SourceConfig]:
    """Every configured source, by name, in file order."""
    tables = _read(home).get("sources") or {}
    if not isinstance(tables, dict):
        raise ConfigError(f"{_config_path(home)}: `sources` must be a table of tables")
    return {name: SourceConfig.from_dict(name, data) for name, data in tables.items()}


def get_source(home: Path, name: str) -> SourceConfig:
    sources = load_sources(home)
    if name not in sources:
        known = ", ".join(sources) or "none yet"
        raise ConfigError(
            f"no source named {name!r} (configured: {known}); add one with `hubbub source add`"
        )
    return sources[name]


def add_source(home: Path, config: SourceConfig) -> Path:
    """Append `[sources.<name>]` to hubbub.toml; raise ConfigError if the name is taken."""
    if not valid_name(config.name):
        raise ConfigError(f"source name {config.name!r}: use letters, digits, '-' and '_'")
    if config.name in load_sources(home):
        raise ConfigError(f"a source named {config.name!r} exists; remove it first or pick a name")
    check_source_urls(home, config)
    path = _config_path(home)
    before = path.read_text("utf-8") if path.exists() else ""
    block = _toml_table(f"sources.{config.name}", config.to_dict())
    separator = (
        "" if not before or before.endswith("\n\n") else ("\n" if before.endswith("\n") else "\n\n")
    )
    _write_checked(home, before + separator + block, before)
    return path


def check_source_urls(home: Path, config: SourceConfig) -> None:
    """Refuse a feed, API base or server URL the outbound policy forbids (docs/security.md);
    the same check runs again on every request, so this only fails early."""
    from hubbub.net import outbound

    allow = outbound.private_allowed(home)
    schemes = ("http", "https", "ws", "wss")
    for target in [config.url, config.base_url, *config.instances]:
        if target:
            url = target if "://" in target else f"https://{target}"
            outbound.check_url(url, allow, schemes=schemes)


def remove_source(home: Path, name: str) -> None:
    get_source(home, name)  # a clear error when it does not exist
    path = _config_path(home)
    before = path.read_text("utf-8")
    kept: list[str] = []
    skipping = False
    header = f"[sources.{name}]"
    for line in before.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("["):
            skipping = stripped == header or stripped.startswith(f"[sources.{name}.")
        if not skipping:
            kept.append(line)
    _write_checked(home, "".join(kept), before)
    if name in load_sources(home):
        path.write_text(before, "utf-8")
        raise ConfigError(f"could not remove source {name!r}: edit {path} by hand")


def _write_checked(home: Path, text: str, previous: str) -> None:
    path = _config_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    try:
        load_sources(home)
    except ConfigError:
        path.write_text(previous, "utf-8")
        raise


def _toml_table(header: str, data: dict[str, Any]) -> str:
    lines = [f"[{header}]"]
    lines += [f"{_key(key)} = {_value(value)}" for key, value in data.items()]
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    # JSON strings are valid TOML basic strings (same escapes, \uXXXX included).
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise ConfigError(f"cannot write {value!r} to hubbub.toml")
