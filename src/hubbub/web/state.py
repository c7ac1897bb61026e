"""A dashboard view's state as it lives in the URL, so any view can be shared as a link.

    from, to        inclusive days (YYYY-MM-DD), as people read a date range
    since, until    ISO 8601 times, as the API reads them (until exclusive): an alert's link
                    to its window (hubbub.alerts.explain.dashboard_link) uses these
    platform, lang, country, sentiment   repeated filters
    b               the drill-down bucket, a JSON object such as {"platform": "weibo"}

The analyses take the same filters as the API (`Service.scope`); `to` becomes the exclusive
`until` the API uses, one day later.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from hubbub.api.service import parse_bucket
from hubbub.errors import ConfigError

LIST_FILTERS = ("platform", "lang", "country", "sentiment")


@dataclass(frozen=True)
class ViewState:
    start: str | None = None
    end: str | None = None
    since: str | None = None
    until: str | None = None
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bucket: str | None = None

    @classmethod
    def from_request(cls, request: Request) -> ViewState:
        params = request.query_params
        filters = {
            name: tuple(v for v in params.getlist(name) if v.strip()) for name in LIST_FILTERS
        }
        return cls(
            start=_day(params.get("from"), "from"),
            end=_day(params.get("to"), "to"),
            since=_moment(params.get("since"), "since"),
            until=_moment(params.get("until"), "until"),
            filters={k: v for k, v in filters.items() if v},
            bucket=params.get("b") or None,
        )

    def scope_kwargs(self) -> dict[str, Any]:
        """Filters as `Service.scope` keywords."""
        until = self.until
        if self.end and not until:
            until = (date.fromisoformat(self.end) + timedelta(days=1)).isoformat()
        return {
            "since": self.since or self.start,
            "until": until,
            "platforms": list(self.filters.get("platform", ())),
            "langs": list(self.filters.get("lang", ())),
            "countries": list(self.filters.get("country", ())),
            "sentiments": list(self.filters.get("sentiment", ())),
        }

    def bucket_dict(self) -> dict[str, Any] | None:
        return parse_bucket(self.bucket)

    def without_bucket(self) -> ViewState:
        return replace(self, bucket=None)

    def query_string(self, with_bucket: bool = True) -> str:
        pairs: list[tuple[str, str]] = []
        if self.start:
            pairs.append(("from", self.start))
        if self.end:
            pairs.append(("to", self.end))
        if self.since:
            pairs.append(("since", self.since))
        if self.until:
            pairs.append(("until", self.until))
        for name in LIST_FILTERS:
            pairs += [(name, v) for v in self.filters.get(name, ())]
        if with_bucket and self.bucket:
            pairs.append(("b", self.bucket))
        return urlencode(pairs)

    def selected(self, name: str, value: str) -> bool:
        return value in self.filters.get(name, ())

    @property
    def filtered(self) -> bool:
        return bool(self.start or self.end or self.since or self.until or self.filters)


def _day(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ConfigError(f"{name} must be a day written YYYY-MM-DD, not {value!r}") from None


def _moment(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"{name} must be an ISO 8601 time such as 2026-10-19T08:00:00Z, not {value!r}"
        ) from None
    return value.strip()
