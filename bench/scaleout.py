"""Scale-out on NATS JetStream: end-to-end throughput with 1, 2 and 4 enrich workers, redelivery
after a worker is killed, and the bus's own cost per post against the in-process bus.

    python3 bench/scaleout.py [--posts 20000] [--batch 200] [--workers 1,2,4]
                              [--enrichers language,sentiment] [--topics 50]

Each run starts its own `nats-server -js` (from `pip install 'hubbub[nats]'`) in a temporary
directory and, as separate processes, N `hubbub worker --role enrich` and one
`hubbub worker --role write` (storing into a temporary home). This process publishes the raw
posts (mapped, unenriched: what `hubbub serve --bus` publishes) as fast as back-pressure lets it
and percolates the stored posts against `--topics` saved queries, as the alerts stage does.
"Raw in → stored and percolated" is timed from the first publish to the last percolated post.

Figures depend on the machine and its load (printed first): on 2 shared cores, workers beyond
the second compete for the same cores and cannot add throughput.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).parent))
from hubbub.bus.base import SUBJECTS
from hubbub.bus.memory import MemoryBus
from hubbub.bus.nats import NatsBus
from hubbub.bus.nats_server import NatsServer
from hubbub.live.stages import PercolateStage
from hubbub.live.watchlist import TopicMatcher
from hubbub.store.rows import posts_table
from hubbub.topics.models import Topic
from query_lang import saved_queries, synthetic_posts

ACK_WAIT = 3  # seconds: how long a killed worker's batches wait before going to another


def batches(posts: int, size: int) -> list[pa.Table]:
    table = posts_table(synthetic_posts(posts, random.Random(11)))
    return [table.slice(start, size) for start in range(0, posts, size)]


def start_worker(role: str, url: str, home: Path, enrichers: str) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        HUBBUB_HOME=str(home),
        HUBBUB_ENRICHERS=enrichers,
        HUBBUB_BUS_ACK_WAIT=str(ACK_WAIT),
    )
    command = [sys.executable, "-c", "from hubbub.cli.main import run; run()", "worker"]
    return subprocess.Popen(
        [*command, "--role", role, "--bus", url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _cpu_seconds() -> float:
    """CPU time of this process and of the children it has reaped (workers, nats-server)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def consumer_info(bus: NatsBus, subject: str, durable: str) -> Any:
    from hubbub.bus.nats import stream_name

    return bus.call(bus.js.consumer_info(stream_name(subject), durable))


def waiting_pulls(bus: NatsBus, subject: str, durable: str) -> int:
    """Pull requests the workers bound to `durable` have open: they are up and reading."""
    return int(consumer_info(bus, subject, durable).num_waiting)


def kill_mid_stream(
    bus: NatsBus, victim: subprocess.Popen[bytes], after: int, started: float, out: list[float]
) -> None:
    """SIGKILL `victim` once the enrich workers have acked `after` batches: it dies holding
    the batches it fetched and had not finished."""
    while True:
        info = consumer_info(bus, SUBJECTS["raw"], "enrich")
        if info.ack_floor.stream_seq >= after and info.num_ack_pending:
            break
        time.sleep(0.005)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    out.extend([time.perf_counter() - started, info.num_ack_pending])


def run_pipeline(
    tables: list[pa.Table], workers: int, enrichers: str, topics: list[Topic], kill_one: bool
) -> dict[str, Any]:
    """One end-to-end run on a fresh server; returns the figures of the run."""
    total = sum(t.num_rows for t in tables)
    cpu_before = _cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="hubbub-scaleout-") as tmp:
        server = NatsServer(Path(tmp) / "nats").start()
        home = Path(tmp) / "home"
        processes: list[subprocess.Popen[bytes]] = []
        bus = NatsBus(server.url, 64, ACK_WAIT)
        percolate = PercolateStage(bus, None, TopicMatcher(topics))
        matched = bus.consumer(SUBJECTS["matched"], "alerts")
        try:
            for subject in SUBJECTS.values():  # creates the streams and their durables
                bus.pending(subject)
            processes.append(start_worker("write", server.url, home, enrichers))
            for _ in range(workers):
                processes.append(start_worker("enrich", server.url, home, enrichers))
            deadline = time.monotonic() + 120
            while (
                waiting_pulls(bus, SUBJECTS["raw"], "enrich") < workers
                or waiting_pulls(bus, SUBJECTS["enriched"], "write") < 1
            ):
                if time.monotonic() > deadline:
                    raise SystemExit("the workers did not start within 120 s")
                time.sleep(0.2)
            percolate.start()
            matched_posts = [0]
            stop_matching = threading.Event()

            def drain_matched() -> None:  # stands in for the alert engine: counts and acks
                while not stop_matching.is_set():
                    for message in matched.fetch(64, 0.2):
                        matched_posts[0] += len(message.payload[0])
                        matched.ack(message)

            counter = threading.Thread(target=drain_matched, daemon=True)
            counter.start()
            started = time.perf_counter()
            killed_at: list[float] = []
            if kill_one:
                threading.Thread(
                    target=kill_mid_stream,
                    args=(bus, processes[1], len(tables) // 3, started, killed_at),
                    daemon=True,
                ).start()
            for table in tables:
                bus.publish(SUBJECTS["raw"], table)
            published = time.perf_counter() - started
            deadline = time.monotonic() + 600
            while percolate.posts < total:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            elapsed = time.perf_counter() - started
            percolated = percolate.posts
            percolate.stop()
            stop_matching.set()
            counter.join(5)
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(60)
                except subprocess.TimeoutExpired:
                    process.kill()
            from hubbub.store import open_store

            with open_store(home) as store:
                stored = store.count()
            bus.close()
            server.stop()  # reaped here, so its CPU time counts below
            return {
                "cpu": _cpu_seconds() - cpu_before,
                "workers": workers,
                "posts": total,
                "stored": stored,
                "percolated": percolated,
                "matched": matched_posts[0],
                "seconds": elapsed,
                "publish_seconds": published,
                "killed_at": killed_at[0] if killed_at else None,
                "in_flight_at_kill": killed_at[1] if killed_at else None,
                "publish_waits": bus.waits,
            }
        finally:
            bus.close()
            for process in processes:
                if process.poll() is None:
                    process.kill()
            server.stop()


def bus_overhead(tables: list[pa.Table], rounds: int = 3) -> dict[str, float]:
    """Microseconds per post to publish a batch, fetch it and ack it, one stage, no work."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="hubbub-bus-") as tmp:
        server = NatsServer(Path(tmp) / "nats").start()
        try:
            for name in ("memory", "nats"):
                best = float("inf")
                for round_ in range(rounds):
                    bus: Any = MemoryBus(64) if name == "memory" else NatsBus(server.url, 64)
                    subject = f"bench.overhead{round_}"
                    consumer = bus.consumer(subject, "stage")
                    posts = 0
                    started = time.perf_counter()
                    for table in tables:
                        bus.publish(subject, table)
                        for message in consumer.fetch(1, 5.0):
                            posts += message.payload.num_rows
                            consumer.ack(message)
                    best = min(best, (time.perf_counter() - started) / posts * 1e6)
                    bus.close()
                out[name] = best
        finally:
            server.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--enrichers", default="language,sentiment")
    parser.add_argument("--topics", type=int, default=50)
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    tables = batches(args.posts, args.batch)
    queries = saved_queries(args.topics, random.Random(3))
    topics = [Topic(name=f"t{key}", query=text) for key, text in queries.items()]
    print(
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC; {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}; {args.posts} posts in batches of {args.batch}; "
        f"enrichers {args.enrichers}; {len(topics)} topics; 1 nats-server, 1 write worker"
    )
    overhead = bus_overhead(tables)
    print(
        f"bus overhead per post (publish + fetch + ack, batches of {args.batch}): "
        f"memory {overhead['memory']:.2f} µs, NATS {overhead['nats']:.2f} µs "
        f"(+{overhead['nats'] - overhead['memory']:.2f} µs)"
    )
    print(
        "enrich workers | raw in → stored and percolated | posts/s | stored | percolated | "
        "waits | CPU used, worker start-up included (cores on average)"
    )
    base = None
    for workers in counts:
        run = run_pipeline(tables, workers, args.enrichers, topics, kill_one=False)
        rate = run["posts"] / run["seconds"]
        base = base or rate
        print(
            f"{workers:>14} | {run['seconds']:>27.2f} s | {rate:>7.0f} | {run['stored']:>6} | "
            f"{run['percolated']:>10} | {run['publish_waits']:>5} | {run['cpu']:.1f} s "
            f"({run['cpu'] / run['seconds']:.2f})   (×{rate / base:.2f} posts/s)"
        )
    workers = 2  # one killed, one left to take its batches over
    run = run_pipeline(tables, workers, args.enrichers, topics, kill_one=True)
    lost = run["posts"] - run["stored"]
    print(
        f"redelivery: {workers} enrich workers, one SIGKILLed {run['killed_at']:.2f} s in "
        f"(ack_wait {ACK_WAIT} s): {run['stored']}/{run['posts']} stored, {lost} lost, "
        f"{run['percolated']} percolated, {run['seconds']:.2f} s end to end; "
        f"{run['in_flight_at_kill']} batch(es) fetched and unacked by the two workers at the "
        "kill"
    )


if __name__ == "__main__":
    main()
