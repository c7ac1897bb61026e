"""How long the fuzz lane takes: each fuzz target of tests/reliability at N examples, in CPU time.

Every `*_10k` target runs in its own pytest process twice, with HUBBUB_FUZZ_EXAMPLES=1 (start-up,
imports, fixtures) and with N; the difference over N-1 is the CPU cost of one example, which
gives the CPU time at 10,000 examples. CPU time (user + system of the child processes) is what
the numbers rest on: on a loaded machine wall time says more about the neighbours.

    python3 bench/fuzz_lane.py                  # N=300, every target, estimates for 10,000
    python3 bench/fuzz_lane.py -n 10000 --once  # the real lane: one run per target at 10,000
    python3 bench/fuzz_lane.py -k api           # only targets whose id contains "api"
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
FILES = sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "tests/reliability").glob("test_fuzz_*.py")
)
LANE = 10_000


def targets(keyword: str | None) -> list[str]:
    env = {**os.environ, "HUBBUB_FUZZ_EXAMPLES": "1"}
    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-o",
            "addopts=",
            "--collect-only",
            "-q",
            "-m",
            "slow",
            *FILES,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    ).stdout.splitlines()
    ids = [line for line in listed if "::" in line and "_10k" in line]
    return [i for i in ids if keyword is None or keyword in i]


def run(target: str, examples: int) -> tuple[float, float, bool]:
    """(CPU seconds, wall seconds, passed) of one pytest process running `target`."""
    env = {**os.environ, "HUBBUB_FUZZ_EXAMPLES": str(examples)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-m", "slow", "-p", "no:cacheprovider", target],
        capture_output=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--examples", type=int, default=300)
    parser.add_argument("-k", "--keyword", default=None)
    parser.add_argument("--once", action="store_true", help="one run at N, no estimate")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    print(f"{'target':60} {'start':>6} {'ms/ex':>6} {'N cpu':>6} {'N wall':>6} {'10k cpu':>7} ok")
    total = 0.0
    for target in targets(args.keyword):
        base = 0.0 if args.once else run(target, 1)[0]
        cpu, wall, ok = run(target, args.examples)
        per = (cpu - base) / max(args.examples - 1, 1) if not args.once else cpu / args.examples
        at_lane = cpu if args.once else base + per * LANE
        total += at_lane
        name = target.replace("tests/reliability/", "")
        ok_ = "yes" if ok else "NO"
        print(
            f"{name:60} {base:6.1f} {per * 1000:6.1f} {cpu:6.1f} {wall:6.1f} {at_lane:7.0f} {ok_}"
        )
    label = "measured" if args.once else "estimated"
    print(f"total CPU at {LANE:,} examples per target ({label}): {total / 60:.1f} min")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]  # rows as they come
    main()
