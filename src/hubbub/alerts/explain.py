"""What an alert carries to explain itself: the posts, authors, terms and platforms of its
window, and a link to the dashboard filtered to that window."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from hubbub.alerts.detectors import Finding
from hubbub.alerts.model import from_epoch, iso
from hubbub.alerts.series import Bucket

TOP = 5


def drivers(bucket: Bucket, finding: Finding) -> dict[str, Any]:
    heap = bucket.top_negative if finding.focus == "negative" else bucket.top
    posts = [post for _, _, post in sorted(heap, key=lambda e: (-e[0], e[1]))][:3]
    if "post" in finding.extra:
        posts = [_brief(finding.extra["post"])]
    terms = [{"term": t, "posts": n} for t, n in bucket.terms.most_common(TOP)]
    if "term" in finding.extra:
        term = finding.extra["term"]
        others = [t for t in terms if t["term"] != term][: TOP - 1]
        terms = [{"term": term, "posts": bucket.terms.get(term, 0)}, *others]
    return {
        "posts_in_window": bucket.count,
        "top_posts": posts,
        "top_authors": [{"author": a, "posts": n} for a, n in bucket.authors.most_common(TOP)],
        "top_terms": terms,
        "platforms": dict(bucket.platforms.most_common()),
        **{k: v for k, v in finding.extra.items() if k not in ("post", "term")},
    }


def _brief(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "platform": row.get("platform"),
        "platform_id": row.get("platform_id"),
        "url": row.get("url"),
        "author": row.get("author_handle"),
        "followers": row.get("author_followers"),
        "engagement": row.get("engagement"),
        "text": str(row.get("text") or "")[:280],
    }


def dashboard_link(topic: str, start: int, end: int, workspace: str = "default") -> str:
    """`/topics/<name>?since=..&until=..`: the web dashboard filtered to the alert's window."""
    params = {"since": iso(from_epoch(start)), "until": iso(from_epoch(end))}
    if workspace != "default":
        params["workspace"] = workspace
    return f"/topics/{quote(topic, safe='')}?{urlencode(params)}"
