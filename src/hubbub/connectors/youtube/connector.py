"""YouTube Data API v3: new videos for a query or a channel, and the comments on them.

Each run:
1. finds new videos with `search.list` (`--query`, or option `channel_id`; `order=date`,
   `publishedAfter` the newest video already seen) and collects them as posts of kind `video`;
2. reads `commentThreads.list` (`order=time`, `part=snippet,replies`) for every video found in
   the last `follow_days` days (default 7) and any in option `video_ids` (comma-separated),
   back to the newest comment collected for that video. A thread's inline replies (up to 5)
   become posts of their own.

Quota, in units (Google's documented costs): search.list 100 per page, commentThreads.list 1
per page; the default project allowance is 10,000 units a day, reset at midnight Pacific time.
The connector counts the units it spends in the cursor (`quota: {day, units}`) and stops with a
transient error, to be retried after the reset, before it would exceed option `daily_quota`
(default 10000). A 403 `quotaExceeded` or `rateLimitExceeded` from Google is a wait, not an
auth error. Videos whose comments are disabled or that were removed are skipped.

Auth: an API key in `HUBBUB_YOUTUBE_API_KEY` (Google Cloud console → APIs & Services →
Credentials, with the YouTube Data API v3 enabled). Page tokens page newest first; the walk
back to the cursor is newest_first.py's.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import orjson

from hubbub.connectors.base import Connector, Page
from hubbub.connectors.cursors import iso
from hubbub.connectors.http import HttpClient
from hubbub.connectors.importers.values import dig
from hubbub.connectors.newest_first import walk_newest_first
from hubbub.connectors.youtube.mapping import PLATFORM, map_resource
from hubbub.errors import (
    ConfigError,
    InvalidPost,
    SourceAuthError,
    SourceError,
    SourceTerminal,
    SourceTransient,
)
from hubbub.models import Post, parse_time

KEY_VAR = "HUBBUB_YOUTUBE_API_KEY"
AUTH_HINT = f"set {KEY_VAR} to a Google API key with the YouTube Data API v3 enabled"
COST = {"search": 100, "commentThreads": 1}  # quota units per request (Google's table)
DAILY_QUOTA = 10_000
SEARCH_PAGE = 50  # search.list's maximum maxResults
THREAD_PAGE = 100  # commentThreads.list's maximum
MAX_PAGES = 5  # per walk and run: 5 search pages already cost 500 units
FOLLOW_DAYS = 7
FIRST_RUN_HOURS = 24
_QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
_RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_KEY_REASONS = frozenset({"keyInvalid", "keyExpired", "API_KEY_INVALID", "API_KEY_EXPIRED"})
_CLOSED_REASONS = frozenset({"commentsDisabled", "videoNotFound", "forbidden"})


class VideoClosed(SourceTerminal):
    """This video's comments cannot be read (disabled, removed, private): skip the video."""


class YouTubeConnector(Connector):
    type = "youtube"
    platform = PLATFORM
    archive_name = "youtube_resource"
    default_base_url = "https://www.googleapis.com/youtube/v3"
    env_vars = (KEY_VAR,)
    min_interval = 0.2

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_resource(raw)

    def check_config(self) -> None:
        if not ((self.config.query or "").strip() or self.option("channel_id") or self.video_ids()):
            raise ConfigError(
                f"{self.config.name}: a youtube source needs --query, --set channel_id=UC… "
                "or --set video_ids=ID,ID"
            )
        self.int_option("daily_quota", DAILY_QUOTA)
        self.int_option("follow_days", FOLLOW_DAYS)
        self.int_option("max_pages", MAX_PAGES)

    def video_ids(self) -> list[str]:
        return [v.strip() for v in (self.option("video_ids") or "").split(",") if v.strip()]

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        key = self.require_secret(KEY_VAR, "a Google API key with the YouTube Data API v3 enabled")
        http = self.client(auth_hint=AUTH_HINT, refine=lambda r: _refine(r, self._clock()))
        state = copy.deepcopy(cursor)
        quota = _Quota(state, self._clock(), self.int_option("daily_quota", DAILY_QUOTA))
        first_lower = self._clock() - FIRST_RUN_HOURS * 3600
        max_pages = self.int_option("max_pages", MAX_PAGES)
        walk = _Walk(http, quota, key, since, first_lower, max_pages)
        if (self.config.query or "").strip() or self.option("channel_id"):
            yield from self._new_videos(walk, state)
        yield from self._new_comments(walk, state)
        yield Page([], copy.deepcopy(state))  # commits the quota spent and the videos followed

    def _new_videos(self, walk: _Walk, state: dict[str, Any]) -> Iterator[Page]:
        """search.list back to the newest video seen; every video found is followed."""
        videos: dict[str, Any] = state.setdefault("videos", {})
        search = v if isinstance(v := state.get("search"), dict) else {}
        # A page token is only valid with the parameters it came from: a resumed walk asks
        # with the same publishedAfter.
        position = v if isinstance(v := search.get("walk"), dict) else {}
        lower = (
            walk.since.timestamp()
            if walk.since
            else (position.get("lower") or search.get("newest") or walk.first_lower)
        )

        def search_page(token: str | None) -> tuple[list[dict[str, Any]], str | None]:
            params = {**self._search_params(lower), "key": walk.key}
            return _list(self._get(walk, "search", params, token), self.config.name)

        for step in walk_newest_first(
            search_page,
            _published,
            search,
            since=walk.since,
            first_lower=walk.first_lower,
            max_pages=walk.max_pages,
        ):
            for item in step.items:
                video = dig(item, "id", "videoId")
                published = _published(item)
                if isinstance(video, str) and published is not None:
                    videos.setdefault(video, {})["published"] = published
            state["search"] = step.state
            yield Page(step.items, copy.deepcopy(state))

    def _new_comments(self, walk: _Walk, state: dict[str, Any]) -> Iterator[Page]:
        """commentThreads.list of every followed video, back to its newest comment seen."""
        videos: dict[str, Any] = state.setdefault("videos", {})
        horizon = self._clock() - self.int_option("follow_days", FOLLOW_DAYS) * 86400
        pinned = set(self.video_ids())
        for video in list(videos):
            if video not in pinned and (videos[video].get("published") or 0) < horizon:
                del videos[video]  # old enough: stop following it
        for video in pinned:
            videos.setdefault(video, {})
        for video, entry in videos.items():
            if entry.get("closed"):
                continue
            comments = v if isinstance(v := entry.get("comments"), dict) else {}

            def thread_page(
                token: str | None, video: str = video
            ) -> tuple[list[dict[str, Any]], str | None]:
                params = {
                    "part": "snippet,replies",
                    "videoId": video,
                    "order": "time",
                    "maxResults": THREAD_PAGE,
                    "textFormat": "plainText",
                    "key": walk.key,
                }
                return _list(self._get(walk, "commentThreads", params, token), self.config.name)

            try:
                for step in walk_newest_first(
                    thread_page,
                    _thread_time,
                    comments,
                    since=walk.since,
                    first_lower=entry.get("published") or walk.first_lower,
                    max_pages=walk.max_pages,
                ):
                    entry["comments"] = step.state
                    yield Page(_with_replies(step.items), copy.deepcopy(state))
            except VideoClosed:
                entry["closed"] = True

    def _search_params(self, lower: float) -> dict[str, Any]:
        params: dict[str, Any] = {
            "part": "snippet",
            "type": "video",
            "order": "date",
            "maxResults": SEARCH_PAGE,
            "publishedAfter": iso(datetime.fromtimestamp(lower, UTC)),
        }
        if (self.config.query or "").strip():
            params["q"] = self.config.query
        if self.option("channel_id"):
            params["channelId"] = self.option("channel_id")
        return params

    def _get(self, walk: _Walk, method: str, params: dict[str, Any], token: str | None) -> Any:
        walk.quota.spend(COST[method], self._clock())
        page = {"pageToken": token} if token else {}
        return walk.http.get_json(f"/{method}", {**params, **page})


@dataclass
class _Walk:
    """What one run's requests share."""

    http: HttpClient
    quota: _Quota
    key: str
    since: datetime | None
    first_lower: float  # where a search or a video with no cursor starts
    max_pages: int


class _Quota:
    """Units spent today (Pacific time), kept in the cursor so separate runs add up."""

    def __init__(self, state: dict[str, Any], now: float, allowance: int) -> None:
        self.state = state
        self.allowance = allowance
        day = _pacific_day(now)
        kept = v if isinstance(v := state.get("quota"), dict) else {}
        if kept.get("day") != day:
            kept = {"day": day, "units": 0}
        state["quota"] = kept

    def spend(self, units: int, now: float) -> None:
        kept = self.state["quota"]
        day = _pacific_day(now)
        if kept["day"] != day:
            kept.update(day=day, units=0)
        if kept["units"] + units > self.allowance:
            wait = _seconds_to_pacific_midnight(now)
            raise SourceTransient(
                f"YouTube quota: {kept['units']} of {self.allowance} units spent today (Pacific "
                f"time); collection resumes after the daily reset in {wait / 3600:.1f} h",
                retry_after=wait,
            )
        kept["units"] += units


def _pacific() -> timezone | ZoneInfo:
    try:
        return ZoneInfo("America/Los_Angeles")
    except ZoneInfoNotFoundError:  # no tz database on this system: standard time is close enough
        return timezone(timedelta(hours=-8))


def _pacific_day(now: float) -> str:
    return datetime.fromtimestamp(now, _pacific()).date().isoformat()


def _seconds_to_pacific_midnight(now: float) -> float:
    local = datetime.fromtimestamp(now, _pacific())
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo)
    return max(0.0, midnight.timestamp() - now)


def _refine(response: httpx.Response, now: float) -> SourceError | None:
    """Google's error reasons say more than the status: 403 can mean quota, 400 a bad key."""
    try:
        error = orjson.loads(response.content).get("error") or {}
    except (orjson.JSONDecodeError, AttributeError):
        return None
    if not isinstance(error, dict):
        return None
    reasons = {e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict)}
    reasons |= {d.get("reason") for d in error.get("details") or [] if isinstance(d, dict)}
    message = str(error.get("message") or "")[:200]
    if reasons & _QUOTA_REASONS:
        wait = _seconds_to_pacific_midnight(now)
        return SourceTransient(
            f"YouTube quota exceeded ({message}); retry after the daily reset", wait
        )
    if reasons & _RATE_REASONS:
        return None  # a 403 that is a short-term rate limit: the generic 429-style retry is right
    if reasons & _KEY_REASONS or "API key" in message:
        return SourceAuthError(f"YouTube refused the API key ({message}); {AUTH_HINT}")
    if reasons & _CLOSED_REASONS and "commentThreads" in response.request.url.path:
        return VideoClosed(f"YouTube: {message}")
    return None


def _list(body: Any, source: str) -> tuple[list[dict[str, Any]], str | None]:
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise SourceTerminal(f"{source}: YouTube's answer has no `items` list; check the base URL")
    token = body.get("nextPageToken")
    return items, token if isinstance(token, str) and token else None


def _time(value: Any) -> float | None:
    try:
        return parse_time(value).timestamp()
    except InvalidPost:
        return None


def _published(item: dict[str, Any]) -> float | None:
    return _time(dig(item, "snippet", "publishedAt"))


def _thread_time(thread: dict[str, Any]) -> float | None:
    return _time(dig(thread, "snippet", "topLevelComment", "snippet", "publishedAt"))


def _with_replies(threads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each thread, then its inline replies as items of their own (they are comment resources)."""
    items: list[dict[str, Any]] = []
    for thread in threads:
        items.append(thread)
        replies = dig(thread, "replies", "comments")
        if isinstance(replies, list):
            items.extend(r for r in replies if isinstance(r, dict))
    return items
