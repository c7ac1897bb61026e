"""`hubbub replay`: a timestamped NDJSON of posts through the live pipeline's stages, on a
simulated clock, printing each alert as it fires.

Posts are read in file order (sort the file by created_at: a post older than the bucket
already closed counts as history only, as a late post does live), mapped with the Hubbub NDJSON
format, enriched in batches, and published on the bus exactly as the store would publish them;
the percolation and alert stages then run as they do live, driven here one batch at a time so
the output is the same on every run. The clock is event time: the newest created_at seen, so
`fired_at` is when live would have fired. Nothing is written to the store or meta.sqlite3.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from hubbub.alerts.engine import AlertEngine, topic_key
from hubbub.alerts.model import Alert
from hubbub.alerts.rules import KINDS, Rule, make_rule
from hubbub.bus.base import SUBJECTS
from hubbub.bus.memory import MemoryBus
from hubbub.connectors.importers.hubbub_ndjson import FORMAT
from hubbub.errors import ConfigError, HubbubError
from hubbub.live.stages import AlertStage, PercolateStage
from hubbub.live.watchlist import TopicMatcher
from hubbub.models import Post
from hubbub.store.rows import posts_table
from hubbub.topics import Topic, make_filters
from hubbub.topics.models import check_topic

BATCH_POSTS = 200
BATCH_SECONDS = 60.0  # a batch never spans more event time than this (alert timing precision)
_RULE_KEYS = ("kind", "window", "cooldown", "name", "channels", "digest", "enabled")


@dataclass
class ReplaySummary:
    posts: int = 0
    rejected: int = 0
    alerts: int = 0
    first_error: str | None = None


def load_topics_file(path: Path) -> tuple[list[Topic], list[Rule]]:
    """Topics and rules from a TOML file of `[[topic]]` tables, each with `[[topic.rule]]`s
    (docs/alerts.md shows one). Rules get ids in file order."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc})") from None
    tables = data.get("topic")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path}: define topics as [[topic]] tables with name and query")
    topics: list[Topic] = []
    rules: list[Rule] = []
    for table in tables:
        if not isinstance(table, dict) or "name" not in table or "query" not in table:
            raise ConfigError(f"{path}: every [[topic]] needs a name and a query")
        filters = make_filters(
            table.get("platforms", ()), table.get("languages", ()), table.get("countries", ())
        )
        topic = check_topic(
            Topic(table["name"], table["query"], table.get("group", "other"), filters=filters)
        )
        topics.append(topic)
        for spec in table.get("rule") or []:
            if not isinstance(spec, dict) or spec.get("kind") not in KINDS:
                raise ConfigError(
                    f"{path}: topic {topic.name!r} has a rule without a valid kind "
                    f"({', '.join(KINDS)})"
                )
            params = {k: v for k, v in spec.items() if k not in _RULE_KEYS}
            rule = make_rule(
                topic.name,
                spec["kind"],
                spec.get("window", "1h"),
                params,
                spec.get("cooldown"),
                spec.get("channels", ()),
                spec.get("digest"),
                spec.get("name", ""),
                id=len(rules) + 1,
            )
            rules.append(rule)
    return topics, rules


def read_posts(path: Path, rejected: Callable[[int, str], None]) -> Iterator[Post]:
    from hubbub.connectors.importers.detect import open_stream

    with open_stream(Path(path)) as stream:
        for line_no, unit in FORMAT.units(stream):
            try:
                for item in FORMAT.parse(unit):
                    post = FORMAT.map(item)
                    if post is not None:
                        post.validate()
                        yield post
            except (HubbubError, ValueError, KeyError, TypeError) as exc:
                rejected(line_no, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def batches(posts: Iterator[Post]) -> Iterator[list[Post]]:
    batch: list[Post] = []
    for post in posts:
        if batch and (
            len(batch) >= BATCH_POSTS
            or (post.created_at - batch[0].created_at).total_seconds() >= BATCH_SECONDS
        ):
            yield batch
            batch = []
        batch.append(post)
    if batch:
        yield batch


def replay(
    path: Path,
    topics: Sequence[Topic],
    rules: Sequence[Rule],
    emit: Callable[[Alert], None],
    *,
    speed: float | None = None,
    enrichers: tuple[str, ...] = (),
    sleep: Callable[[float], None] = time.sleep,
) -> ReplaySummary:
    """Feed `path` through percolation and the alert engine; `speed` None is as fast as
    possible, N is N× real time (a day at 1440 takes a minute)."""
    if not rules:
        raise ConfigError(
            "no alert rules to replay: add some (hubbub alert rule add) or pass --topics"
        )
    if speed is not None and speed <= 0:
        raise ConfigError("--speed must be max or a positive number")
    summary = ReplaySummary()
    bus = MemoryBus(max_pending=1_000_000)  # one batch is in flight at a time here
    groups = {topic_key(t.workspace, t.name): t.group for t in topics}
    engine = AlertEngine(rules, groups, grace=0.0)
    percolate = PercolateStage(bus, None, TopicMatcher(topics))

    def sink(alerts: list[Alert]) -> None:
        for alert in alerts:
            summary.alerts += 1
            emit(alert)

    alerting = AlertStage(bus, engine, sink, clock=None)
    pipeline = None
    if enrichers:
        from hubbub.enrich.registry import build

        pipeline = build(list(enrichers))

    def reject(line_no: int, reason: str) -> None:
        summary.rejected += 1
        summary.first_error = summary.first_error or f"line {line_no}: {reason}"

    previous: float | None = None
    for batch in batches(read_posts(path, reject)):
        table = posts_table(batch)
        if pipeline is not None:
            table = pipeline.enrich_table(table)
        newest = max(p.created_at for p in batch).timestamp()
        if speed is not None and previous is not None and newest > previous:
            sleep((newest - previous) / speed)
        previous = newest if previous is None else max(previous, newest)
        _step(bus, table, percolate, alerting)
        summary.posts += len(batch)
    # The stream is over: let the last buckets close.
    if engine.watermark is not None and rules:
        last = engine.advance(engine.watermark + max(r.window for r in rules))
        sink(last)
    return summary


def _step(bus: MemoryBus, table: pa.Table, percolate: PercolateStage, alerting: AlertStage) -> None:
    bus.publish(SUBJECTS["stored"], table)
    while bus.pending(SUBJECTS["stored"]):
        percolate.step()
    while bus.pending(SUBJECTS["matched"]):
        alerting.step()


def topics_from_home(home: Path, workspace: str) -> tuple[list[Topic], list[Rule]]:
    from hubbub.alerts.store import AlertStore
    from hubbub.topics import TopicStore

    with TopicStore(home) as store:
        topics = store.list(workspace)
    with AlertStore(home) as alerts:
        rules = alerts.rules(workspace)
    return topics, rules


def describe(summary: ReplaySummary) -> dict[str, Any]:
    return {
        "posts": summary.posts,
        "rejected": summary.rejected,
        "alerts": summary.alerts,
        "first_error": summary.first_error,
    }
