"""Crash safety of imports: kill -9 `hubbub import` at random points, re-run, count the damage.

Each round starts from an empty workspace home, runs the real CLI in a subprocess on a generated
Hubbub NDJSON file (a few posts repeated inside the file), SIGKILLs it (its whole process group,
worker processes included) after a random delay, restarts it, and after one to five kills lets a
last run finish. The store must then hold exactly the file's posts: prints kills, lost,
duplicated and unexpected posts, runs that failed to start (a stale lock would show here), and
stored posts whose raw item is missing from the raw archive.

    python bench/crash.py --kills 100          # the figure docs/operations.md quotes
    python bench/crash.py --kills 5 --json     # what tests/reliability runs
    python bench/crash.py --kills 20 --enrich  # kills during enrichment too (slower runs)

Delays are drawn from a seeded generator over the time a complete run takes (measured first),
so runs die during start-up, schema migration, parsing, archiving and inserts alike.

`--live` does the same to live ingestion: each round starts a local X recent-search stand-in
(bench/live_fixture.py, in its own process, publishing `--rate` tweets per second whether or
not anybody fetches) and a fresh home whose one source (`type = "x"`) points at it, runs
`hubbub serve` on a free 127.0.0.1 port, SIGKILLs its process group at a random point
(start-up, idle, collection, store writes, cursor commits), restarts it, and after one to five
kills stops the fixture publishing, lets a last server collect until its cursor reaches the
newest tweet, stops it with SIGTERM, and checks the store against every tweet published.

    python bench/crash.py --live --kills 100   # the figure docs/operations.md quotes
    python bench/crash.py --live --kills 3 --json
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

REPEATED_EVERY = 50  # every 50th post appears twice in the file: in-file duplicates count too


@dataclass
class Figures:
    kills: int = 0
    rounds: int = 0
    runs: int = 0
    finished_early: int = 0  # runs that completed before their kill came
    failed_runs: int = 0  # non-zero exit without being killed (a stale lock, a crash on restart)
    lost: int = 0
    duplicated: int = 0
    unexpected: int = 0
    unarchived: int = 0
    seconds: float = 0.0
    first_failure: str | None = None
    complete_run_seconds: float = 0.0
    delays: list[float] = field(default_factory=list, repr=False)
    # --live only: kills after the server answered /health, and the tweets checked in all
    kills_while_serving: int = 0
    posts_checked: int = 0
    startup_seconds: float = 0.0


def write_posts(path: Path, posts: int, seed: int) -> set[tuple[str, str]]:
    """Write a Hubbub NDJSON file; return the (platform, platform_id) keys it holds."""
    from hubbub.demo import generate

    keys: set[tuple[str, str]] = set()
    with open(path, "wb") as handle:
        for number, post in enumerate(generate(posts=posts, seed=seed)):
            line = orjson.dumps(post.to_dict()) + b"\n"
            handle.write(line)
            if number % REPEATED_EVERY == 0:
                handle.write(line)
            keys.add((post.platform, post.platform_id))
    return keys


def import_command(source: Path, home: Path, enrich: bool) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from hubbub.cli.main import run; run()",
        "import",
        str(source),
        "--home",
        str(home),
        "--enrich" if enrich else "--no-enrich",
    ]


def run_env(batch: int) -> dict[str, str]:
    # Small batches: many inserts per run, so kills land between and inside them.
    return {**os.environ, "HUBBUB_IMPORT_BATCH": str(batch)}


@dataclass(frozen=True)
class Job:
    source: Path
    batch: int
    enrich: bool


def start(job: Job, home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        import_command(job.source, home, job.enrich),
        env=run_env(job.batch),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes the workers too
    )


def kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it finished just before
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def inspect(home: Path) -> dict[str, object]:
    """Stored keys, the row count and the archived keys of a workspace (run in its own process)."""
    from hubbub.store import open_store
    from hubbub.store.archive import RawArchive, read_archive

    with open_store(home) as store:
        rows = store.count()
        keys = [
            [r["platform"], r["platform_id"]]
            for r in store.rows("SELECT DISTINCT platform, platform_id FROM hubbub.posts")
        ]
    archived = set()
    for path in RawArchive(home).files():
        key = archive_key(path.parent.name)
        for item in read_archive(path):
            archived.add(key(item))
    return {"rows": rows, "keys": keys, "archived": sorted(archived)}


def archive_key(folder: str) -> Callable[[dict[str, Any]], tuple[str, str]]:
    """How to tell an archived raw item's post key: imports archive Hubbub posts; a live
    connector archives its platform's raw items under its `archive_name`, read by its `map`."""
    from hubbub.connectors.sources import TYPES, connector_class

    found = [c for c in map(connector_class, TYPES) if c.archive_name == folder]
    if not found:
        return lambda item: (item["platform"], item["platform_id"])
    to_post = found[0].map

    def mapped(item: dict[str, Any]) -> tuple[str, str]:
        post = to_post(item)
        return (post.platform, post.platform_id) if post else ("", "")

    return mapped


def stored_state(home: Path) -> dict[str, object]:
    """`inspect` in a fresh process: chdb lets one process own a data directory at a time."""
    result = subprocess.run(
        [sys.executable, __file__, "--inspect", str(home)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"cannot read the store in {home}: {result.stderr.strip()[-500:]}")
    return orjson.loads(result.stdout)  # type: ignore[no-any-return]


def check_round(home: Path, expected: set[tuple[str, str]], figures: Figures) -> None:
    state = stored_state(home)
    stored = {tuple(k) for k in state["keys"]}  # type: ignore[attr-defined]
    figures.lost += len(expected - stored)
    figures.unexpected += len(stored - expected)
    figures.duplicated += int(state["rows"]) - len(stored)  # type: ignore[call-overload]
    archived = {tuple(k) for k in state["archived"]}  # type: ignore[attr-defined]
    figures.unarchived += len(stored - archived)


def complete_run(job: Job, home: Path, figures: Figures) -> float:
    started = time.perf_counter()
    process = start(job, home)
    _, stderr = process.communicate()
    figures.runs += 1
    if process.returncode != 0:
        figures.failed_runs += 1
        figures.first_failure = figures.first_failure or stderr.decode(errors="replace")[-300:]
    return time.perf_counter() - started


def crash_round(
    job: Job,
    home: Path,
    kills: int,
    rng: random.Random,
    figures: Figures,
) -> None:
    for _ in range(kills):
        delay = rng.uniform(0.02, 1.0) * figures.complete_run_seconds
        figures.delays.append(delay)
        process = start(job, home)
        figures.runs += 1
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            kill_group(process)
            figures.kills += 1
            continue
        figures.finished_early += 1
        stderr = process.stderr.read() if process.stderr else b""
        if process.returncode != 0:
            figures.failed_runs += 1
            figures.first_failure = figures.first_failure or stderr.decode(errors="replace")[-300:]
    complete_run(job, home, figures)


def run(kills: int, posts: int, seed: int, batch: int, enrich: bool, work: Path) -> Figures:
    figures = Figures()
    rng = random.Random(seed)
    started = time.perf_counter()
    source = work / "posts.ndjson"
    expected = write_posts(source, posts, seed)
    job = Job(source, batch, enrich)
    # Calibrate: how long a complete run takes here (it is a checked round of its own).
    home = work / "calibration"
    figures.complete_run_seconds = complete_run(job, home, figures)
    check_round(home, expected, figures)
    shutil.rmtree(home, ignore_errors=True)
    figures.rounds += 1
    while figures.kills < kills:
        home = work / f"round-{figures.rounds}"
        round_kills = min(rng.randint(1, 5), kills - figures.kills)
        crash_round(job, home, round_kills, rng, figures)
        check_round(home, expected, figures)
        shutil.rmtree(home, ignore_errors=True)
        figures.rounds += 1
    figures.seconds = round(time.perf_counter() - started, 1)
    return figures


# --- live ingestion (--live) ---------------------------------------------------------------

LIVE_SOURCE = "xfix"
LIVE_AFTER_START = 6.0  # most kills land up to this many seconds after the server answers
LIVE_CATCH_UP = 180.0  # seconds a last server gets to collect everything published


class Fixture:
    """bench/live_fixture.py in its own process (a server kill must not take it down)."""

    def __init__(self, rate: float, seed: int) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("live_fixture.py")),
                "--rate",
                str(rate),
                "--seed",
                str(seed),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        line = self.process.stdout.readline() if self.process.stdout else b""
        if not line:
            self.process.kill()
            raise RuntimeError("the fixture server did not start (run bench/live_fixture.py)")
        self.port = int(orjson.loads(line)["port"])
        self.url = f"http://127.0.0.1:{self.port}"

    def freeze(self) -> int:
        """Stop publishing; the number of tweets published, all of which must be stored."""
        import httpx

        return int(httpx.post(f"{self.url}/_fixture/freeze", timeout=30).json()["published"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_live_home(home: Path, fixture_url: str, enrich: bool) -> None:
    """A home whose one source is the fixture, collected every second, 5 pages a run at most
    (so a backlog after a kill takes several runs: interrupted walks are resumed too)."""
    home.mkdir(parents=True)
    settings = "" if enrich else 'enrichers = ""\n'
    (home / "hubbub.toml").write_text(
        f'{settings}\n[sources.{LIVE_SOURCE}]\ntype = "x"\nquery = "crash"\n'
        f'base_url = "{fixture_url}"\n\n[sources.{LIVE_SOURCE}.options]\n'
        'interval = "1s"\nmin_interval = "0"\nmax_pages = "5"\n',
        "utf-8",
    )


def start_server(home: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "HUBBUB_X_BEARER_TOKEN": "fixture",  # the fixture does not check it; the connector asks
        "HUBBUB_ALLOW_PRIVATE_URLS": "1",  # the fixture is on 127.0.0.1 (outbound guard)
    }
    with open(log, "ab") as err:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from hubbub.cli.main import run; run()",
                "serve",
                "--port",
                str(port),
                "--home",
                str(home),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,  # its own process group: the kill takes every thread
        )
    return process, f"http://127.0.0.1:{port}"


def answers(url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{url}/health", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def caught_up(home: Path, published: int) -> bool:
    """The source's committed cursor is the newest tweet, with no walk left to finish."""
    from live_fixture import tweet_key

    path = home / "connectors" / f"{LIVE_SOURCE}.json"
    try:
        cursor = orjson.loads(path.read_bytes()).get("cursor") or {}
    except (OSError, orjson.JSONDecodeError):
        return False
    newest = tweet_key(published - 1)[1]
    return cursor.get("since_id") == newest and "walk" not in cursor


def failed(figures: Figures, log: Path, why: str) -> None:
    figures.failed_runs += 1
    if figures.first_failure is None:
        tail = log.read_bytes()[-300:].decode(errors="replace") if log.exists() else ""
        figures.first_failure = f"{why}: {tail}"


def live_kill(home: Path, log: Path, rng: random.Random, figures: Figures) -> None:
    """One server, SIGKILLed at a random point: a quarter of the time during start-up (store
    opening, pipeline start), else up to LIVE_AFTER_START seconds after it answers (idle,
    collecting, storing, committing a cursor). A server that exits first is a failure."""
    process, url = start_server(home, log)
    figures.runs += 1
    started = time.monotonic()
    in_startup = rng.random() < 0.25
    after = rng.uniform(0.02, 1.0) * (figures.startup_seconds if in_startup else LIVE_AFTER_START)
    figures.delays.append(after)
    up_at: float | None = None
    while True:
        if process.poll() is not None:
            failed(figures, log, f"hubbub serve exited with {process.returncode} before its kill")
            return
        now = time.monotonic()
        if up_at is None and answers(url):
            up_at = now
        if in_startup and now - started >= after:
            break
        if up_at is not None and not in_startup and now - up_at >= after:
            break
        if now - started > 300:
            failed(figures, log, "hubbub serve did not answer within 300 s")
            break
        time.sleep(0.05)
    kill_group(process)
    figures.kills += 1
    figures.kills_while_serving += up_at is not None


def live_finish(home: Path, log: Path, published: int, figures: Figures) -> float:
    """A last server collects everything published, then stops gracefully; returns the
    seconds from its start until the source caught up."""
    process, _ = start_server(home, log)
    figures.runs += 1
    started = time.monotonic()
    try:
        while not caught_up(home, published):
            if process.poll() is not None:
                failed(figures, log, f"hubbub serve exited with {process.returncode}")
                return 0.0
            if time.monotonic() - started > LIVE_CATCH_UP:
                failed(figures, log, f"not caught up within {LIVE_CATCH_UP:.0f} s")
                return 0.0
            time.sleep(0.1)
        took = time.monotonic() - started
        process.send_signal(signal.SIGTERM)  # the graceful stop: drain, close the store
        try:
            code = process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            failed(figures, log, "hubbub serve did not stop within 120 s of SIGTERM")
            return took
        if code not in (0, -signal.SIGTERM):
            failed(figures, log, f"hubbub serve stopped with {code}")
        return took
    finally:
        kill_group(process)  # a no-op once it has stopped


def server_startup(home: Path, log: Path) -> float:
    """Seconds until a new server answers /health (measured once, on an empty home)."""
    process, url = start_server(home, log)
    started = time.monotonic()
    try:
        while not answers(url):
            if process.poll() is not None or time.monotonic() - started > 120:
                raise RuntimeError(f"hubbub serve did not start: {log.read_text()[-500:]}")
            time.sleep(0.05)
        return time.monotonic() - started
    finally:
        kill_group(process)


def live_round(
    kills: int, rng: random.Random, rate: float, enrich: bool, work: Path, figures: Figures
) -> None:
    from live_fixture import tweet_key

    home = work / f"live-{figures.rounds}"
    log = work / f"live-{figures.rounds}.log"
    fixture = Fixture(rate, rng.randint(1, 10_000))
    try:
        write_live_home(home, fixture.url, enrich)
        for _ in range(kills):
            live_kill(home, log, rng, figures)
            time.sleep(rng.uniform(0.0, 1.0))  # down for a while: tweets pile up meanwhile
        published = fixture.freeze()
        took = live_finish(home, log, published, figures)
        figures.complete_run_seconds = figures.complete_run_seconds or took
    finally:
        fixture.stop()
    expected = {tweet_key(n) for n in range(published)}
    figures.posts_checked += len(expected)
    check_round(home, expected, figures)
    shutil.rmtree(home, ignore_errors=True)
    log.unlink(missing_ok=True)
    figures.rounds += 1


def run_live(kills: int, seed: int, rate: float, enrich: bool, work: Path) -> Figures:
    figures = Figures()
    rng = random.Random(seed)
    started = time.perf_counter()
    probe = work / "startup"
    probe.mkdir()
    (probe / "hubbub.toml").write_text('enrichers = ""\n', "utf-8")
    figures.startup_seconds = round(server_startup(probe, work / "startup.log"), 2)
    shutil.rmtree(probe, ignore_errors=True)
    live_round(0, rng, rate, enrich, work, figures)  # calibration: a round with no kill
    while figures.kills < kills:
        live_round(min(rng.randint(1, 5), kills - figures.kills), rng, rate, enrich, work, figures)
    figures.seconds = round(time.perf_counter() - started, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--batch", type=int, default=250, help="posts per store write")
    parser.add_argument(
        "--enrich", action="store_true", help="run the enrichers too (kills land in them)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument(
        "--live", action="store_true", help="kill `hubbub serve` during live collection instead"
    )
    parser.add_argument(
        "--rate", type=float, default=200.0, help="--live: tweets the fixture publishes per second"
    )
    parser.add_argument("--inspect", type=Path, help=argparse.SUPPRESS)  # used by stored_state
    args = parser.parse_args()
    if args.inspect:
        print(orjson.dumps(inspect(args.inspect)).decode())
        return
    if args.kills < 0 or args.posts < 1 or args.batch < 1 or args.rate <= 0:
        raise SystemExit("--kills must be >= 0, --posts and --batch >= 1, --rate > 0")
    work = Path(tempfile.mkdtemp(prefix="hubbub-crash-"))
    try:
        if args.live:
            figures = run_live(args.kills, args.seed, args.rate, args.enrich, work)
        else:
            figures = run(args.kills, args.posts, args.seed, args.batch, args.enrich, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        out = asdict(figures)
        out.pop("delays")
        print(orjson.dumps(out).decode())
        return
    print(
        f"kills {figures.kills} over {figures.rounds} rounds ({figures.runs} runs, "
        f"{figures.finished_early} finished before their kill; a complete run takes "
        f"{figures.complete_run_seconds:.1f} s)"
    )
    print(f"lost {figures.lost}, duplicated {figures.duplicated}, unexpected {figures.unexpected}")
    print(
        f"runs that failed without a kill {figures.failed_runs}; stored posts missing "
        f"from the raw archive {figures.unarchived}"
    )
    if figures.first_failure:
        print(f"first failure: {figures.first_failure.strip()}")
    mode = "with enrichment" if args.enrich else "without enrichment"
    if args.live:
        print(
            f"live: {figures.kills_while_serving} of the kills came after the server answered "
            f"(start-up takes {figures.startup_seconds:.1f} s); {figures.posts_checked:,} "
            f"tweets checked, published at {args.rate:g}/s, {mode}, {figures.seconds:.0f} s in all"
        )
        return
    print(f"{posts_label(args.posts)} per round, {mode}, {figures.seconds:.0f} s in all")


def posts_label(posts: int) -> str:
    return f"{posts:,} posts (+{(posts + REPEATED_EVERY - 1) // REPEATED_EVERY} repeated lines)"


if __name__ == "__main__":
    main()
