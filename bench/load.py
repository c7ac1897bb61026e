"""Load: dashboard API calls from concurrent clients while the live pipeline ingests posts.

    python bench/load.py                          # 1M posts, 50 clients, 1,000 posts/s, 60 s
    python bench/load.py --think 0                # no pause between dashboards: saturation
    python bench/load.py --clients 0              # ingestion alone, for comparison
    python bench/load.py --posts 2000 --clients 4 --rate 50 --seconds 5 --json   # the smoke test

The workspace is built once with `hubbub demo --posts N --no-serve` under --data (default
/tmp/hubbub-bench-load/home-N) and copied for each run (to run-home-N, replaced by the next
run), so every run starts from the same posts; the store's size is printed. The copy gets one
live source, `type = "x"`, pointed at bench/live_fixture.py, a local stand-in for X's
recent-search API publishing --rate tweets per second. So ingestion takes the path a
deployment's does: the scheduler polls the source every second, and each page goes through the
connector, mapping, the `enrichers` setting, the raw archive and the store, cursor last.
`hubbub serve` runs on 127.0.0.1 (a free port), and everything stops by itself after --seconds.

Each client is one analyst with a dashboard open: it picks a view (a topic, most often the
brand's, as several users of one team watch the same topic; a time window; sometimes a
platform or language filter), requests that view's panels the way the web dashboard does
(web/panels.py: volume by platform, sentiment, share of voice against the brand and competitor
topics, top hashtags, terms, emerging terms, authors, countries, languages, and the first page
of posts), six at a time like a browser, waits --think seconds on average, and picks again.

Ingest lag is read from the source's cursor file (`<home>/connectors/loadfeed.json`, every
0.1 s), not through the API, so measuring adds no load: `run_once` commits the cursor past a
tweet only once the tweet is stored, so a tweet's lag is from its publication to the first
commit that covers it (an upper bound on "stored": X pages newest first, so a run commits
after its last page). When collection falls behind, a walk may not end before the deadline and
stored tweets are not yet covered; so after the clients are done the bench also asks
`GET /v1/stats` how many of the tweets the store holds. A dashboard call slower than 60 s
counts as an error (a timeout) and as 60 s in the quantiles; it also bounds how long calls in
flight at the end are waited for.

Prints requests, req/s, p50/p90/p99 latency per call and overall, errors by status (target 0),
posts published and stored, ingest lag p50/p99, and the machine's load with the server's CPU
time, and the share of analytics answers served from the server's cache (`api_cache_seconds`,
docs/api.md; views repeat, as dashboards of one team do; `--no-cache` sends Cache-Control:
no-cache so every request is computed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).parent))
from live_fixture import FIRST_ID

SOURCE = "loadfeed"
BROWSER_CONNECTIONS = 6  # a browser's parallel requests to one host
POLL = 0.1  # seconds between two reads of the source's cursor
# A dashboard call slower than this counts as an error (a browser user has given up by then);
# it also bounds how long the run waits for calls in flight at its end.
REQUEST_TIMEOUT = 60.0
PROBE_EVERY = 1.0
RIVAL_GROUPS = ("brand", "competitor")  # web/panels.py: share of voice rivals
SAME_TOPIC = 0.5  # share of dashboard views on the workspace's first brand topic


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    first_error: str | None = None
    dashboards: int = 0
    lags: list[float] = field(default_factory=list)  # one per tweet stored by the end
    per_call_errors: Counter[str] = field(default_factory=Counter)
    timeouts: int = 0  # errors that are also in `latencies` (at the timeout)
    store_posts: int = 0  # in the store when the clients start
    cache: Counter[str] = field(default_factory=Counter)  # X-Hubbub-Cache of analytics answers
    # (started, seconds, call, cache state) of every answer, written out with --trace.
    trace: list[tuple[float, float, str, str]] = field(default_factory=list)


# --- the workspace ---------------------------------------------------------------------------


def build(data: Path, posts: int) -> Path:
    """The demo workspace of `posts` posts under `data`, built once (bench/web.py's layout)."""
    home = data / f"home-{posts}"
    done = data / f"built.{posts}"
    if done.exists():
        print(f"workspace: {posts:,} demo posts reused from {home}", file=sys.stderr)
        return home
    data.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(home, ignore_errors=True)
    started = time.perf_counter()
    print(f"workspace: building {posts:,} demo posts in {home} ...", file=sys.stderr)
    subprocess.run(
        [*hubbub_cli(), "demo", "--posts", str(posts), "--no-serve", "--home", str(home)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    done.touch()
    print(f"workspace: built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return home


def hubbub_cli() -> list[str]:
    return [sys.executable, "-c", "from hubbub.cli.main import run; run()"]


def prepare_run(built: Path, data: Path, fixture_url: str, enrich: bool) -> Path:
    """A fresh copy of the built workspace (every run starts from the same posts) whose one
    live source is this run's fixture."""
    home = data / f"run-{built.name}"
    shutil.rmtree(home, ignore_errors=True)
    # symlinks=True: chdb's tables are relative symlinks into the store's own directory.
    skip = shutil.ignore_patterns("server.json", "store.lock")
    shutil.copytree(built, home, symlinks=True, ignore=skip)
    config = home / "hubbub.toml"
    text = config.read_text("utf-8") if config.exists() else ""
    if not enrich:
        text = 'enrichers = ""\n' + text  # a top-level key must come before any table
    text += (
        f'\n[sources.{SOURCE}]\ntype = "x"\nquery = "load"\nbase_url = "{fixture_url}"\n'
        f'\n[sources.{SOURCE}.options]\ninterval = "1s"\nmin_interval = "0"\nmax_pages = "100"\n'
    )
    config.write_text(text, "utf-8")
    return home


def viewer_token(home: Path) -> str:
    made = subprocess.run(
        [
            *hubbub_cli(),
            "token",
            "create",
            "--role",
            "viewer",
            "--name",
            "load bench",
            "--json",
            "--home",
            str(home),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return str(orjson.loads(made.stdout)["token"])


# --- processes -------------------------------------------------------------------------------


def start_fixture(rate: float) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    process = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("live_fixture.py")),
            "--rate",
            str(rate),
            "--hold",
            # New ids every run (the runs share one home): a million a second of start time.
            "--first-id",
            str(FIRST_ID + int(time.time()) * 1_000_000),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    line = process.stdout.readline() if process.stdout else b""
    if not line:
        process.kill()
        raise SystemExit("the fixture server did not start: run bench/live_fixture.py to see why")
    return process, orjson.loads(line)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    home: Path, log: Path, watch_stalls: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "HUBBUB_X_BEARER_TOKEN": "fixture",  # the fixture ignores it; the connector needs one
        "HUBBUB_ALLOW_PRIVATE_URLS": "1",  # the fixture listens on 127.0.0.1 (outbound guard)
    }
    if watch_stalls is not None:  # bench/stall_watch: GC passes and stalls of the server
        here = str(Path(__file__).parent / "stall_watch")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
        env["HUBBUB_STALL_LOG"] = str(watch_stalls)
    with open(log, "wb") as err:
        process = subprocess.Popen(
            [
                *hubbub_cli(),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--home",
                str(home),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"hubbub serve exited: {log.read_text()[-800:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise SystemExit("hubbub serve did not answer within 5 minutes")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM; SIGKILL if the calls still queued on the store keep it busy a minute later
    (safe: bench/crash.py --live shows a killed server loses nothing)."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu(pid: int) -> dict[int, float]:
    """CPU seconds of each live descendant of `pid` (the enrichment workers, the forkserver)."""
    found: dict[int, float] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            for child in map(int, task.read_text().split()):
                try:
                    found[child] = cpu_seconds(child)
                except OSError:  # it ended meanwhile
                    continue
                todo.append(child)
    return found


# --- the clients -----------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    topic: str
    filters: tuple[tuple[str, str], ...]


class Workload:
    """What dashboards a team opens: topics, windows and filters, drawn from a seeded RNG."""

    def __init__(
        self, topics: list[dict[str, Any]], rng: random.Random, no_cache: bool = False
    ) -> None:
        from hubbub.demo import DEFAULT_DAYS, DEFAULT_START

        self.no_cache = no_cache
        self.topics = [t["name"] for t in topics]
        brands = [t["name"] for t in topics if t.get("group") == "brand"]
        self.main = brands[0] if brands else self.topics[0]
        self.rivals = {t["name"] for t in topics if t.get("group") in RIVAL_GROUPS}
        self.start, self.days = DEFAULT_START, DEFAULT_DAYS
        self.rng = rng

    def view(self) -> View:
        rng = self.rng
        topic = self.main if rng.random() < SAME_TOPIC else rng.choice(self.topics)
        filters: list[tuple[str, str]] = []
        window = rng.random()
        if window < 0.3:
            pass  # all time: includes the posts arriving now
        else:  # a window inside the demo's days, of 1 to 30 days
            length = rng.choice((1, 3, 7, 14, 30))
            first = rng.randint(0, max(0, self.days - length))
            since = self.start + timedelta(days=first)
            filters += [("since", since.date().isoformat())]
            filters += [("until", (since + timedelta(days=length)).date().isoformat())]
        extra = rng.random()
        if extra < 0.15:
            filters.append(("platform", rng.choice(("weibo", "x", "reddit", "youtube"))))
        elif extra < 0.25:
            filters.append(("lang", rng.choice(("en", "zh", "ja"))))
        return View(topic, tuple(filters))

    def calls(self, view: View) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """(call name, path, params) of one dashboard load, as web/panels.py asks for them."""
        base = [("topic", view.topic), *view.filters]
        rivals = [("topic", r) for r in sorted(self.rivals - {view.topic})]
        emerging = [*base]
        if not any(k == "since" for k, _ in view.filters):
            # The panel compares the window's last 7 days with the weeks before; without a
            # window that is the data's last week (the live posts make "now" the end).
            emerging.append(("since", (self.start + timedelta(days=self.days - 7)).isoformat()))
        return [
            (
                "volume",
                "/v1/analytics/volume",
                [*base, ("interval", "auto"), ("split_by", "platform")],
            ),
            ("sentiment", "/v1/analytics/sentiment", [*base, ("interval", "auto")]),
            ("sov", "/v1/analytics/sov", [*base, *rivals]),
            ("hashtags", "/v1/analytics/top", [*base, ("kind", "hashtags"), ("limit", "15")]),
            ("terms", "/v1/analytics/top", [*base, ("kind", "terms"), ("limit", "80")]),
            ("emerging", "/v1/analytics/emerging", [*emerging, ("limit", "15")]),
            ("authors", "/v1/analytics/authors", [*base, ("sort", "influence"), ("limit", "15")]),
            ("countries", "/v1/analytics/breakdown", [*base, ("by", "country")]),
            ("languages", "/v1/analytics/breakdown", [*base, ("by", "lang")]),
            ("posts", "/v1/posts", [*base, ("order", "newest"), ("limit", "20")]),
        ]


async def timed_get(
    http: httpx.AsyncClient,
    name: str,
    path: str,
    params: list[tuple[str, str]],
    out: Results,
    slots: asyncio.Semaphore,
) -> None:
    async with slots:
        started = time.perf_counter()
        failure: httpx.HTTPError | None = None
        try:
            response = await http.get(path, params=params)
            status = str(response.status_code)
        except httpx.HTTPError as exc:
            status, response, failure = type(exc).__name__, None, exc
        seconds = time.perf_counter() - started
    if response is not None and response.status_code < 400:
        out.latencies[name].append(seconds)
        state = response.headers.get("x-hubbub-cache", "-")
        if state != "-":
            out.cache[state] += 1
        out.trace.append((started, seconds, name, state))
        return
    if isinstance(failure, httpx.TimeoutException):  # as slow as we let it be
        out.latencies[name].append(seconds)
        out.timeouts += 1
    out.errors[status] += 1
    out.per_call_errors[name] += 1
    if out.first_error is None:
        body = response.text[:300] if response is not None else ""
        out.first_error = f"{name} {path} {params}: {status} {body}"


async def client(
    url: str, token: str, work: Workload, think: float, deadline: float, out: Results
) -> None:
    limits = httpx.Limits(max_connections=BROWSER_CONNECTIONS)
    # A call's clock starts when it has a connection, as a server-side latency would.
    slots = asyncio.Semaphore(BROWSER_CONNECTIONS)
    headers = {"Authorization": f"Bearer {token}"}
    if work.no_cache:
        headers["Cache-Control"] = "no-cache"
    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=REQUEST_TIMEOUT
    ) as http:
        # Dashboards open at different moments, not all in the first millisecond.
        await asyncio.sleep(work.rng.uniform(0, max(think, 1.0)))
        while time.monotonic() < deadline:
            calls = work.calls(work.view())
            await asyncio.gather(*(timed_get(http, *call, out, slots) for call in calls))
            out.dashboards += 1
            pause = work.rng.uniform(0, 2 * think)
            await asyncio.sleep(min(pause, max(0.0, deadline - time.monotonic())))


async def watch_cursor(home: Path, feed: dict[str, Any], deadline: float, out: Results) -> int:
    """Every POLL seconds, which tweets the source's committed cursor covers; each newly
    covered tweet's lag is now minus its publication time. Returns the tweets covered."""
    path = home / "connectors" / f"{SOURCE}.json"
    covered = 0  # tweets 0 .. covered-1 are stored
    while time.monotonic() < deadline:
        try:
            since_id = (orjson.loads(path.read_bytes()).get("cursor") or {}).get("since_id")
        except (OSError, orjson.JSONDecodeError):
            since_id = None  # not written yet, or being replaced
        if since_id:
            newest = int(since_id) - feed["first_id"] + 1
            now = time.time()
            out.lags += [now - (feed["t0"] + n / feed["rate"]) for n in range(covered, newest)]
            covered = max(covered, newest)
        await asyncio.sleep(POLL)
    return covered


async def drive(
    url: str, token: str, home: Path, args: argparse.Namespace, feed: dict[str, Any], out: Results
) -> dict[str, int]:
    """Run the clients and the cursor watch for `args.seconds`; returns what the fixture
    published and the source stored of it by the deadline."""
    headers = {"Authorization": f"Bearer {token}"}
    # The bench's own requests (topics, counts, the fixture) wait as long as they must.
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=600) as http:
        topics = (await http.get("/v1/topics")).json()["topics"]
        if not topics:
            raise SystemExit("the workspace has no topics: build it with `hubbub demo`")
        out.store_posts = int((await http.get("/v1/stats")).json()["total"])
        fixture = f"http://127.0.0.1:{feed['port']}"
        # Tweet 0 is published now, as the clients start.
        feed["t0"] = (await http.post(f"{fixture}/_fixture/start")).json()["t0"]
        deadline = time.monotonic() + args.seconds
        watch = asyncio.create_task(watch_cursor(home, feed, deadline, out))
        clients = [
            client(
                url,
                token,
                Workload(topics, random.Random(args.seed * 1000 + n), args.no_cache),
                args.think,
                deadline,
                out,
            )
            for n in range(args.clients)
        ]
        running = asyncio.gather(*clients)
        committed = await watch
        published = (await http.post(f"{fixture}/_fixture/freeze")).json()["published"]
        await running  # dashboards being loaded at the deadline finish (or time out)
        # What the store holds of them, asked once the clients are done (behind whatever is
        # still queued on the store thread, so it may come later than the deadline).
        since = datetime.fromtimestamp(feed["t0"] - 1, UTC).isoformat()
        try:
            answer = await http.get(
                "/v1/stats", params={"platform": "x", "since": since}, timeout=REQUEST_TIMEOUT * 2
            )
            in_store = int(answer.json()["total"]) if answer.status_code == 200 else -1
        except httpx.HTTPError:
            in_store = -1  # not answered in time
    return {"published": int(published), "stored": committed, "in_store": in_store}


# --- figures ---------------------------------------------------------------------------------


def quantiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (float("nan"),) * 3  # type: ignore[return-value]
    if len(values) == 1:
        return (values[0],) * 3  # type: ignore[return-value]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[89], cuts[98]


def report(figures: dict[str, Any]) -> None:
    print(
        f"load: {figures['clients']} clients (think {figures['think']:g} s), "
        f"{figures['seconds']:g} s, {figures['store_posts']:,} posts in the store "
        f"({figures['posts']:,} demo), ingest at "
        f"{figures['rate']:g} posts/s through a live `x` source ({figures['enrich']})"
    )
    print(
        f"requests {figures['requests']:,} in {figures['dashboards']:,} dashboard loads: "
        f"{figures['throughput']:.1f} req/s; errors {figures['errors_total']}"
        + (f" {figures['errors']}" if figures["errors"] else "")
    )
    head = f"  {'call':<11} {'n':>6} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'> 1 s':>6}"
    print(head + f" {'errors':>6}")
    for name, row in figures["calls"].items():
        print(
            f"  {name:<11} {row['n']:>6} {row['p50'] * 1000:>8.0f} {row['p90'] * 1000:>8.0f} "
            f"{row['p99'] * 1000:>8.0f} {row['over_1s']:>6} {row['errors']:>6}"
        )
    print(
        f"(a call that timed out after {REQUEST_TIMEOUT:.0f} s counts as {REQUEST_TIMEOUT:.0f} s "
        f"and as an error) p99 is dominated by: {figures['p99_worst']}; "
        "target: 0 errors, p99 <= 1 s"
    )
    lag = figures["lag"]
    in_store = figures["in_store"]
    print(
        f"ingest: published {figures['published']:,}; stored with the cursor committed past "
        f"them by the end {figures['stored']:,} ({figures['stored_per_s']:.0f} posts/s), lag "
        f"from publication p50 {lag['p50']:.2f} s, p99 {lag['p99']:.2f} s over those (p50 "
        f"{lag['first_third_p50']:.2f} s in the first third, {lag['last_third_p50']:.2f} s in "
        "the last); in the "
        "store when asked after the clients: "
        + (f"{in_store:,}" if in_store >= 0 else "no answer within 120 s")
    )
    print(
        f"machine: load {figures['load_before']} before, {figures['load_after']} after "
        f"({os.cpu_count()} cores); server CPU {figures['server_cpu']:.0f} s "
        f"({figures['server_cpu'] / figures['seconds']:.2f} cores), its worker processes "
        f"{figures['workers_cpu']:.0f} s ({figures['workers_cpu'] / figures['seconds']:.2f} "
        "cores), bench CPU "
        f"{figures['bench_cpu']:.1f} s"
    )
    answered = figures["cache_hits"] + figures["cache_shared"] + figures["cache_misses"]
    share = figures["cache_hits"] / answered if answered else 0.0
    shared = figures["cache_shared"] / answered if answered else 0.0
    print(
        f"answers from the server's cache: {figures['cache_hits']:,} of {answered:,} "
        f"({share:.0%}); shared with an identical request in flight: "
        f"{figures['cache_shared']:,} ({shared:.0%})"
        + (" (--no-cache: every request computed)" if figures["no_cache"] else "")
    )
    if figures["first_error"]:
        print(f"first error: {figures['first_error']}")


def run(args: argparse.Namespace) -> dict[str, Any]:
    built = build(args.data, args.posts)
    fixture, feed = start_fixture(args.rate)
    server = None
    try:
        home = prepare_run(built, args.data, f"http://127.0.0.1:{feed['port']}", args.enrich)
        token = viewer_token(home)
        server, url = start_server(home, args.data / "serve.log", args.watch_stalls)
        load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        cpu_before = cpu_seconds(server.pid)
        workers_before = children_cpu(server.pid)
        bench_before = resource.getrusage(resource.RUSAGE_SELF)
        out = Results()
        ingest = asyncio.run(drive(url, token, home, args, feed, out))
        server_cpu = cpu_seconds(server.pid) - cpu_before
        workers_after = children_cpu(server.pid)
        workers_cpu = sum(cpu - workers_before.get(p, 0.0) for p, cpu in workers_after.items())
        bench_after = resource.getrusage(resource.RUSAGE_SELF)
        load_after = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    finally:
        if server is not None:
            stop_server(server)
        fixture.terminate()
        fixture.wait(timeout=30)
    every = [s for values in out.latencies.values() for s in values]
    calls = {}
    for name, values in [*sorted(out.latencies.items()), ("overall", every)]:
        p50, p90, p99 = quantiles(values)
        over = sum(1 for v in values if v > 1.0)
        errors = out.per_call_errors[name] if name != "overall" else sum(out.errors.values())
        calls[name] = {
            "n": len(values),
            "p50": p50,
            "p90": p90,
            "p99": p99,
            "over_1s": over,
            "errors": errors,
        }
    per_call = {k: v for k, v in calls.items() if k != "overall" and v["n"]}
    worst = max(per_call, key=lambda k: per_call[k]["p99"]) if per_call else "-"
    requests = len(every) + sum(out.errors.values()) - out.timeouts
    lag50, _, lag99 = quantiles(out.lags)
    # Whether the source keeps up: the lag of the tweets published in the run's first and
    # last thirds (it grows when collection falls behind).
    third = len(out.lags) // 3
    lag_first = quantiles(out.lags[:third])[0] if third else float("nan")
    lag_last = quantiles(out.lags[-third:])[0] if third else float("nan")
    bench_cpu = (bench_after.ru_utime + bench_after.ru_stime) - (
        bench_before.ru_utime + bench_before.ru_stime
    )
    return {
        "clients": args.clients,
        "think": args.think,
        "seconds": args.seconds,
        "posts": args.posts,
        "store_posts": out.store_posts,
        "rate": args.rate,
        "enrich": "default enrichers" if args.enrich else "no enrichment",
        "requests": requests,
        "dashboards": out.dashboards,
        "throughput": requests / args.seconds,
        "errors_total": sum(out.errors.values()),
        "errors": dict(out.errors),
        "first_error": out.first_error,
        "calls": calls,
        "p99_worst": f"{worst} ({per_call[worst]['p99'] * 1000:.0f} ms)" if per_call else "-",
        "published": ingest["published"],
        "stored": ingest["stored"],
        "in_store": ingest["in_store"],
        "stored_per_s": ingest["stored"] / args.seconds,
        "lag": {
            "p50": lag50,
            "p99": lag99,
            "n": len(out.lags),
            "first_third_p50": lag_first,
            "last_third_p50": lag_last,
        },
        "load_before": load_before,
        "load_after": load_after,
        "server_cpu": server_cpu,
        "workers_cpu": workers_cpu,
        "bench_cpu": bench_cpu,
        "no_cache": args.no_cache,
        "cache_hits": out.cache["hit"],
        "cache_shared": out.cache["shared"],
        "cache_misses": out.cache["miss"],
        "trace": out.trace,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000, help="demo posts in the store")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=1000.0, help="posts/s the source publishes")
    parser.add_argument(
        "--think", type=float, default=5.0, help="mean seconds between a client's dashboards"
    )
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--no-enrich", dest="enrich", action="store_false", help="store live posts unenriched"
    )
    parser.add_argument("--data", type=Path, default=Path("/tmp/hubbub-bench-load"))
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument(
        "--trace", type=Path, help="write every answer's (start, seconds, call, cache) as JSON"
    )
    parser.add_argument(
        "--watch-stalls",
        type=Path,
        help="append the server's GC passes over 20 ms and stalls over 0.25 s (with every "
        "thread's frames) to this file (bench/stall_watch)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="ask for fresh analytics (Cache-Control: no-cache)"
    )
    args = parser.parse_args()
    if args.posts < 1 or args.clients < 0 or args.seconds <= 0 or args.rate <= 0 or args.think < 0:
        raise SystemExit(
            "--posts, --seconds and --rate must be > 0, --clients and --think >= 0 "
            "(--clients 0: ingestion alone)"
        )
    figures = run(args)
    if args.trace:
        args.trace.write_bytes(orjson.dumps(figures.pop("trace")))
    else:
        figures.pop("trace")
    if args.json:
        print(orjson.dumps(figures).decode())
    else:
        report(figures)


if __name__ == "__main__":
    main()
