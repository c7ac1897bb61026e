"""The fixed cost of one API request: the server's CPU per request for answers that cost no SQL.

    python bench/api_overhead.py                          # 20,000 demo posts, 400 requests/route
    python bench/api_overhead.py --requests 100           # quicker
    python bench/api_overhead.py --baseline /tmp/old/src  # against another checkout's package

Builds a demo workspace once (bench/load.py's `build`, under --data), creates a viewer token,
starts `hubbub serve` on 127.0.0.1 and sends --requests identical requests per route, one after
another over one keep-alive connection: after the first, every analytics and posts answer comes
from the server's answer cache (X-Hubbub-Cache: hit, shown), so what is left is what every
request pays whatever its SQL: the middlewares, token verification, the topic list (the cache
key holds every topic's version), FastAPI's parameter and dependency handling, JSON.

For each route it prints the server's CPU ms per request (user + system from /proc/<pid>/stat,
minus what the idle server spends in the same time, measured first) and the median wall time.
One route is also asked with `Cache-Control: no-cache`, so its SQL runs every time: the line
shows how much of a computed answer the fixed cost is.

--baseline DIR also serves a copy of the workspace with the `hubbub` package found in DIR (a
`src` directory, e.g. from `git archive <commit> src | tar -x -C /tmp/old`) and measures both
servers route by route, alternating, --rounds times: the figures are the median of the rounds,
so a change in the machine's load hits both alike.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from load import build, cpu_seconds, start_server, stop_server, viewer_token

IDLE_SECONDS = 2.0


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    http: httpx.Client
    idle_rate: float  # CPU seconds per second the server spends without requests


def start(name: str, home: Path, package: str | None) -> Server:
    """`hubbub serve` over `home`, importing hubbub from `package` (a src dir) when given."""
    token = viewer_token(home)
    log = Path(tempfile.gettempdir()) / f"hubbub-api-overhead-{name}-{os.getpid()}.log"
    saved = os.environ.get("PYTHONPATH")
    if package:  # start_server passes this process's environment on
        os.environ["PYTHONPATH"] = package
    try:
        process, url = start_server(home, log)
    finally:
        if package:
            if saved is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = saved
    http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120)
    http.get("/v1/me").raise_for_status()
    # Idle: the server's own threads (topic watchers, live pipeline) cost CPU too.
    before = cpu_seconds(process.pid)
    time.sleep(IDLE_SECONDS)
    return Server(name, process, http, (cpu_seconds(process.pid) - before) / IDLE_SECONDS)


def measure(
    server: Server, path: str, params: dict[str, str], n: int, headers: dict[str, str]
) -> tuple[float, float, str]:
    """(server CPU ms per request, median wall ms, X-Hubbub-Cache of the last answer) for `n`
    requests after one warm-up request."""
    http, pid = server.http, server.process.pid
    http.get(path, params=params, headers=headers).raise_for_status()
    walls: list[float] = []
    cache = ""
    started = time.perf_counter()
    cpu_before = cpu_seconds(pid)
    for _ in range(n):
        sent = time.perf_counter()
        answer = http.get(path, params=params, headers=headers)
        walls.append(time.perf_counter() - sent)
        answer.raise_for_status()
        cache = answer.headers.get("x-hubbub-cache", "-")
    cpu = cpu_seconds(pid) - cpu_before - server.idle_rate * (time.perf_counter() - started)
    return cpu / n * 1000, statistics.median(walls) * 1000, cache


def routes(topic: str) -> list[tuple[str, str, dict[str, str], dict[str, str]]]:
    by_lang = {"topic": topic, "by": "lang"}
    return [
        ("health", "/health", {}, {}),
        ("me", "/v1/me", {}, {}),
        ("breakdown", "/v1/analytics/breakdown", by_lang, {}),
        ("posts", "/v1/posts", {"topic": topic, "limit": "20"}, {}),
        ("breakdown no-cache", "/v1/analytics/breakdown", by_lang, {"Cache-Control": "no-cache"}),
    ]


def copy_home(built: Path) -> Path:
    home = built.with_name(built.name + "-baseline")
    shutil.rmtree(home, ignore_errors=True)
    # symlinks=True: chdb's tables are relative symlinks into the store's own directory.
    skip = shutil.ignore_patterns("server.json", "store.lock")
    shutil.copytree(built, home, symlinks=True, ignore=skip)
    return home


def run(args: argparse.Namespace) -> None:
    built = build(Path(args.data), args.posts)
    servers: list[Server] = []
    try:
        if args.baseline:
            package = str(Path(args.baseline).resolve())
            if not (Path(package) / "hubbub" / "__init__.py").is_file():
                raise SystemExit(f"--baseline {args.baseline}: no hubbub package in it (a src dir)")
            servers.append(start("before", copy_home(built), package))
        servers.append(start("after" if args.baseline else "this", built, None))
        found: Any = servers[-1].http.get("/v1/topics").raise_for_status().json()
        topic = (found["topics"] if isinstance(found, dict) else found)[0]["name"]
        rounds = args.rounds if args.baseline else 1
        print(
            f"{args.posts:,} posts, topic {topic!r}, {args.requests} requests per route and "
            f"round, {rounds} round(s); idle servers "
            + ", ".join(f"{s.name} {s.idle_rate * 1000:.1f}" for s in servers)
            + f" ms CPU/s (subtracted); load {os.getloadavg()[0]:.2f}"
        )
        header = f"{'route':<20}" + "".join(
            f" {s.name + ' CPU ms':>16} {'wall ms':>8}" for s in servers
        )
        print(header + ("  after/before" if args.baseline else "") + "  cache")
        for name, path, params, extra in routes(topic):
            n = args.requests if not extra else max(10, args.requests // 4)
            figures: dict[str, list[tuple[float, float]]] = {s.name: [] for s in servers}
            cache = ""
            for _ in range(rounds):
                for server in servers:
                    cpu, wall, cache = measure(server, path, params, n, extra)
                    figures[server.name].append((cpu, wall))
            line = f"{name:<20}"
            medians = []
            for server in servers:
                cpu = statistics.median(f[0] for f in figures[server.name])
                wall = statistics.median(f[1] for f in figures[server.name])
                medians.append(cpu)
                line += f" {cpu:>16.2f} {wall:>8.2f}"
            if args.baseline:
                line += f"  {medians[1] / medians[0]:>12.2f}"
            print(f"{line}  {cache}")
    finally:
        for server in servers:
            server.http.close()
            stop_server(server.process)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=20_000, help="Demo posts in the workspace.")
    parser.add_argument("--requests", type=int, default=400, help="Requests per route.")
    parser.add_argument("--baseline", help="A src directory holding the hubbub to compare with.")
    parser.add_argument("--rounds", type=int, default=3, help="Rounds with --baseline.")
    parser.add_argument(
        "--data",
        default=str(Path(tempfile.gettempdir()) / "hubbub-bench-overhead"),
        help="Where the workspace is built once and reused.",
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
