"""The alert engine: posts that matched topics in, alerts out.

It counts each watched topic in buckets (one series per topic and rule window), tests open
buckets as posts arrive (rules for which that is sound, see `may_fire_early`), tests every
bucket again when it closes, and applies deduplication and cooldown. It has no clock of its
own: `advance(now)` is called with the wall clock when live and with the stream's event time
(the newest `created_at` seen) in `hubbub replay`, so a backtest fires exactly what live would
have, at the simulated moment it would have.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from hubbub.alerts import detectors
from hubbub.alerts.detectors import Finding, RuleState
from hubbub.alerts.explain import dashboard_link, drivers
from hubbub.alerts.model import Alert, from_epoch
from hubbub.alerts.rules import Rule
from hubbub.alerts.series import WEEK, Bucket, Series

TopicKey = tuple[str, str]  # (workspace, topic name casefolded)
SeedRow = tuple[int, int, int, int, int]  # window start, posts, labelled, negative, positive


def topic_key(workspace: str, name: str) -> TopicKey:
    return (workspace, " ".join(name.split()).casefold())


class AlertEngine:
    """Not thread-safe: one stage owns it. `rules` need ids (the store gives them)."""

    def __init__(
        self,
        rules: Sequence[Rule] = (),
        groups: dict[TopicKey, str] | None = None,
        grace: float = 0.0,
    ) -> None:
        self.grace = grace
        self.watermark: float | None = None  # newest created_at seen (event time)
        self._series: dict[tuple[TopicKey, int], Series] = {}
        self._states: dict[int, RuleState] = defaultdict(RuleState)
        self._last: dict[tuple[int, str], int] = {}  # (rule, subject) → window start of last alert
        self.set_rules(rules, groups or {})

    # ---- configuration -------------------------------------------------------------------
    def set_rules(
        self, rules: Sequence[Rule], groups: dict[TopicKey, str]
    ) -> list[tuple[TopicKey, int]]:
        """(Re)load rules; series of topics still watched keep their history. Returns the
        (topic, window) series that are new, which have no history yet (see `seed`)."""
        for rule in rules:
            if rule.id is None:
                raise ValueError("rules given to the engine need ids")
        self.rules = [r for r in rules if r.enabled]
        self.groups = dict(groups)
        wanted: dict[tuple[TopicKey, int], list[Rule]] = defaultdict(list)
        for rule in self.rules:
            key = topic_key(rule.workspace, rule.topic)
            wanted[(key, rule.window)].append(rule)
            if rule.kind == "threshold" and rule.params["analytic"] == "share_of_voice":
                for other in self._group_members(key):
                    wanted.setdefault((other, rule.window), [])
        self._rules_of = dict(wanted)
        created = [k for k in wanted if k not in self._series]
        self._series = {k: self._series.get(k) or self._new_series(k, r) for k, r in wanted.items()}
        self._by_topic: dict[TopicKey, list[tuple[Series, list[Rule]]]] = defaultdict(list)
        for (key, _), series in self._series.items():
            self._by_topic[key].append((series, self._rules_of[(key, series.window)]))
        return created

    def _new_series(self, key: tuple[TopicKey, int], rules: list[Rule]) -> Series:
        detail = max([r.params.get("baseline", 0) for r in rules] + [key[1]])
        series = Series(key[1], detail_span=min(detail, WEEK))
        if self.watermark is not None:
            series.begin(self.watermark)
        return series

    def _group_members(self, key: TopicKey) -> list[TopicKey]:
        group = self.groups.get(key)
        if group is None:
            return [key]
        return [k for k, g in self.groups.items() if g == group and k[0] == key[0]]

    def restore(self, fired: Iterable[tuple[int, str, datetime]]) -> None:
        """Cooldowns from alerts fired before a restart: (rule id, subject key, window start)."""
        for rule_id, subject, start in fired:
            at = int(start.timestamp())
            if at > self._last.get((rule_id, subject), -1):
                self._last[(rule_id, subject)] = at

    def watched(self) -> list[tuple[TopicKey, int]]:
        """(topic, window) of every series the rules need."""
        return list(self._series)

    def seed(self, key: TopicKey, window: int, counts: Sequence[SeedRow], now: float) -> None:
        """Fill a series' history from the store (after a restart): per window start, the
        posts, labelled, negative and positive counts. Windows before `now`'s are closed
        history and feed the volume baseline's spread, as if they had been watched live."""
        series = self._series.get((key, window))
        if series is None or not counts:
            return
        current = series.start_of(now)
        for start, posts, labelled, negative, positive in counts:
            bucket = series.bucket(int(start))
            bucket.count, bucket.labelled = int(posts), int(labelled)
            bucket.negative, bucket.positive = int(negative), int(positive)
        series.first_start = min(int(c[0]) for c in counts)
        series.next_to_close = max(series.next_to_close or current, current)
        for rule in self._rules_of[(key, window)]:
            if rule.kind != "volume_spike":
                continue
            for start in range(series.first_start, current, window):
                bucket = series.bucket(start)
                detectors.record_residual(rule, series, bucket, self._states[rule.id or 0])
        series.prune(now)

    def begin(self, now: float) -> None:
        """Start counting at `now` (the live pipeline's start): empty buckets from here are 0."""
        self.watermark = max(self.watermark or now, now)
        for series in self._series.values():
            series.begin(now)

    # ---- posts in ------------------------------------------------------------------------
    def saw(self, epoch: float) -> None:
        """Event time reached `epoch` (a post of any topic, or none, was stored then)."""
        if self.watermark is None or epoch > self.watermark:
            self.watermark = epoch

    def observe(
        self, rows: Sequence[dict[str, Any]], matches: Sequence[Iterable[TopicKey]], now: float
    ) -> list[Alert]:
        """Count matched posts; return what fires on the open buckets they landed in."""
        alerts: list[Alert] = []
        touched: dict[int, tuple[Series, list[Rule], int]] = {}
        for row, keys in zip(rows, matches, strict=True):
            created = row["created_at"]
            epoch = created.timestamp() if isinstance(created, datetime) else float(created)
            if self.watermark is None or epoch > self.watermark:
                self.watermark = epoch
            for key in keys:
                for series, rules in self._by_topic.get(key, ()):
                    series.begin(epoch)
                    bucket = series.add(row, epoch)
                    touched[id(bucket)] = (series, rules, bucket.start)
                    for rule in rules:
                        if rule.kind == "kol_mention":
                            finding = detectors.kol_mention(rule, row)
                            if finding is not None:
                                alerts += self._fire(rule, series, bucket, [finding], now, True)
        # Early alerts fire "now": in event time, no earlier than the newest post counted.
        now = max(now, self.watermark or now)
        for series, rules, start in touched.values():
            if series.next_to_close is not None and start < series.next_to_close:
                continue  # a late post in a closed bucket: history only
            bucket = series.bucket(start)
            elapsed = (now - start) / series.window
            for rule in rules:
                if detectors.may_fire_early(rule):
                    alerts += self._evaluate(rule, series, bucket, now, True, elapsed)
        return alerts

    def advance(self, now: float) -> list[Alert]:
        """Close every bucket whose end (plus grace) is past `now` and test it."""
        alerts: list[Alert] = []
        for (key, _), series in self._series.items():
            closed = series.closable(now, self.grace)
            for start in closed:
                bucket = series.bucket(start)
                for rule in self._rules_of[(key, series.window)]:
                    alerts += self._evaluate(rule, series, bucket, now, partial=False)
                    if rule.kind == "volume_spike":
                        detectors.record_residual(rule, series, bucket, self._states[rule.id or 0])
            if closed:
                series.prune(now)
        return alerts

    # ---- testing -------------------------------------------------------------------------
    def _evaluate(
        self,
        rule: Rule,
        series: Series,
        bucket: Bucket,
        now: float,
        partial: bool,
        elapsed: float = 1.0,
    ) -> list[Alert]:
        if rule.kind == "kol_mention":
            return []  # tested post by post in `observe`
        if rule.kind != "new_term" and not self._may_fire(rule, "", bucket.start):
            return []  # new_term's cooldown is per term, checked in `_fire`
        findings: list[Finding] = []
        if rule.kind == "volume_spike":
            history = self._history(series, bucket.start)
            state = self._states[rule.id or 0]
            found = detectors.volume_spike(rule, series, bucket, state, history, elapsed)
            findings = [found] if found else []
        elif rule.kind == "negative_surge":
            found = detectors.negative_surge(rule, series, bucket)
            findings = [found] if found else []
        elif rule.kind == "new_term":
            findings = detectors.new_terms(rule, series, bucket)
        elif rule.kind == "threshold":
            found = detectors.threshold(rule, bucket, self._group_total(rule, bucket.start))
            findings = [found] if found else []
        return self._fire(rule, series, bucket, findings, now, partial)

    def _history(self, series: Series, start: int) -> int:
        first = series.first_start if series.first_start is not None else start
        return (start - first) // series.window

    def _group_total(self, rule: Rule, start: int) -> int | None:
        if rule.params.get("analytic") != "share_of_voice":
            return None
        key = topic_key(rule.workspace, rule.topic)
        total = 0
        for member in self._group_members(key):
            series = self._series.get((member, rule.window))
            total += (series.count_at(start) or 0) if series is not None else 0
        return total

    def _may_fire(self, rule: Rule, subject: str, start: int) -> bool:
        last = self._last.get((rule.id or 0, subject))
        return last is None or (start > last and start >= last + rule.cooldown_seconds)

    def _fire(
        self,
        rule: Rule,
        series: Series,
        bucket: Bucket,
        findings: list[Finding],
        now: float,
        partial: bool,
    ) -> list[Alert]:
        out = []
        for finding in findings:
            if not self._may_fire(rule, finding.key, bucket.start):
                continue
            self._last[(rule.id or 0, finding.key)] = bucket.start
            end = bucket.start + series.window
            out.append(
                Alert(
                    workspace=rule.workspace,
                    topic=rule.topic,
                    rule_id=rule.id,
                    rule=rule.label,
                    kind=rule.kind,
                    window_start=from_epoch(bucket.start),
                    window_end=from_epoch(end),
                    fired_at=from_epoch(now),
                    observed=finding.observed,
                    expected=finding.expected,
                    score=finding.score,
                    test=finding.test,
                    summary=f"{rule.topic}: {finding.summary}",
                    drivers=drivers(bucket, finding),
                    link=dashboard_link(rule.topic, bucket.start, end, rule.workspace),
                    key=f"{finding.key or 'window'}@{from_epoch(bucket.start).isoformat()}",
                    partial=partial and rule.kind != "kol_mention",
                )
            )
        return out
