"""`hubbub worker`: one stage of the live pipeline in its own process, on a NATS bus.

    enrich   raw posts → stateless enrichers → enriched posts. Run as many as there are cores
             to spare, on any machine: they share one durable consumer and split the batches.
    write    enriched posts → the store of --home (or --store) → stored posts. One write
             worker per workspace, and none while `hubbub serve --bus` serves it (the server
             runs this stage itself); the embedded store also refuses a second owner.
    alerts   stored posts → percolation → the alert engine → alerts in --home, delivered from
             there. One per home: the engine counts every post of a window.

A worker stops on Ctrl-C or SIGTERM after the batches it holds; batches it fetched and never
acknowledged (it was killed) go to another worker after `bus_ack_wait` seconds.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from hubbub.cli.common import HomeOption, console, enrichers_setting, home_path, store_for


class Role(StrEnum):
    enrich = "enrich"
    write = "write"
    alerts = "alerts"


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


def worker(
    role: Annotated[Role, typer.Option("--role", help="The stage this process runs.")],
    bus: Annotated[
        str | None,
        typer.Option(
            "--bus", help="nats://host:port of the NATS server (default: the `bus` setting)."
        ),
    ] = None,
    home: HomeOption = None,
    enrich: Annotated[
        bool,
        typer.Option("--enrich/--no-enrich", help="Run the enrichers (enrich and write roles)."),
    ] = True,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="Where the write role stores posts: embedded, or clickhouse://user@host:8123/"
            "hubbub (default: the `store` setting).",
        ),
    ] = None,
) -> None:
    """Run one stage of the live pipeline (enrich, write or alerts) against a NATS bus."""
    from hubbub.bus.choose import bus_for
    from hubbub.bus.memory import MemoryBus
    from hubbub.errors import ConfigError

    path = home_path(home)
    if store:  # the `store` setting is read wherever this process opens the store
        os.environ["HUBBUB_STORE"] = store
    opened = bus_for(path, bus)
    if isinstance(opened, MemoryBus):
        opened.close()
        raise ConfigError("a worker needs a shared bus: pass --bus nats://host:port")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        run_role(role, opened, path, enrichers_setting(path, enrich), stop)
    finally:
        opened.close()


def run_role(
    role: Role, bus: Any, home: Path, enrichers: tuple[str, ...], stop: threading.Event
) -> None:
    """Run `role` on `bus` until `stop` is set, then stop it gracefully."""
    from hubbub.live.scaleout import EnrichStage, WriteStage

    started = time.monotonic()
    if role is Role.enrich:
        stage = EnrichStage(bus, enrichers)
        stage.start()
        console.print(f"enrich worker on {bus.url}: {len(enrichers)} enricher(s). Ctrl-C stops it.")
        stop.wait()
        stage.stop()
        console.print(f"enrich worker: {stage.posts} posts in {time.monotonic() - started:.0f} s")
    elif role is Role.write:
        # The `store` setting (or --store) picks it; an embedded store owned by a server is the
        # usual one-line StoreLocked error.
        store = store_for(home)
        try:
            writer = WriteStage(bus, store, enrichers, home / "state")
            writer.start()
            where = getattr(store, "url", None) or home
            console.print(f"write worker on {bus.url}, storing into {where}. Ctrl-C stops it.")
            stop.wait()
            writer.stop()
            console.print(
                f"write worker: {writer.stored} posts stored, {writer.duplicates} already held"
            )
        finally:
            store.close()
    else:
        _run_alerts(bus, home, stop)


def _run_alerts(bus: Any, home: Path, stop: threading.Event) -> None:
    from hubbub.live.pipeline import LivePipeline, LiveSettings
    from hubbub.live.serve import channel_settings

    base_url = "http://127.0.0.1:8420"  # links in alerts; the `alert_base_url` setting wins
    pipeline = LivePipeline(
        home,
        None,  # no store here: alerts and their deliveries live in the home's meta.sqlite3
        LiveSettings.from_home(home),
        channel_settings(home, base_url),
        bus=bus,
        sources=False,
    )
    pipeline.start()
    console.print(f"alerts worker on {bus.url}, alerts into {home}. Ctrl-C stops it.")
    stop.wait()
    pipeline.stop()
    console.print(
        f"alerts worker: {pipeline.percolate.posts} posts percolated, "
        f"{pipeline.stored_alerts} alerts stored"
    )
