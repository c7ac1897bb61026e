"""Alert detectors: recall, precision and delay on planted events; CrisisLexT26 onsets; and the
arrival → webhook-delivered latency of the live pipeline at 1,000 posts/s.

    python bench/alerts.py [--part planted,crisislex,latency] [--seed 7]
        [--data /work/shared/data/crisislex/CrisisLexT26] [--rate 1000] [--seconds 30]
        [--repeats 3] [--weeks 6]

Prints figures; passes or fails nothing.

planted: hourly streams of negative-binomial counts (φ = 0.05) at 5, 20 and 100 posts/hour,
flat or seasonal (a daily cycle of ±60 % and weekends at 60 %), six weeks each, with events
planted after a two-week warm-up: instantaneous (a jump to +magnitude × the usual rate that
decays with a 2-hour time constant) and progressive (a 4-hour linear ramp to the same peak,
then the same decay), magnitude 3× the usual rate at the onset for the 20 and 100/h streams and
4× for 5/h, and at least 15 extra posts/hour at the peak (below `min_volume`, the default
floor of 10 posts, no event is meant to be found). Noise-only
streams of the same kinds give the false alerts per topic-week. An alert counts as a detection
when its window starts between the onset and 2 buckets after the event's end; every other alert
is false. Delay is fired_at − onset, in buckets (1 h), fired_at being simulated time.

crisislex: each 2012 event's tweets (their ids' timestamps only; nothing is copied) replayed as
an hourly stream; onset is the description's start_day. The collections start on that day, so
the baseline is the hours of background chatter before the event broke (`min_history` 12).

latency: a temporary home, the embedded store, the live pipeline started as `hubbub serve`
starts it, posts imported through the connectors' Importer path (map, enrich with the default
enrichers, store) at --rate posts/s; 1 % of them by a 1M-follower author, so a KOL rule fires
an alert per such post, delivered to a local webhook receiver. Latency = received − imported.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from hubbub.alerts.engine import AlertEngine, topic_key
from hubbub.alerts.rules import Rule, make_rule

HOUR = 3600
MOODS = ("love", "hate", "meh")
WEEK_HOURS = 168
DEFAULT_CRISISLEX = Path("/work/shared/data/crisislex/CrisisLexT26")
MIN_PEAK = 15.0  # extra posts/hour at an event's peak: fewer is no event anyone acts on
START = datetime(2026, 1, 5, tzinfo=UTC).timestamp()  # a Monday, 00:00 UTC


# ---- planted events -------------------------------------------------------------------------


@dataclass
class Event:
    onset: int  # hour index
    shape: str
    peak: float  # extra posts/hour at the peak

    def extra(self, hour: int) -> float:
        t = hour - self.onset
        if t < 0:
            return 0.0
        ramp = 4 if self.shape == "progressive" else 0
        if t < ramp:
            return self.peak * (t + 1) / (ramp + 1)
        return self.peak * math.exp(-(t - ramp) / 2.0)

    @property
    def end(self) -> int:
        ramp = 4 if self.shape == "progressive" else 0
        return self.onset + ramp + 5  # by then the extra is under 10 % of the peak


def rate(base: float, hour: int, seasonal: bool) -> float:
    if not seasonal:
        return base
    hour_of_day, day = hour % 24, (hour // 24) % 7
    daily = 1 + 0.6 * math.sin(2 * math.pi * (hour_of_day - 9) / 24)
    return base * daily * (0.6 if day >= 5 else 1.0)


def nb_sample(rng: random.Random, mean: float, phi: float = 0.05) -> int:
    if mean <= 0:
        return 0
    lam = rng.gammavariate(1 / phi, phi * mean)
    # Poisson by inversion for small means, normal approximation for large ones
    if lam > 200:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold, k, p = math.exp(-lam), 0, rng.random()
    while p > threshold:
        k += 1
        p *= rng.random()
    return k


def make_stream(
    rng: random.Random, base: float, seasonal: bool, shape: str | None, weeks: int = 6
) -> tuple[list[int], list[Event]]:
    hours = weeks * WEEK_HOURS
    events: list[Event] = []
    if shape is not None:
        magnitude = 4.0 if base < 10 else 3.0
        onset = 2 * WEEK_HOURS + rng.randrange(24, 72)
        while onset < hours - 48:
            peak = max(magnitude * rate(base, onset, seasonal), MIN_PEAK)
            events.append(Event(onset, shape, peak))
            onset += rng.randrange(72, 150)
    counts = [
        nb_sample(rng, rate(base, h, seasonal) + sum(e.extra(h) for e in events))
        for h in range(hours)
    ]
    return counts, events


def run_counts(
    counts: list[int], rule: Rule, rng: random.Random, start: float = START
) -> list[Any]:
    """Feed a stream of hourly counts as posts spread uniformly in each hour."""
    stamps = [
        start + hour * HOUR + rng.random() * HOUR
        for hour, count in enumerate(counts)
        for _ in range(count)
    ]
    return run_stamps(sorted(stamps), rule, start, len(counts))


def run_stamps(stamps: list[float], rule: Rule, start: float, hours: int) -> list[Any]:
    """Feed posts at these times (sorted) to the engine in 5-minute batches, the clock
    following; return the alerts."""
    engine = AlertEngine([rule], grace=0.0)
    key = [topic_key(rule.workspace, rule.topic)]
    alerts = []
    engine.begin(start)
    position = 0
    for slot in range(hours * 12):
        edge = start + (slot + 1) * 300
        rows = []
        while position < len(stamps) and stamps[position] < edge:
            stamp = stamps[position]
            position += 1
            rows.append({"created_at": stamp, "platform": "x", "platform_id": f"{position}"})
        if rows:
            alerts += engine.observe(rows, [key] * len(rows), edge)
        engine.saw(edge)
        alerts += engine.advance(edge)
    return alerts


def planted(seed: int, repeats: int = 3, weeks: int = 6) -> None:
    rng = random.Random(seed)
    rule = make_rule("T", "volume_spike", "1h", id=1)
    print(f"planted events, volume_spike defaults {rule.params}, cooldown {rule.cooldown_seconds}s")
    rows = []
    all_found = all_total = 0
    all_delays: list[float] = []  # every planted event, both shapes: the median
    for seasonal in (False, True):
        for shape in ("instantaneous", "progressive", None):
            found = total = alerts_n = true_alerts = 0
            delays: list[float] = []
            topic_weeks = 0.0
            for base in (5.0, 20.0, 100.0):
                for _ in range(repeats):
                    counts, events = make_stream(rng, base, seasonal, shape, weeks)
                    alerts = run_counts(counts, rule, rng)
                    topic_weeks += len(counts) / WEEK_HOURS
                    alerts_n += len(alerts)
                    for event in events:
                        total += 1
                        hits = [
                            a
                            for a in alerts
                            if event.onset <= _hour(a.window_start) <= event.end + 2
                        ]
                        if hits:
                            found += 1
                            first = min(a.fired_at.timestamp() for a in hits)
                            delays.append((first - (START + event.onset * HOUR)) / HOUR)
                    true_alerts += sum(
                        any(e.onset <= _hour(a.window_start) <= e.end + 2 for e in events)
                        for a in alerts
                    )
            false = alerts_n - true_alerts
            all_found, all_total = all_found + found, all_total + total
            all_delays += delays
            rows.append(
                (
                    "seasonal" if seasonal else "flat",
                    shape or "noise only",
                    f"{found}/{total}" if total else "-",
                    f"{found / total:.3f}" if total else "-",
                    f"{true_alerts / alerts_n:.3f}" if alerts_n and total else "-",
                    f"{false / topic_weeks:.2f}",
                    f"{statistics.median(delays):.2f}" if delays else "-",
                )
            )
    header = (
        "stream",
        "events",
        "found",
        "recall",
        "precision",
        "false/topic-week",
        "median delay (buckets)",
    )
    _table(header, rows)
    print(
        f"  all planted events: {all_found}/{all_total} found "
        f"(recall {all_found / all_total:.3f}), median delay "
        f"{statistics.median(all_delays):.2f} buckets, 90th percentile "
        f"{statistics.quantiles(all_delays, n=10)[-1]:.2f}"
    )


def _hour(moment: datetime) -> int:
    return int((moment.timestamp() - START) // HOUR)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    for row in (header, *rows):
        print("  " + "  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


# ---- CrisisLexT26 ---------------------------------------------------------------------------


def crisislex(folder: Path) -> None:
    if not folder.is_dir():
        print(f"crisislex: {folder} not found; skipped (pass --data)")
        return
    rule = make_rule("T", "volume_spike", "1h", {"min_history": 12}, id=1)
    print("CrisisLexT26 2012 events, volume_spike (min_history 12), onset = description start_day")
    rows = []
    delays = []
    for event_dir in sorted(folder.glob("2012_*")):
        description = json.loads(next(event_dir.glob("*event_description.json")).read_text())
        onset = datetime.fromisoformat(description["time"]["start_day"]).replace(tzinfo=UTC)
        with next(event_dir.glob("*tweetids_entire_period.csv")).open(newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            stamps = sorted(
                datetime.strptime(r[0].strip().strip('"'), "%a %b %d %H:%M:%S %z %Y").timestamp()
                for r in reader
                if r
            )
        start = stamps[0] // HOUR * HOUR
        hours = int((stamps[-1] - start) // HOUR) + 1
        counts = [0] * hours
        for stamp in stamps:
            counts[int((stamp - start) // HOUR)] += 1
        alerts = run_stamps(stamps, rule, start, hours)
        first = min((a for a in alerts), key=lambda a: a.fired_at, default=None)
        peak_hour = max(range(hours), key=counts.__getitem__)
        peak = datetime.fromtimestamp(start + peak_hour * HOUR, UTC)
        if first is not None:
            delay = (first.fired_at - onset).total_seconds() / HOUR
            delays.append(delay)
        rows.append(
            (
                event_dir.name,
                description["time"]["development"],
                onset.strftime("%Y-%m-%d"),
                f"{len(stamps)}",
                first.fired_at.strftime("%m-%d %H:%M") if first else "none",
                f"{(first.fired_at - onset).total_seconds() / HOUR:.1f}" if first else "-",
                peak.strftime("%m-%d %H:00"),
                f"{(first.fired_at - peak).total_seconds() / HOUR:+.1f}" if first else "-",
                str(len(alerts)),
            )
        )
    header = (
        "event",
        "development",
        "onset",
        "tweets",
        "first alert",
        "h after onset",
        "peak hour",
        "h vs peak",
        "alerts",
    )
    _table(header, rows)
    print(f"  detected {len(delays)}/{len(rows)} events")


# ---- latency --------------------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[dict[str, float]] = {}
    secret = "bench-secret"

    def do_POST(self) -> None:
        from hubbub.alerts.channels.webhook import verify

        body = self.rfile.read(int(self.headers["Content-Length"]))
        now = time.perf_counter()
        ok = verify(
            self.secret,
            self.headers["X-Hubbub-Timestamp"],
            body,
            self.headers["X-Hubbub-Signature"],
        )
        for alert in json.loads(body)["alerts"]:
            for post in alert["drivers"]["top_posts"]:
                if ok:
                    self.received.setdefault(post["platform_id"], now)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def latency(rate_per_second: int, seconds: int) -> None:
    from hubbub.alerts.channels.base import ChannelSettings
    from hubbub.alerts.store import AlertStore
    from hubbub.api.deps import AppState
    from hubbub.connectors.importers.hubbub_ndjson import FORMAT
    from hubbub.connectors.importers.pipeline import Importer
    from hubbub.enrich.registry import DEFAULT
    from hubbub.live.pipeline import LivePipeline, LiveSettings
    from hubbub.live.store_access import StoreOnThread
    from hubbub.topics import Topic, TopicStore

    # The receiver listens on 127.0.0.1: allow it past the outbound guard (docs/security.md).
    os.environ.setdefault("HUBBUB_ALLOW_PRIVATE_URLS", "1")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    enrichers = tuple(DEFAULT) if not isinstance(DEFAULT, str) else tuple(DEFAULT.split(","))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        with TopicStore(home) as topics:
            for i in range(10):
                topics.add("default", Topic(f"Brand{i}", f"brand{i} OR #brand{i}"), by="bench")
        with AlertStore(home) as alerts:
            alerts.add_rule(
                make_rule(
                    "Brand0",
                    "kol_mention",
                    "1m",
                    {"min_followers": 1_000_000},
                    0,
                    [f"webhook:{url}"],
                ),
                by="bench",
            )
            alerts.add_rule(make_rule("Brand1", "volume_spike", "1m"), by="bench")
        state = AppState(home)
        state.open()
        settings = LiveSettings(grace=1.0, enrichers=enrichers)
        channels = ChannelSettings(webhook_secret=_Receiver.secret)
        pipeline = LivePipeline(
            home, StoreOnThread(state.get_store, state.executor), settings, channels, sources=False
        )
        pipeline.start()
        sent: dict[str, float] = {}
        rng = random.Random(3)
        importer = Importer(pipeline.store, home, archive=True, enrichers=enrichers)
        per_second = 5  # imports a second: a live source's page every 200 ms
        batch = max(1, rate_per_second // per_second)
        started = time.perf_counter()
        number = 0
        behind = 0.0
        for tick in range(seconds * per_second):
            items = []
            for _ in range(batch):
                number += 1
                kol = number % 100 == 0
                topic = 0 if kol else rng.randrange(10)
                items.append(
                    {
                        "platform": "x",
                        "platform_id": f"p{number}",
                        "created_at": datetime.now(UTC).isoformat(),
                        "text": f"talking about brand{topic} today, {rng.choice(MOODS)} it",
                        "author": {
                            "handle": f"kol{number}" if kol else f"user{number % 5000}",
                            "followers": 2_000_000 if kol else 100,
                        },
                    }
                )
            arrival = time.perf_counter()
            importer.import_items("hubbub", items, FORMAT.map, "bench")
            for item in items:
                if item["author"]["followers"] >= 1_000_000:
                    sent[item["platform_id"]] = arrival
            pause = started + (tick + 1) / per_second - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            else:
                behind = -pause
        elapsed = time.perf_counter() - started
        importer.close()
        deadline = time.monotonic() + 30  # let the last alerts through, as a user would wait
        while time.monotonic() < deadline and len(set(sent) & set(_Receiver.received)) < len(sent):
            time.sleep(0.1)
        pipeline.stop()
        state.close()
    server.shutdown()
    waits = sorted(_Receiver.received[k] - v for k, v in sent.items() if k in _Receiver.received)
    load = os.getloadavg()[0]
    print(
        f"latency (load average {load:.1f}, {os.cpu_count()} cores): {number:,} posts in "
        f"{elapsed:.1f} s ({number / elapsed:,.0f} posts/s achieved, "
        f"target {rate_per_second}/s; last import {behind:.2f} s behind schedule)"
    )
    if waits:
        p50 = waits[len(waits) // 2]
        p95 = waits[min(len(waits) - 1, int(len(waits) * 0.95))]
        print(
            f"  arrival → webhook delivered: {len(waits)}/{len(sent)} KOL alerts received; "
            f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms"
        )
    else:
        print("  no alert reached the webhook")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="planted,crisislex,latency")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, default=DEFAULT_CRISISLEX)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3, help="streams per kind and rate")
    parser.add_argument("--weeks", type=int, default=6, help="length of each stream (3 or more)")
    args = parser.parse_args()
    parts = args.part.split(",")
    if "planted" in parts:
        planted(args.seed, args.repeats, args.weeks)
    if "crisislex" in parts:
        crisislex(args.data)
    if "latency" in parts:
        latency(args.rate, args.seconds)


if __name__ == "__main__":
    main()
