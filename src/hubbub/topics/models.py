"""A topic: a saved boolean query with filters, in a workspace; and its versions.

Validation lives here so the CLI, the API and the SDK refuse the same things with the same
messages. A bad query is refused with the parser's QueryError (message, position, hint).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from hubbub.errors import ConfigError, NotFound
from hubbub.query import parse
from hubbub.query.fields import ISO3_TO_ISO2

DEFAULT_WORKSPACE = "default"
_WORKSPACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_GROUP = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_CODE = re.compile(r"^[a-z0-9_-]{1,32}$")
MAX_NAME = 100


class TopicNotFound(NotFound):
    """No topic of that name in the workspace (the API answers 404)."""


class TopicExists(ConfigError):
    """A topic of that name already exists in the workspace (the API answers 409)."""


@dataclass(frozen=True)
class TopicFilters:
    """Filters ANDed with the topic's query. Empty tuples mean "no filter"."""

    platforms: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "platforms": list(self.platforms),
            "languages": list(self.languages),
            "countries": list(self.countries),
            "since": _iso(self.since),
            "until": _iso(self.until),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TopicFilters:
        data = data or {}
        return make_filters(
            platforms=data.get("platforms") or (),
            languages=data.get("languages") or (),
            countries=data.get("countries") or (),
            since=data.get("since"),
            until=data.get("until"),
        )


@dataclass(frozen=True)
class Topic:
    name: str
    query: str
    group: str = "other"
    description: str = ""
    filters: TopicFilters = field(default_factory=TopicFilters)
    workspace: str = DEFAULT_WORKSPACE
    version: int = 0
    updated_at: datetime | None = None
    updated_by: str = ""

    def state(self) -> dict[str, Any]:
        """What a version records: everything a user can change."""
        return {
            "name": self.name,
            "query": self.query,
            "group": self.group,
            "description": self.description,
            "filters": self.filters.to_dict(),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace,
            **self.state(),
            "version": self.version,
            "updated_at": _iso(self.updated_at),
            "updated_by": self.updated_by,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Topic:
        return cls(
            name=data["name"],
            query=data["query"],
            group=data.get("group") or "other",
            description=data.get("description") or "",
            filters=TopicFilters.from_dict(data.get("filters")),
            workspace=data.get("workspace") or DEFAULT_WORKSPACE,
            version=int(data.get("version") or 0),
            updated_at=parse_time(data.get("updated_at"), "updated_at"),
            updated_by=data.get("updated_by") or "",
        )

    def with_state(self, state: dict[str, Any]) -> Topic:
        return replace(
            self,
            name=state["name"],
            query=state["query"],
            group=state["group"],
            description=state.get("description", ""),
            filters=TopicFilters.from_dict(state.get("filters")),
        )


@dataclass(frozen=True)
class TopicVersion:
    """One change: `old` and `new` are the topic's states before and after (None = absent)."""

    version: int
    action: str  # create | edit | delete | revert
    at: datetime
    by: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    reverted_to: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "action": self.action,
            "at": _iso(self.at),
            "by": self.by,
            "old": self.old,
            "new": self.new,
            "reverted_to": self.reverted_to,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TopicVersion:
        at = parse_time(data["at"], "at")
        assert at is not None
        return cls(
            version=int(data["version"]),
            action=data["action"],
            at=at,
            by=data.get("by") or "",
            old=data.get("old"),
            new=data.get("new"),
            reverted_to=data.get("reverted_to"),
        )


# ---- validation -----------------------------------------------------------------------------


def check_workspace(name: str) -> str:
    if not _WORKSPACE.match(name or ""):
        raise ConfigError(
            f"workspace name {name!r} is not valid: use letters, digits, '.', '_' or '-' "
            "(up to 64, starting with a letter or digit)"
        )
    return name


def check_topic(topic: Topic) -> Topic:
    """The topic, normalized; ConfigError or QueryError (with position) if it is not valid."""
    name = " ".join((topic.name or "").split())
    if not name or len(name) > MAX_NAME or "/" in name:
        raise ConfigError(
            f"topic name {topic.name!r} is not valid: 1-{MAX_NAME} characters, no '/'"
        )
    group = (topic.group or "other").strip().lower()
    if not _GROUP.match(group):
        raise ConfigError(
            f"group {topic.group!r} is not valid: a short lowercase word such as brand, "
            "competitor, product, issue or category"
        )
    parse(topic.query)  # raises QueryError with the position and a hint
    return replace(topic, name=name, group=group, description=(topic.description or "").strip())


def make_filters(
    platforms: Any = (),
    languages: Any = (),
    countries: Any = (),
    since: Any = None,
    until: Any = None,
) -> TopicFilters:
    """Filters from loose input (lists or comma-separated strings, ISO dates), checked."""
    start, end = parse_time(since, "since"), parse_time(until, "until")
    if start and end and start >= end:
        raise ConfigError(f"since ({_iso(start)}) must be before until ({_iso(end)})")
    return TopicFilters(
        platforms=_codes(platforms, "platform"),
        languages=_codes(languages, "language"),
        countries=tuple(_country(c) for c in _split(countries)),
        since=start,
        until=end,
    )


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(v).strip() for v in items if str(v).strip()]


def _codes(value: Any, what: str) -> tuple[str, ...]:
    codes = sorted({v.lower() for v in _split(value)})
    for code in codes:
        if not _CODE.match(code):
            raise ConfigError(f"{what} {code!r} is not valid: a short code such as x or en")
    return tuple(codes)


def _country(code: str) -> str:
    lowered = code.lower()
    if len(lowered) == 3 and lowered in ISO3_TO_ISO2:
        return ISO3_TO_ISO2[lowered]
    if len(lowered) == 2 and lowered.isalpha():
        return lowered.upper()
    raise ConfigError(f"unknown country code {code!r}: use ISO 3166, e.g. gb or gbr, cn or chn")


def parse_time(value: Any, option: str) -> datetime | None:
    """`2026-10-01` or ISO-8601 (naive means UTC) as an aware datetime; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date: use YYYY-MM-DD or ISO-8601") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
