"""Time buckets: choosing an interval, the SQL that floors a post's time to its bucket, and the
list of every bucket of a window (so empty ones can be filled with 0).

Buckets are floored in the requested time zone (UTC unless given): a "day" in Asia/Shanghai
starts at local midnight. Weeks start on Monday (ISO 8601).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hubbub.errors import ConfigError

INTERVALS = ("hour", "day", "week")
MAX_BUCKETS = 5000
_AUTO_HOUR_UP_TO = timedelta(days=3)
_AUTO_DAY_UP_TO = timedelta(days=120)


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown time zone {tz!r}; use an IANA name such as UTC or Asia/Shanghai"
        ) from None


def choose_interval(interval: str, since: datetime, until: datetime) -> str:
    """`interval` itself, or for 'auto': hour up to 3 days, day up to 120 days, else week."""
    if interval == "auto":
        span = until - since
        return "hour" if span <= _AUTO_HOUR_UP_TO else "day" if span <= _AUTO_DAY_UP_TO else "week"
    if interval not in INTERVALS:
        raise ConfigError(f"unknown interval {interval!r}; use auto, hour, day or week")
    return interval


def floor_sql(interval: str) -> str:
    """SQL for the bucket start of `created_at` as Unix seconds; the zone is the {tz} param."""
    if interval == "week":
        floor = "toMonday(created_at, {tz:String})"
    else:
        floor = f"toStartOfInterval(created_at, INTERVAL 1 {interval}, {{tz:String}})"
    return f"toUnixTimestamp({floor})"


def floor(moment: datetime, interval: str, tz: ZoneInfo) -> datetime:
    local = moment.astimezone(tz)
    if interval == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.date()
    if interval == "week":
        day -= timedelta(days=day.weekday())
    return _midnight(day, tz)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def next_start(start: datetime, interval: str, tz: ZoneInfo) -> datetime:
    """The start of the bucket after the one starting at `start`."""
    if interval == "hour":
        # Step in absolute time: local wall-clock arithmetic would repeat or skip an hour at a
        # daylight-saving change.
        return (start.astimezone(UTC) + timedelta(hours=1)).astimezone(tz)
    step = 7 if interval == "week" else 1
    return _midnight(start.astimezone(tz).date() + timedelta(days=step), tz)


def starts(since: datetime, until: datetime, interval: str, tz: ZoneInfo) -> list[datetime]:
    """Start of every bucket that overlaps [since, until); refuses more than MAX_BUCKETS."""
    first = floor(since, interval, tz)
    per_bucket = {"hour": 3600, "day": 86400, "week": 7 * 86400}[interval]
    estimate = (until - first).total_seconds() / per_bucket
    if estimate > MAX_BUCKETS + 1:
        raise ConfigError(
            f"that is about {int(estimate):,} {interval} buckets (at most {MAX_BUCKETS:,}); "
            "pick a larger interval or a shorter window"
        )
    out = []
    current = first
    while current < until:
        out.append(current)
        current = next_start(current, interval, tz)
    if len(out) > MAX_BUCKETS:
        raise ConfigError(
            f"that is {len(out):,} {interval} buckets (at most {MAX_BUCKETS:,}); "
            "pick a larger interval or a shorter window"
        )
    return out
