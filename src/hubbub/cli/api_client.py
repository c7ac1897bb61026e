"""What the topic, token and analytics commands share: the workspace option, the client (local,
or through `hubbub serve` when a server owns the store), JSON output and one-line query errors."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from hubbub.cli.common import home_path
from hubbub.errors import QueryError
from hubbub.topics import DEFAULT_WORKSPACE

WorkspaceOption = Annotated[
    str, typer.Option("--workspace", "-w", help="Workspace whose topics to use.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def who() -> str:
    """How topic versions made from the CLI record who made them."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@contextmanager
def client(home: Path | None, workspace: str = DEFAULT_WORKSPACE) -> Iterator[Any]:
    """The SDK client for this home: in-process, or the running server's API (see
    docs/api.md, "The CLI and a running server")."""
    from hubbub.sdk import open as open_client

    opened = open_client(home_path(home), workspace)
    try:
        yield opened
    finally:
        opened.close()


def server_client(home: Path | None) -> Any:
    """An SDK client of the `hubbub serve` that owns this home's store, or None if none runs
    (then the command opens the store itself)."""
    from hubbub.api.server_file import running_server

    info = running_server(home_path(home))
    if info is None:
        return None
    from hubbub.sdk import HttpClient

    return HttpClient(info.url, info.token, DEFAULT_WORKSPACE)


def upload_file(
    server: Any,
    file: Path,
    format: str | None,
    options: dict[str, str],
    enrich: bool,
    on_bytes: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Import one file through `POST /v1/posts` of a running server (`server`: its ServerInfo);
    the server's import summary. The file is streamed as it is (compressed or not)."""
    import httpx

    from hubbub.errors import HubbubError
    from hubbub.sdk import _error_from

    def chunks() -> Iterator[bytes]:
        with open(file, "rb") as handle:
            while chunk := handle.read(1 << 20):
                if on_bytes is not None:
                    on_bytes(len(chunk))
                yield chunk

    params: list[tuple[str, str | int | float | bool | None]] = [
        ("name", file.name),
        ("enrich", str(enrich).lower()),
    ]
    if format:
        params.append(("format", format))
    params += [("option", f"{k}={v}") for k, v in options.items()]
    try:
        # No read timeout: the answer comes when the whole file is imported.
        response = httpx.post(
            server.url.rstrip("/") + "/v1/posts",
            params=params,
            content=chunks(),
            headers={"Authorization": f"Bearer {server.token}"},
            timeout=httpx.Timeout(30.0, read=None),
        )
    except httpx.HTTPError as exc:
        raise HubbubError(f"cannot reach the Hubbub server at {server.url}: {exc}") from None
    if response.status_code >= 400:
        raise _error_from(response)
    return response.json()  # type: ignore[no-any-return]


def print_json(value: Any) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode() + "\n")


def one_line_query_errors(run: Callable[[], Any]) -> Any:
    """Run; a QueryError becomes one line with its position and hint, and exit code 2."""
    try:
        return run()
    except QueryError as exc:
        hint = f"; hint: {exc.hint}" if exc.hint else ""
        print(
            f"hubbub: invalid query: {exc.message} (at character {exc.position + 1}){hint}",
            file=sys.stderr,
        )
        raise typer.Exit(2) from None
