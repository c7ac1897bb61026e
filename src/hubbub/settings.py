"""Every setting, declared once: name, default, help. The CLI and docs/configuration.md read this.

Values come from (highest first) a command-line option, a ``HUBBUB_*`` environment variable, the
workspace's ``hubbub.toml``, then the default here. Secrets are read from the environment only.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubbub.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    minimum: int | None = None  # for integer settings

    @property
    def env(self) -> str:
        return "HUBBUB_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("home", "~/.hubbub", "Workspace home: the store, raw archive and rejects live here."),
    Setting(
        "import_batch",
        100_000,
        "Posts per store write during imports (at most 20,000 with enrichment).",
        minimum=1,
    ),
    Setting(
        "import_workers",
        0,
        "Worker processes for imports; 0 picks one per core (max 2).",
        minimum=0,
    ),
    Setting("archive_raw", True, "Keep every imported raw item in the zstd NDJSON raw archive."),
    Setting(
        "enrichers",
        "language,sentiment,emotion,keyphrases,flags,dedup,spam-burst",
        "Enrichers run on new posts, in order (see docs/enrichment.md); entities is opt-in.",
    ),
    # The live pipeline and alerts (docs/live-pipeline.md, docs/alerts.md).
    Setting(
        "live", True, "Run the live pipeline (sources, percolation, alerts) in `hubbub serve`."
    ),
    Setting(
        "live_source_interval",
        300,
        "Seconds from a source run's start to the next (its `options.interval` overrides it).",
        minimum=10,
    ),
    Setting(
        "live_max_pending",
        64,
        "Batches a pipeline stage may fall behind before collection waits.",
        minimum=1,
    ),
    # Scale-out: the bus between processes (docs/scale-out.md).
    Setting(
        "bus",
        "memory",
        "The live pipeline's bus: `memory` (in-process) or `nats://host:port` (NATS JetStream).",
    ),
    Setting(
        "store",
        "embedded",
        "Where posts live: `embedded` (chdb in the home) or `clickhouse://user@host:8123/hubbub`.",
    ),
    Setting(
        "clickhouse_cluster",
        "",
        "ClickHouse cluster name: tables become replicated, with a Distributed `posts` table.",
    ),
    Setting(
        "bus_ack_wait",
        30,
        "Seconds before a NATS message a worker fetched and never acknowledged goes to another.",
        minimum=1,
    ),
    Setting(
        "alert_grace",
        60,
        "Seconds a window stays open for late posts before its final test.",
        minimum=0,
    ),
    Setting(
        "alert_delivery_attempts",
        5,
        "Attempts per alert delivery before it is marked failed.",
        minimum=1,
    ),
    Setting(
        "alert_delivery_timeout", 5, "Seconds a webhook or SMTP server has to answer.", minimum=1
    ),
    Setting(
        "alert_base_url", "", "Dashboard URL for links in alerts (default: the server's own URL)."
    ),
    Setting("alert_smtp_host", "localhost", "SMTP server for email alerts."),
    Setting("alert_smtp_port", 25, "SMTP port for email alerts.", minimum=1),
    Setting("alert_smtp_from", "hubbub@localhost", "Sender address of email alerts."),
    Setting("alert_smtp_starttls", False, "Use STARTTLS with the SMTP server."),
    # Dashboard sign-in sessions (docs/auth.md).
    Setting("session_idle_hours", 12, "Hours a dashboard session lasts unused.", minimum=1),
    Setting(
        "session_max_days",
        7,
        "Days a dashboard session lasts after sign-in, used or not.",
        minimum=1,
    ),
    Setting(
        "api_cache_seconds",
        30,
        "Seconds an identical /v1/analytics or /v1/posts request may be answered from the "
        "server's cache (0: never); past that, only while no post stored since falls in its "
        "window; a topic edit is seen at once (docs/api.md).",
        minimum=0,
    ),
    Setting(
        "allow_private_urls",
        False,
        "Let webhooks, feeds, streams and SMTP reach loopback and private addresses "
        "(docs/security.md); off, such URLs are refused.",
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Limit:
    """A fixed bound on input size (not configurable: memory is sized by it); docs/operations.md."""

    name: str
    value: int
    unit: str
    help: str


MiB = 1024 * 1024
LIMITS: tuple[Limit, ...] = (
    Limit(
        "post_chars",
        1_000_000,
        "characters",
        "Text plus title of one post; deriving its matching text costs ~20x its size in memory.",
    ),
    Limit(
        "line_bytes",
        16 * MiB,
        "bytes",
        "One line of an import file; a longer line is a reject, skipped without holding it.",
    ),
    Limit(
        "document_bytes",
        256 * MiB,
        "bytes",
        "A file that is one JSON document (not a line per item); convert larger ones to NDJSON.",
    ),
    Limit("query_chars", 10_000, "characters", "One boolean query (Radarly, Talkwalker: ~4,000)."),
    Limit("query_terms", 2_000, "terms", "Terms in one boolean query."),
    Limit("query_depth", 32, "levels", "Bracket nesting in one boolean query."),
)
_LIMITS = {limit.name: limit.value for limit in LIMITS}


def limit(name: str) -> int:
    """The value of a declared input limit (see LIMITS)."""
    return _LIMITS[name]


def resolve_home(option: str | Path | None = None) -> Path:
    """The workspace home: --home, else HUBBUB_HOME, else ~/.hubbub."""
    raw = option or os.environ.get("HUBBUB_HOME") or _BY_NAME["home"].default
    return Path(raw).expanduser().resolve()


def toml_value(value: Any) -> str:
    """`value` written as a TOML value (strings quoted, booleans lower-case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def get(name: str, home: Path | None = None) -> Any:
    """A setting's value: environment first, then the home's hubbub.toml, then the default."""
    setting = _BY_NAME[name]
    if setting.env in os.environ:
        return _coerce(setting, os.environ[setting.env], setting.env)
    if home is not None:
        config = home / "hubbub.toml"
        if config.exists():
            try:
                data = tomllib.loads(config.read_text("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{config} is not valid TOML ({exc}); fix or remove it") from None
            if name in data:
                return _coerce(setting, data[name], f"{name} in {config}")
    return setting.default


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _coerce(setting: Setting, value: Any, where: str | None = None) -> Any:
    """`value` as the setting's type; a ConfigError naming the variable and accepted values."""
    kind = type(setting.default)
    where = where or setting.env
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ConfigError(
            f"{where} must be true or false (accepted: {', '.join(_TRUE + _FALSE)}), got {value!r}"
        )
    if kind is int:
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            number = int(value.strip())
        low = setting.minimum
        if number is None or (low is not None and number < low):
            accepted = f"an integer >= {low}" if low is not None else "an integer"
            raise ConfigError(f"{where} must be {accepted}, got {value!r}")
        return number
    if isinstance(value, kind):
        return value
    raise ConfigError(f"{where} must be a {kind.__name__}, got {value!r}")
