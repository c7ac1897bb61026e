"""Alert rules: what to watch on a topic, checked here so the CLI, the API and `replay` refuse
the same bad rules with the same one-line messages.

A rule names a topic, a detector `kind`, the bucket `window` it counts in, the detector's
parameters (each kind declares its own, with defaults), a `cooldown`, the channels to notify
and an optional `digest` period. docs/alerts.md describes every kind and parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from hubbub.errors import ConfigError

ANALYTICS = ("volume", "share_of_voice", "net_sentiment", "negative_share")
OPERATORS = (">", ">=", "<", "<=")
DIGESTS = ("hourly", "daily")
CHANNEL_TYPES = ("webhook", "slack", "email")
_DURATION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MIN_WINDOW = 10  # seconds; shorter buckets hold too few posts for any test


@dataclass(frozen=True)
class Param:
    kind: type
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    duration: bool = False  # given as "7d", stored in seconds


# Each detector's parameters. The defaults are the ones bench/alerts.py measures.
KINDS: dict[str, dict[str, Param]] = {
    "volume_spike": {
        "min_score": Param(float, 3.5, "fire at this -log10 p of the count test", minimum=0),
        "min_volume": Param(int, 10, "never fire below this many posts", minimum=0),
        "min_ratio": Param(float, 1.5, "and at this multiple of the expected", minimum=1),
        "seasonality": Param(
            str,
            "auto",
            "baseline: same hour of past weeks/days",
            ("auto", "weekly", "daily", "none"),
        ),
        "min_history": Param(int, 24, "windows of history before the rule may fire", minimum=1),
    },
    "negative_surge": {
        "min_score": Param(float, 5.0, "fire at this -log10 p-value of the share test", minimum=0),
        "min_count": Param(int, 10, "never fire below this many negative posts", minimum=1),
        "min_share_increase": Param(
            float, 0.10, "negative share must rise this much over the baseline", minimum=0
        ),
        "baseline": Param(int, 7 * 86400, "history of the usual share", duration=True),
    },
    "kol_mention": {
        "min_followers": Param(int, 100_000, "an author with this many followers", minimum=1),
    },
    "new_term": {
        "min_count": Param(int, 5, "posts with the term in the window", minimum=1),
        "min_g2": Param(float, 20.0, "Dunning G² against the baseline", minimum=0),
        "baseline": Param(int, 7 * 86400, "history the term is compared with", duration=True),
    },
    "threshold": {
        "analytic": Param(str, "volume", "the figure to watch", ANALYTICS),
        "op": Param(str, ">=", "comparison", OPERATORS),
        "value": Param(float, None, "the threshold (required)"),
        "min_posts": Param(int, 10, "ratios need this many posts", minimum=0),
    },
}


@dataclass(frozen=True)
class Rule:
    topic: str
    kind: str
    window: int = 3600  # seconds per bucket
    params: dict[str, Any] = field(default_factory=dict)
    cooldown: int | None = None  # seconds; None = 4 windows
    channels: tuple[str, ...] = ()
    digest: str | None = None
    name: str = ""
    workspace: str = "default"
    enabled: bool = True
    id: int | None = None

    @property
    def cooldown_seconds(self) -> int:
        return self.cooldown if self.cooldown is not None else 4 * self.window

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return f"{self.kind}#{self.id}" if self.id is not None else self.kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "workspace": self.workspace,
            "topic": self.topic,
            "name": self.name,
            "kind": self.kind,
            "window": self.window,
            "params": dict(self.params),
            "cooldown": self.cooldown_seconds,
            "channels": list(self.channels),
            "digest": self.digest,
            "enabled": self.enabled,
        }


def parse_duration(value: Any, what: str) -> int:
    """Seconds from 30s, 15m, 1h, 7d, 2w or a number of seconds; ConfigError when not positive."""
    if isinstance(value, bool):
        raise ConfigError(f"{what} {value!r} is not a duration: use e.g. 15m, 1h or 7d")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        found = _DURATION.match(str(value))
        if not found:
            raise ConfigError(f"{what} {value!r} is not a duration: use e.g. 15m, 1h or 7d")
        seconds = float(found.group(1)) * _UNIT_SECONDS[found.group(2)]
    if seconds <= 0:
        raise ConfigError(f"{what} must be positive, got {value!r}")
    return int(seconds)


def make_rule(
    topic: str,
    kind: str,
    window: Any = "1h",
    params: dict[str, Any] | None = None,
    cooldown: Any = None,
    channels: Any = (),
    digest: str | None = None,
    name: str = "",
    workspace: str = "default",
    enabled: bool = True,
    id: int | None = None,
) -> Rule:
    """A checked rule from loose input (strings from the CLI, JSON from the API or a TOML file)."""
    if kind not in KINDS:
        raise ConfigError(f"unknown alert kind {kind!r}: use one of {', '.join(KINDS)}")
    if not topic or not str(topic).strip():
        raise ConfigError("an alert rule needs a topic")
    seconds = parse_duration(window, "window")
    if seconds < MIN_WINDOW:
        raise ConfigError(f"window must be at least {MIN_WINDOW}s, got {window!r}")
    if digest is not None and digest not in DIGESTS:
        raise ConfigError(f"digest {digest!r}: use hourly or daily (or leave it out)")
    return Rule(
        topic=" ".join(str(topic).split()),
        kind=kind,
        window=seconds,
        params=check_params(kind, params or {}),
        cooldown=None if cooldown is None else _cooldown(cooldown),
        channels=tuple(check_channel(c) for c in _list(channels)),
        digest=digest,
        name=(name or "").strip(),
        workspace=workspace,
        enabled=enabled,
        id=id,
    )


def _cooldown(value: Any) -> int:
    if value in (0, "0"):
        return 0
    return parse_duration(value, "cooldown")


def check_params(kind: str, given: dict[str, Any]) -> dict[str, Any]:
    spec = KINDS[kind]
    unknown = sorted(set(given) - set(spec))
    if unknown:
        raise ConfigError(
            f"{kind} has no parameter {unknown[0]!r}; its parameters: {', '.join(spec)}"
        )
    out: dict[str, Any] = {}
    for key, param in spec.items():
        value = given.get(key, param.default)
        if value is None:
            raise ConfigError(f"{kind} needs {key} (--set {key}=...)")
        out[key] = _coerce(kind, key, param, value)
    return out


def _coerce(kind: str, key: str, param: Param, value: Any) -> Any:
    if param.duration:
        return parse_duration(value, f"{kind} {key}")
    try:
        if param.kind is int:
            converted: Any = int(float(value)) if not isinstance(value, bool) else None
            if converted is None:
                raise ValueError
        elif param.kind is float:
            converted = float(value)
        else:
            converted = str(value).strip()
    except (TypeError, ValueError):
        raise ConfigError(f"{kind} {key} must be a number, got {value!r}") from None
    if param.choices and converted not in param.choices:
        raise ConfigError(f"{kind} {key} {value!r}: use one of {', '.join(param.choices)}")
    if param.minimum is not None and converted < param.minimum:
        raise ConfigError(f"{kind} {key} must be at least {param.minimum}, got {value!r}")
    return converted


def check_channel(spec: Any) -> str:
    """`webhook:https://…`, `slack:https://hooks…` or `email:ops@example.com` (also with `=`)."""
    text = str(spec).strip()
    kind, sep, target = text.partition(":")
    if kind not in CHANNEL_TYPES or not sep:
        kind, sep, target = text.partition("=")
    kind, target = kind.strip().lower(), target.strip()
    if kind not in CHANNEL_TYPES or not target:
        raise ConfigError(
            f"channel {text!r}: use webhook=URL, slack=URL or email=ADDRESS (in-app is always on)"
        )
    if kind in ("webhook", "slack") and not target.startswith(("http://", "https://")):
        raise ConfigError(f"{kind} channel {target!r}: give an http(s) URL")
    if kind == "email" and not re.match(r"^[^@\s]+@[^@\s]+$", target):
        raise ConfigError(f"email channel {target!r}: give an address such as ops@example.com")
    return f"{kind}:{target}"


def with_id(rule: Rule, rule_id: int) -> Rule:
    return replace(rule, id=rule_id)


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """`key=value` strings (the CLI's --set) as a dict."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set {pair!r}: write key=value, e.g. --set min_volume=20")
        out[key.strip()] = value.strip()
    return out


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v.strip()]
    return list(value)
