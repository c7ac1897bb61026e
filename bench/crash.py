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
from dataclasses import asdict, dataclass, field
from pathlib import Path

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
        for item in read_archive(path):
            archived.add((item["platform"], item["platform_id"]))
    return {"rows": rows, "keys": keys, "archived": sorted(archived)}


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
    parser.add_argument("--inspect", type=Path, help=argparse.SUPPRESS)  # used by stored_state
    args = parser.parse_args()
    if args.inspect:
        print(orjson.dumps(inspect(args.inspect)).decode())
        return
    work = Path(tempfile.mkdtemp(prefix="hubbub-crash-"))
    try:
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
    print(f"{posts_label(args.posts)} per round, {mode}, {figures.seconds:.0f} s in all")


def posts_label(posts: int) -> str:
    return f"{posts:,} posts (+{(posts + REPEATED_EVERY - 1) // REPEATED_EVERY} repeated lines)"


if __name__ == "__main__":
    main()
