"""The planted stories: what happens when, and the query that finds each one.

With the defaults (start 2026-10-01T00:00Z, 30 days) the demo's month reads:

=============  ==============================  =================================================
story          when (UTC)                      what it looks like
=============  ==============================  =================================================
launch         2026-10-08 00:00 → 10-09 06:00  Aurora X5 launch event at 11:30 UTC (19:30
                                               Beijing): Aurora's volume ×5, mostly positive,
                                               #AuroraX5 / #极光X5发布会#, Bilibili and YouTube
                                               live chat during the event, news articles.
viral          2026-10-11 12:00 → 10-13 12:00  Weibo KOL 数码老猫 (4.2M followers) posts an X5
                                               review; a cascade of reposts (repost_of = its id)
                                               copies it with small edits and //@user: chains.
campaign       2026-10-14 00:00 → 10-18 00:00  Nimbus runs #NimbusNightShot / #云雀夜拍挑战#:
                                               Nimbus's share of voice triples for four days.
crisis         2026-10-19 02:00 → 10-21 00:00  X5 battery overheating: starts on Weibo/Douyin
                                               in Chinese, spreads to other languages within
                                               hours; negative (过热, 爆炸, overheating, burned).
spam           2026-10-24 13:00 → 10-24 15:00  Fake "Aurora X5 for $99" giveaway: near-identical
                                               posts with auroradeals.shop links from brand-new
                                               accounts with almost no followers.
=============  ==============================  =================================================

Other `start`/`days` values move the stories with the window: hour offsets scale with
`days / 30`, durations stay the same unless they would run past the end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2026, 10, 1, tzinfo=UTC)
DEFAULT_DAYS = 30
LAUNCH_EVENT_HOUR = 11  # 11:30 UTC is 19:30 in Beijing, prime time for a Chinese launch
SPAM_DOMAIN = "auroradeals.shop"
KOL_HANDLE = "shumalaomao"  # Latin handle of the Weibo KOL 数码老猫 (people.KOLS[0])


@dataclass(frozen=True, slots=True)
class Story:
    key: str
    name: str
    start: datetime
    end: datetime
    """exclusive"""
    query: str
    description: str


@dataclass(frozen=True, slots=True)
class _Spec:
    key: str
    name: str
    offset_h: int  # from the window's start, for a 30-day window
    hours: int
    query: str
    description: str


_SPECS = (
    _Spec(
        "launch",
        "Aurora X5 launch",
        7 * 24,
        30,
        '"Aurora X5" OR "极光 X5" OR "オーロラ X5" OR #AuroraX5 OR #极光X5发布会#',
        "launch day: Aurora volume ×5, mostly positive, live chat during the 11:30 UTC event",
    ),
    _Spec(
        "viral",
        "KOL review goes viral on Weibo",
        10 * 24 + 12,
        48,
        "author:数码老猫 OR @数码老猫",
        "a Weibo KOL's X5 review and its repost cascade of near-duplicate //@ chains",
    ),
    _Spec(
        "campaign",
        "Nimbus #NimbusNightShot campaign",
        13 * 24,
        96,
        "#NimbusNightShot OR #云雀夜拍挑战#",
        "competitor hashtag campaign: Nimbus share of voice up for four days",
    ),
    _Spec(
        "crisis",
        "Aurora X5 overheating crisis",
        18 * 24 + 2,
        46,
        "(Aurora OR 极光 OR オーロラ) AND (overheat* OR burn* OR 过热 OR 发烫 OR 烫 OR 爆炸 OR "
        "焦味 OR surchauff* OR überhitz* OR sobrecalent* OR 発熱 OR 熱く)",
        "negative spike: battery overheating reports, Chinese first, then everywhere",
    ),
    _Spec(
        "spam",
        "Fake X5 giveaway spam burst",
        23 * 24 + 13,
        2,
        f"links:{SPAM_DOMAIN}",
        "near-identical promotional posts with links from new low-follower accounts",
    ),
)


@dataclass(frozen=True, slots=True)
class Window:
    """A story placed on the generator's hour grid."""

    key: str
    first_hour: int
    weights: tuple[float, ...]  # relative volume per hour from first_hour


def _place(spec: _Spec, days: int) -> tuple[int, int]:
    total = days * 24
    first = min(round(spec.offset_h * days / DEFAULT_DAYS), max(total - 1, 0))
    return first, max(1, min(spec.hours, total - first))


def summary(start: datetime | None = None, days: int = DEFAULT_DAYS) -> list[Story]:
    """The planted stories for this window, in time order, with the query that finds each."""
    start = start or DEFAULT_START
    out = []
    for spec in _SPECS:
        first, hours = _place(spec, days)
        out.append(
            Story(
                spec.key,
                spec.name,
                start + timedelta(hours=first),
                start + timedelta(hours=first + hours),
                spec.query,
                spec.description,
            )
        )
    return out


STORIES: tuple[Story, ...] = tuple(summary())


def windows(days: int) -> dict[str, Window]:
    """Each story's hourly volume profile, so the generator can spread its posts."""
    out = {}
    for spec in _SPECS:
        first, hours = _place(spec, days)
        out[spec.key] = Window(spec.key, first, tuple(_profile(spec.key, h) for h in range(hours)))
    return out


def _profile(key: str, h: int) -> float:
    if key == "launch":
        if h < LAUNCH_EVENT_HOUR:
            return 0.3 + 0.05 * h  # pre-event buzz and leaks
        if h < LAUNCH_EVENT_HOUR + 3:
            return 6.0  # the event itself
        return 5.0 * math.exp(-(h - LAUNCH_EVENT_HOUR - 3) / 5) + 0.15
    if key == "viral":
        return (h + 0.5) ** -1.2  # reposts decay like a power law after the KOL posts
    if key == "campaign":
        # A daily rhythm peaking in Beijing and European evenings, strongest on day one.
        local = (h + 8) % 24
        return (1.3, 1.0, 0.9, 1.2)[min(h // 24, 3)] * (0.3 + (1.0 if 9 <= local <= 23 else 0.0))
    if key == "crisis":
        return min(1.0, (h + 1) / 4) * math.exp(-h / 20)
    return 1.0  # spam: a flat burst


# Story volume. Launch, crisis and campaign are in "brand-days": multiples of their brand's
# baseline daily volume, so the spike keeps its size whatever `posts` and `days` are. Viral and
# spam are fixed shares of all posts.
BRAND_DAYS = {"launch": ("aurora", 4.5), "crisis": ("aurora", 3.5), "campaign": ("nimbus", 8.0)}
SHARE_OF_POSTS = {"viral": 0.015, "spam": 0.01}
