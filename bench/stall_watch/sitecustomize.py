"""Loaded into `hubbub serve` by `bench/load.py --watch-stalls FILE` (this folder is put first on
its PYTHONPATH): logs what stops the server's Python, to find the cause of a slow answer.

- every cyclic-GC pass longer than 20 ms, with its generation;
- every moment a thread that sleeps 20 ms at a time woke more than 0.25 s late (the GIL was
  held elsewhere, or the process did not run), with every thread's innermost frames then.

A line: `<unix time> GC gen<N> <seconds>s` or `<unix time> STALL <seconds>s`, then one line per
thread. Only `hubbub serve` processes are watched; the file is appended to.
"""

import gc
import os
import sys
import threading
import time
import traceback

LOG_PATH = os.environ.get("HUBBUB_STALL_LOG")
TICK = 0.02
STALL = 0.25
SLOW_GC = 0.02


def _stacks(out) -> None:  # type: ignore[no-untyped-def]
    names = {t.ident: t.name for t in threading.enumerate()}
    for ident, frame in sys._current_frames().items():
        where = traceback.extract_stack(frame)[-6:]
        trail = " <- ".join(
            f"{f.name}:{os.path.basename(f.filename)}:{f.lineno}" for f in reversed(where)
        )
        out.write(f"   [{names.get(ident, '?')}] {trail}\n")


def _start(path: str) -> None:
    out = open(path, "a", buffering=1)  # noqa: SIM115 (open for the process's life)
    began: dict[str, float] = {}

    def on_gc(phase: str, info: dict) -> None:  # type: ignore[type-arg]
        if phase == "start":
            began["t"] = time.perf_counter()
        elif "t" in began and (took := time.perf_counter() - began["t"]) > SLOW_GC:
            out.write(f"{time.time():.3f} GC gen{info['generation']} {took:.3f}s\n")

    def watch() -> None:
        last = time.perf_counter()
        while True:
            time.sleep(TICK)
            now = time.perf_counter()
            if now - last - TICK > STALL:
                out.write(f"{time.time():.3f} STALL {now - last:.3f}s\n")
                _stacks(out)
            last = time.perf_counter()

    gc.callbacks.append(on_gc)
    threading.Thread(target=watch, name="stall-watch", daemon=True).start()


if LOG_PATH and "serve" in sys.argv:
    _start(LOG_PATH)
