"""What every route depends on: the app's state (home, the store and its one worker thread),
who is asking (the token), and the Service for their workspace.

chdb sessions must not be used from two threads at once, so the store lives behind a
single-thread executor: it is opened, queried and closed only from that thread, and every
request that touches posts queues its work there (`run_on_store`). Topic and token routes only
touch SQLite and run in FastAPI's ordinary thread pool.
"""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request

from hubbub.api.service import Service
from hubbub.api.store_thread import StoreExecutor
from hubbub.auth import AuthError, Forbidden, Principal, TokenStore
from hubbub.errors import StoreError
from hubbub.topics import DEFAULT_WORKSPACE
from hubbub.topics.models import check_workspace

T = TypeVar("T")
LOCAL_TOKEN_ID = "local"


class AppState:
    """Held in `app.state.hubbub`. `store` is given by tests; otherwise opened at startup."""

    def __init__(self, home: Path, store: Any = None) -> None:
        self.home = Path(home)
        self.executor = StoreExecutor()
        self._owns_store = store is None
        self.store = store
        # The CLI on this machine authenticates with this token, read from <home>/server.json
        # (mode 600); it lives only as long as the server and is never stored in meta.sqlite3.
        self.local_token = "hbl_" + secrets.token_urlsafe(32)
        # Run at shutdown, inside the app's lifespan: uvicorn re-raises SIGTERM/SIGINT after a
        # graceful shutdown, so code after `server.run()` may never run.
        self.on_close: list[Callable[[], None]] = []

    def open(self) -> None:
        """Open the store on its thread (idempotent)."""
        if self.store is None:
            from hubbub.store import open_store

            self.store = self.executor.submit(open_store, self.home).result()

    def close(self) -> None:
        while self.on_close:
            self.on_close.pop()()
        if self._owns_store and self.store is not None:
            self.executor.submit(self.store.close).result()
            self.store = None
        self.executor.shutdown(wait=True)

    def get_store(self) -> Any:
        if self.store is None:
            raise StoreError("the server has no store open")
        return self.store


def app_state(request: Request) -> AppState:
    return request.app.state.hubbub  # type: ignore[no-any-return]


def principal(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_hubbub_workspace: Annotated[
        str | None,
        Header(description="Workspace to act in (only the server's local CLI token uses it)."),
    ] = None,
) -> Principal:
    state = app_state(request)
    token = _bearer(authorization)
    if token is not None and secrets.compare_digest(token, state.local_token):
        if not local_client(request):
            raise AuthError("the server's local token works only from this machine")
        workspace = check_workspace(x_hubbub_workspace or DEFAULT_WORKSPACE)
        return Principal(LOCAL_TOKEN_ID, workspace, "admin", "local-cli")
    with TokenStore(state.home) as tokens:
        who = tokens.verify(token)
    if x_hubbub_workspace and x_hubbub_workspace != who.workspace:
        raise Forbidden(
            f"this token belongs to workspace {who.workspace!r}, not {x_hubbub_workspace!r}"
        )
    return who


def local_client(request: Request) -> bool:
    """Whether the request comes from this machine. The local token is accepted only then, even
    when `hubbub serve --host` listens on other interfaces (behind a proxy on this machine,
    uvicorn reports the forwarded client). A client that is not an IP address (a Unix socket,
    Starlette's test client) is not a remote one."""
    host = request.client.host if request.client else None
    try:
        return host is None or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AuthError("send the token as `Authorization: Bearer <token>`")
    return value.strip()


Who = Annotated[Principal, Depends(principal)]


def service(request: Request, who: Who) -> Service:
    state = app_state(request)
    return Service(state.home, who.workspace, state.get_store, by=who.label)


def writer(who: Who) -> Principal:
    who.require("analyst", "change topics")
    return who


def admin(who: Who) -> Principal:
    who.require("admin", "manage tokens")
    return who


Svc = Annotated[Service, Depends(service)]


async def run_on_store(request: Request, work: Callable[[], T]) -> T:
    """Run `work` on the store's thread (one at a time) without blocking the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(app_state(request).executor, work)


async def read_on_store(request: Request, work: Callable[[], T]) -> T:
    """Run `work`, which only reads (a figure, a page of posts), beside other reads; never
    during a call that may write (api/store_thread.py)."""
    state = app_state(request)

    def read() -> T:
        with state.get_store().reading():
            return work()

    return await asyncio.wrap_future(state.executor.submit_read(read))
