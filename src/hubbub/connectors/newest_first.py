"""Walking an API that lists newest first, page token by page token, back to a time.

Reddit listings (`after`), YouTube search and comment threads (`pageToken`), Weibo timelines
and m.weibo.cn search (`page`) all return the newest items first and page towards older ones.
To collect "what is new since last time" the walk goes back until it meets an item older than
`lower` (the newest time collected last run, or a backfill's `--backfill-since`).

The cursor cannot jump to the newest time until the walk reaches `lower`: a crash or the
per-run page limit would otherwise skip the items between. So until then every page commits
the walk's position (`{"newest": <committed>, "walk": {"token", "lower", "newest"}}`) and the
next run resumes it; once the walk reaches `lower` the cursor becomes `{"newest": <newest seen>}`.
Items that the API gives no readable time are kept (mapping rejects them with a reason).
APIs with growing decimal ids (X, Weibo) resume from an id instead: `decimal_id`/`newest_id`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# One request: page token (None for the first page) → (raw items, next page token or None).
PageFetcher = Callable[[str | None], tuple[list[dict[str, Any]], str | None]]
# A raw item's time in epoch seconds, None when it has none that can be read.
ItemTime = Callable[[dict[str, Any]], float | None]


@dataclass
class WalkStep:
    items: list[dict[str, Any]]
    state: dict[str, Any]  # the scope's cursor, safe to commit once `items` are stored
    done: bool


def walk_newest_first(
    fetch_page: PageFetcher,
    item_time: ItemTime,
    state: dict[str, Any],
    *,
    since: datetime | None,
    first_lower: float,
    max_pages: int,
) -> Iterator[WalkStep]:
    """Walk one scope (a subreddit, a video's comments) from its cursor `state`.

    `first_lower` is where a scope with no cursor starts (e.g. 24 hours ago); `since` (a
    backfill) restarts the walk from the newest page down to that time.
    """
    committed = _number(state.get("newest"))
    walk = state.get("walk") if isinstance(state.get("walk"), dict) else None
    if since is not None:
        lower, token, newest = since.timestamp(), None, committed
    elif walk is not None:
        lower = _number(walk.get("lower")) or committed or first_lower
        token = walk.get("token") if isinstance(walk.get("token"), str) else None
        newest = max(_number(walk.get("newest")) or 0.0, committed or 0.0) or None
    else:
        lower, token, newest = committed or first_lower, None, committed
    for _ in range(max(1, max_pages)):
        items, next_token = fetch_page(token)
        times = [item_time(item) for item in items]
        known = [t for t in times if t is not None]
        if known:
            newest = max([newest or 0.0, *known])
        # Items at exactly `lower` are fetched again on purpose: two posts may share a second.
        fresh = [item for item, t in zip(items, times, strict=True) if t is None or t >= lower]
        reached = any(t < lower for t in known) or next_token is None or not items
        if reached:
            final = max(newest or 0.0, committed or 0.0)
            yield WalkStep(fresh, {"newest": final} if final else {}, True)
            return
        token = next_token
        position = {"token": token, "lower": lower, "newest": newest}
        yield WalkStep(
            fresh, {**({"newest": committed} if committed else {}), "walk": position}, False
        )


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def decimal_id(value: Any) -> str | None:
    """A platform id that is a decimal number (X, Weibo), as text; None otherwise."""
    text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
    return text if text.isdigit() else None


def newest_id(*ids: str | None) -> str | None:
    """The largest of decimal ids given as text (longer is larger), ignoring None."""
    known = [i for i in ids if i]
    return max(known, key=lambda i: (len(i), i)) if known else None
