"""`hubbub serve`: the REST API (and later the dashboard) over the workspace home.

The server owns the embedded store while it runs (the store's lock names `hubbub serve`), and
writes `<home>/server.json` (pid, url and a local admin token, mode 600) so other commands and
`hubbub.open(home)` go through its API instead of failing on the lock.
"""

from __future__ import annotations

from typing import Annotated

import typer

from hubbub.cli.common import HomeOption, console, home_path


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8420,
    home: HomeOption = None,
) -> None:
    """Serve the API (OpenAPI docs at /docs) until interrupted."""
    import uvicorn

    from hubbub.api.app import create_app
    from hubbub.api.deps import AppState
    from hubbub.api.server_file import remove_server_file, write_server_file

    path = home_path(home)
    path.mkdir(parents=True, exist_ok=True)
    state = AppState(path)
    state.open()  # StoreLocked here is the usual one-line error, before anything listens
    app = create_app(path, state=state)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}"
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="info"))
    write_server_file(path, url, state.local_token)
    state.on_close.append(lambda: remove_server_file(path))
    console.print(
        f"Serving [bold]{path}[/] at {url} (API docs: {url}/docs); other hubbub commands on "
        "this machine now go through it. Ctrl-C stops it."
    )
    try:
        server.run()
    finally:
        remove_server_file(path)
        state.close()  # idempotent after the lifespan's close
