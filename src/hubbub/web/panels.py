"""The figures of a topic dashboard, one panel each, as JSON for the page's charts.

Every figure comes from `Service` (the API's single code path into hubbub.analytics); this
module only picks the options a dashboard wants and adds each key's name in the reader's
language, so the chart scripts never translate. Each function runs on the store's thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hubbub.api.service import Service
from hubbub.web.i18n import Translator

# Emerging terms compare the last days of the window with the weeks before them.
EMERGING_DAYS = 7
TOP_BARS = 15
CLOUD_WORDS = 80
COUNTRY_BARS = 15
# Share of voice sets a topic against these groups (topics.md: brand, competitor, product, …).
RIVAL_GROUPS = ("brand", "competitor")

# (service, topic, the view's filters as Service.scope keywords, translator) → JSON
Panel = Callable[[Service, str, dict[str, Any], Translator], dict[str, Any]]


def volume(svc: Service, topic: str, filters: dict[str, Any], t: Translator) -> dict[str, Any]:
    scope = svc.scope(topic=topic, **filters)
    data = svc.analyze("volume", scope, interval="auto", split_by="platform").to_dict()
    data["labels"] = {k: t.label("platform", k) for k in data["keys"]}
    # The platform split is the volume's per-platform totals: one query fewer than a breakdown.
    totals = {k: sum(b["by"].get(k, 0) for b in data["buckets"]) for k in data["keys"]}
    data["platforms"] = [
        {"key": k, "count": n, "label": data["labels"][k]}
        for k, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
        if n
    ]
    return data


def sentiment(svc: Service, topic: str, filters: dict[str, Any], t: Translator) -> dict[str, Any]:
    scope = svc.scope(topic=topic, **filters)
    data = svc.analyze("sentiment", scope, interval="auto").to_dict()
    data["labels"] = {k: t.label("sentiment", k) for k in data["counts"]}
    return data  # type: ignore[no-any-return]


def share_of_voice(
    svc: Service, topic: str, filters: dict[str, Any], t: Translator
) -> dict[str, Any]:
    """This topic against every brand and competitor topic of its workspace."""
    rivals = [x.name for x in svc.topics() if x.group in RIVAL_GROUPS and x.name != topic]
    if not rivals:
        return {"totals": {}, "shares": {}, "topic": topic, "rivals": []}
    names = [topic, *rivals]
    scopes = {name: svc.scope(topic=name, **filters) for name in names}
    data = svc.share_of_voice(scopes).to_dict()
    data["topic"], data["rivals"] = topic, rivals
    return data  # type: ignore[no-any-return]


def hashtags(svc: Service, topic: str, filters: dict[str, Any], t: Translator) -> dict[str, Any]:
    scope = svc.scope(topic=topic, **filters)
    return svc.analyze("top", scope, kind="hashtags", limit=TOP_BARS).to_dict()  # type: ignore[no-any-return]


def terms(svc: Service, topic: str, filters: dict[str, Any], t: Translator) -> dict[str, Any]:
    scope = svc.scope(topic=topic, **filters)
    return svc.analyze("top", scope, kind="terms", limit=CLOUD_WORDS).to_dict()  # type: ignore[no-any-return]


def emerging(svc: Service, topic: str, filters: dict[str, Any], t: Translator) -> dict[str, Any]:
    """Terms rising in the window's last days against the weeks before them."""
    scope = svc.scope(topic=topic, **filters)
    # The window ends at the newest matching post: one read in the table's order (newest
    # first, stopping at the first match) instead of a scan for the data's extent.
    newest = svc.search(scope, limit=1)
    if not newest:
        return {"items": [], "since": None}
    end = scope.until or _moment(str(newest[0]["created_at"])) + timedelta(seconds=1)
    since = end - timedelta(days=EMERGING_DAYS)
    if scope.since is not None:
        since = max(since, scope.since)  # a shorter window is compared whole
    recent = svc.scope(topic=topic, **{**filters, "since": since, "until": end})
    return svc.analyze("emerging", recent, limit=TOP_BARS).to_dict()  # type: ignore[no-any-return]


def _moment(text: str) -> datetime:
    """A store time ('2026-10-30 23:23:44.000', UTC) or an ISO 8601 one, as an aware datetime."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def authors(svc: Service, topic: str, filters: dict[str, Any], t: Translator) -> dict[str, Any]:
    scope = svc.scope(topic=topic, **filters)
    data = svc.analyze("authors", scope, sort="influence", limit=TOP_BARS).to_dict()
    for item in data["items"]:
        item["platform_label"] = t.label("platform", item["platform"])
    return data  # type: ignore[no-any-return]


def _breakdown(by: str, kind: str, limit: int | None = None) -> Panel:
    def panel(svc: Service, topic: str, filters: dict[str, Any], t: Translator) -> dict[str, Any]:
        scope = svc.scope(topic=topic, **filters)
        data = svc.analyze("breakdown", scope, by=by).to_dict()
        if limit is not None:
            data["items"] = data["items"][:limit]
        for item in data["items"]:
            item["label"] = t.label(kind, item["key"])
        return data  # type: ignore[no-any-return]

    panel.__name__ = by
    return panel


PANELS: dict[str, Panel] = {
    "volume": volume,
    "sentiment": sentiment,
    "sov": share_of_voice,
    "hashtags": hashtags,
    "terms": terms,
    "emerging": emerging,
    "authors": authors,
    "countries": _breakdown("country", "country", COUNTRY_BARS),
    "languages": _breakdown("lang", "lang"),
}
