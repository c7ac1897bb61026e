"""How many posts fall in each hour: baseline seasonality plus the stories' extra volume.

Counts are fixed before any post is made, as integers per hour (and per language for the
baseline), using cumulative rounding so they add up to exactly `posts`. The generator then only
keeps one hour of posts in memory at a time.
"""

from __future__ import annotations

import random
from datetime import datetime

from hubbub.demo.stories import BRAND_DAYS, SHARE_OF_POSTS, windows

# Share of conversation per language: English first, Chinese close behind, then the rest.
LANG_SHARES: dict[str, float] = {
    "en": 0.36,
    "zh-Hans": 0.28,
    "zh-Hant": 0.06,
    "ja": 0.08,
    "fr": 0.07,
    "de": 0.08,
    "es": 0.07,
}
# The hour of the day is local: UTC offset per language's main audience (Spanish mixes Spain
# and Latin America, so it sits in between).
TZ = {"en": -5, "zh-Hans": 8, "zh-Hant": 8, "ja": 9, "fr": 2, "de": 2, "es": -1}
# Relative volume by local hour: asleep at 4am, a lunch bump, the evening peak around 9pm.
DIURNAL = (
    0.55,
    0.35,
    0.22,
    0.15,
    0.12,
    0.15,
    0.3,
    0.55,
    0.8,
    0.9,
    0.95,
    1.0,
    1.1,
    1.0,
    0.95,
    0.95,
    1.0,
    1.05,
    1.15,
    1.35,
    1.55,
    1.6,
    1.4,
    0.95,
)
WEEKLY = (1.0, 1.0, 1.0, 1.02, 1.05, 0.8, 0.78)  # Monday .. Sunday
# What baseline posts are about. "noise" posts mention the word aurora but not our brand.
TOPIC_SHARES: dict[str, float] = {
    "aurora": 0.38,
    "nimbus": 0.22,
    "zephyr": 0.15,
    "category": 0.18,
    "noise": 0.07,
}


def spread(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to weights that sum to exactly `total` (cumulative rounding)."""
    s = sum(weights)
    if total <= 0 or s <= 0:
        return [0] * len(weights)
    out = []
    prev = 0
    acc = 0.0
    for w in weights:
        acc += w
        cur = round(acc * total / s)
        out.append(cur - prev)
        prev = cur
    out[-1] += total - prev  # float drift, at most a post or two
    return out


class Schedule:
    """Per-hour counts: `baseline[h][lang_index]` and `stories[key][h]`."""

    def __init__(self, rng: random.Random, posts: int, start: datetime, days: int) -> None:
        hours = days * 24
        self.langs = tuple(LANG_SHARES)
        self.windows = windows(days)
        fixed = {k: round(posts * share) for k, share in SHARE_OF_POSTS.items()}
        extra_per_baseline = sum(
            mult * TOPIC_SHARES[topic] / days for topic, mult in BRAND_DAYS.values()
        )
        baseline_total = (posts - sum(fixed.values())) / (1 + extra_per_baseline)
        story_totals = dict(fixed)
        for key, (topic, mult) in BRAND_DAYS.items():
            story_totals[key] = round(baseline_total * TOPIC_SHARES[topic] / days * mult)
        if sum(story_totals.values()) > posts:  # only for absurdly small `posts`
            story_totals = dict.fromkeys(story_totals, 0)
        base_count = posts - sum(story_totals.values())

        # Baseline weights per (hour, language), with day-to-day wobble so no two days match.
        start_ts = int(start.timestamp())
        day_noise = [[rng.lognormvariate(0, 0.08) for _ in self.langs] for _ in range(days + 1)]
        flat: list[float] = []
        for h in range(hours):
            for li, lang in enumerate(self.langs):
                local = start_ts // 3600 + h + TZ[lang]
                weekday = (local // 24 + 3) % 7  # 1970-01-01 was a Thursday
                w = LANG_SHARES[lang] * DIURNAL[local % 24] * WEEKLY[weekday]
                flat.append(w * day_noise[h // 24][li] * (0.9 + 0.2 * rng.random()))
        counts = spread(base_count, flat)
        n = len(self.langs)
        self.baseline = [counts[h * n : (h + 1) * n] for h in range(hours)]

        self.stories: dict[str, list[int]] = {}
        for key, window in self.windows.items():
            per_hour = [0] * hours
            for i, c in enumerate(spread(story_totals[key], list(window.weights))):
                if window.first_hour + i < hours:
                    per_hour[window.first_hour + i] += c
            self.stories[key] = per_hour
