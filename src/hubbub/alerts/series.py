"""A topic's posts counted per window ("bucket"): what the detectors test, and what explains
an alert (the top posts, authors, terms and platforms of the bucket).

Counts are kept for the history the seasonal baselines look back over; the heavier details
(term counters, top posts) only for the recent buckets that explanations and the term test use.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

WEEK = 7 * 86400
HISTORY = 5 * WEEK  # counts kept: four seasonal weeks back, plus the current one
TOP_POSTS = 5


@dataclass
class Bucket:
    start: int  # epoch seconds
    count: int = 0
    labelled: int = 0  # posts with a sentiment label
    negative: int = 0
    positive: int = 0
    terms: Counter[str] = field(default_factory=Counter)  # posts per hashtag / key phrase
    authors: Counter[str] = field(default_factory=Counter)
    platforms: Counter[str] = field(default_factory=Counter)
    # (engagement, seq, post) min-heaps of the most engaging posts, all and negative ones
    top: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    top_negative: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)

    def add(self, row: dict[str, Any], seq: int) -> None:
        self.count += 1
        sentiment = row.get("sentiment")
        if sentiment in ("positive", "neutral", "negative"):
            self.labelled += 1
            self.negative += sentiment == "negative"
            self.positive += sentiment == "positive"
        for term in post_terms(row):
            self.terms[term] += 1
        author = row.get("author_handle") or row.get("author_id")
        if author:
            self.authors[str(author)] += 1
        self.platforms[str(row.get("platform") or "?")] += 1
        entry = (int(row.get("engagement") or 0), seq, _brief(row))
        _keep_top(self.top, entry)
        if sentiment == "negative":
            _keep_top(self.top_negative, entry)

    def shed_details(self) -> None:
        self.terms.clear()
        self.authors.clear()
        self.platforms.clear()
        self.top.clear()
        self.top_negative.clear()


def _keep_top(
    heap: list[tuple[int, int, dict[str, Any]]], entry: tuple[int, int, dict[str, Any]]
) -> None:
    if len(heap) < TOP_POSTS:
        heapq.heappush(heap, entry)
    elif entry[0] > heap[0][0]:
        heapq.heapreplace(heap, entry)


def post_terms(row: dict[str, Any]) -> set[str]:
    """What the new-term test counts: hashtags (as #tag) and enrichment's key phrases."""
    terms = {"#" + str(tag).lower() for tag in row.get("hashtags") or ()}
    terms.update(str(p).lower() for p in row.get("keyphrases") or ())
    return terms


def _brief(row: dict[str, Any]) -> dict[str, Any]:
    text = str(row.get("text") or "")
    return {
        "platform": row.get("platform"),
        "platform_id": row.get("platform_id"),
        "url": row.get("url"),
        "author": row.get("author_handle"),
        "followers": row.get("author_followers"),
        "engagement": row.get("engagement"),
        "sentiment": row.get("sentiment"),
        "text": text[:280],
    }


class Series:
    """One topic counted in buckets of `window` seconds (aligned to the Unix epoch, so hourly
    buckets start on the hour in UTC and daily ones at 00:00 UTC)."""

    def __init__(self, window: int, detail_span: int = WEEK) -> None:
        self.window = window
        self.detail_span = max(detail_span, window)
        self.buckets: dict[int, Bucket] = {}
        self.first_start: int | None = None  # history starts here: earlier buckets are unknown
        self.next_to_close: int | None = None
        self._seq = 0

    def begin(self, epoch: float) -> None:
        """Count from `epoch` on: buckets from here are known, empty ones are zeros."""
        if self.first_start is None:
            self.first_start = self.next_to_close = self.start_of(epoch)

    def start_of(self, epoch: float) -> int:
        return int(epoch // self.window) * self.window

    def add(self, row: dict[str, Any], epoch: float) -> Bucket:
        start = self.start_of(epoch)
        if self.first_start is None or start < self.first_start:
            self.first_start = start
        if self.next_to_close is None:
            self.next_to_close = start
        bucket = self.buckets.get(start)
        if bucket is None:
            bucket = self.buckets[start] = Bucket(start)
        self._seq += 1
        bucket.add(row, self._seq)
        return bucket

    def count_at(self, start: int) -> int | None:
        """Posts in the bucket starting at `start`; 0 for an empty bucket within the history,
        None before the history starts (unknown, not zero)."""
        if self.first_start is None or start < self.first_start:
            return None
        bucket = self.buckets.get(start)
        return bucket.count if bucket is not None else 0

    def bucket(self, start: int) -> Bucket:
        found = self.buckets.get(start)
        if found is None:
            found = self.buckets[start] = Bucket(start)
        return found

    def closable(self, now: float, grace: float) -> list[int]:
        """Starts of the buckets whose end (plus the late-arrival grace) has passed."""
        if self.next_to_close is None:
            return []
        out = []
        while self.next_to_close + self.window + grace <= now:
            out.append(self.next_to_close)
            self.next_to_close += self.window
        return out

    def prune(self, now: float) -> None:
        horizon = now - HISTORY
        detail_horizon = now - self.detail_span - self.window
        for start in [s for s in self.buckets if s < horizon]:
            del self.buckets[start]
        for start, bucket in self.buckets.items():
            if start < detail_horizon and bucket.top:
                bucket.shed_details()
