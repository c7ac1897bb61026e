"""`hubbub serve`: the REST API and the web dashboard over the workspace home.

The server owns the embedded store while it runs (the store's lock names `hubbub serve`); a
ClickHouse server store (`--store` or the `store` setting) has no owner. Either way it
writes `<home>/server.json` (pid, url and a local admin token, mode 600) so other commands and
`hubbub.open(home)` go through its API instead of failing on the lock.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from hubbub.cli.common import HomeOption, console, home_path

KEEP_ALIVE_SECONDS = 75  # idle keep-alive: let the client close first (httpx: after 5 s)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8420,
    home: HomeOption = None,
    bus: Annotated[
        str | None,
        typer.Option(
            "--bus",
            help="The live pipeline's bus: memory, or nats://host:port to hand enrichment to "
            "`hubbub worker --role enrich` processes (default: the `bus` setting).",
        ),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="Where posts live: embedded, or clickhouse://user@host:8123/hubbub "
            "(default: the `store` setting).",
        ),
    ] = None,
) -> None:
    """Serve the API (OpenAPI docs at /docs) and the dashboard until interrupted."""
    path = home_path(home)
    if store:  # the `store` setting is read wherever this process opens the store
        os.environ["HUBBUB_STORE"] = store

    def announce(url: str, local_token: str) -> None:
        console.print(
            f"Serving [bold]{path}[/] at {url} (API docs: {url}/docs); other hubbub commands on "
            "this machine now go through it. Ctrl-C stops it."
        )
        console.print(
            f"Dashboard: [bold]{url}/[/] — sign in as a user (`hubbub user add`) or with an "
            "API token (`hubbub token create --role analyst`)."
        )

    serve_home(path, host, port, announce, bus)


GC_THRESHOLDS = (50_000, 20, 100)  # Python's default: (700, 10, 10)


def serve_home(
    path: Path,
    host: str,
    port: int,
    announce: Callable[[str, str], None],
    bus: str | None = None,
) -> None:
    """Serve `path` until interrupted; `announce(url, local_token)` runs once it is ready to.
    `hubbub demo` uses it too, to open its dashboard with the server's local token."""
    import gc
    import time

    import uvicorn

    from hubbub.api.app import create_app
    from hubbub.api.deps import AppState
    from hubbub.api.server_file import remove_server_file, write_server_file
    from hubbub.users import check_bind

    check_bind(path, host)  # the local token never leaves loopback; others need a sign-in
    path.mkdir(parents=True, exist_ok=True)
    state = AppState(path)
    state.open()  # StoreLocked here is the usual one-line error, before anything listens
    from hubbub.store.slices import SliceKeeper

    # Builds the topics' slices on the store's thread now and whenever the topics change.
    keeper = SliceKeeper(path, state.get_store, state.executor)
    synced = keeper.start()
    state.on_close.append(keeper.stop)
    if synced is not None and synced.built:
        console.print(f"Built {len(synced.built)} topic slice(s) (docs/analytics.md).")
    app = create_app(path, state=state)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}"
    # Keep-alive longer than a dashboard's pause between views: with uvicorn's 5 s default the
    # server closed connections a browser was about to reuse, and those requests failed
    # (bench/load.py: ReadError).
    config = uvicorn.Config(
        app, host=host, port=port, log_level="info", timeout_keep_alive=KEEP_ALIVE_SECONDS
    )
    server = uvicorn.Server(config)
    write_server_file(path, url, state.local_token)
    state.on_close.append(lambda: remove_server_file(path))
    from hubbub.live.serve import start_live

    try:
        from hubbub.web.warm import warm_dashboards

        # Topic dashboards are computed once while the live pipeline loads its models.
        started = time.monotonic()
        warming = state.executor.submit(warm_dashboards, path, state.get_store)
        start_live(state, path, url, bus)  # sources, percolation, alerts; stopped before the store
        try:
            warmed = warming.result()
        except Exception as exc:  # only an optimisation: the figures stay cold, the server runs
            warmed = 0
            console.print(f"[yellow]Dashboards not warmed: {str(exc).splitlines()[0]}[/yellow]")
        if warmed:
            took = time.monotonic() - started
            console.print(f"Warmed {warmed} dashboard panels ({took:.0f} s, docs/analytics.md).")
        # What is loaded by now (models, the near-duplicate index of every post, topics) lives
        # as long as the server: frozen, the cyclic GC no longer walks it. And under load the
        # live batches' Python rows made a full collection every ~5 s, each stopping the whole
        # process for 0.2-0.3 s (bench/load.py, docs/operations.md); with these thresholds
        # they come minutes apart. Little garbage here is cyclic, so memory does not pile up.
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        announce(url, state.local_token)
        server.run()
    finally:
        remove_server_file(path)
        state.close()  # idempotent after the lifespan's close
