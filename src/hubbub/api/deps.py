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
from starlette.concurrency import run_in_threadpool

from hubbub.api.service import Service
from hubbub.api.store_thread import StoreExecutor
from hubbub.auth import AuthError, Forbidden, Principal, TokenStore
from hubbub.errors import StoreError
from hubbub.topics import DEFAULT_WORKSPACE
from hubbub.topics.models import check_workspace

T = TypeVar("T")
LOCAL_TOKEN_ID = "local"
WorkspaceHeader = Annotated[
    str | None,
    Header(description="Workspace to act in (only the server's local CLI token uses it)."),
]


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
    x_hubbub_workspace: WorkspaceHeader = None,
) -> Principal:
    """Who sends `authorization` (the dashboard's token sign-in calls this directly)."""
    who, due = _check_token(request, authorization, x_hubbub_workspace)
    if due:
        _touch(app_state(request).home, who.token_id)
    return _in_workspace(who, x_hubbub_workspace)


async def api_principal(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_hubbub_workspace: WorkspaceHeader = None,
) -> Principal:
    """`principal` for the API's routes, checked on the event loop: the check only reads
    SQLite (a WAL reader does not wait for writers) on a pooled connection (topics/db.py),
    where a hop to the thread pool cost more than the check. Recording the token's last use,
    a write that may wait for the lock, goes to the pool (at most once a minute per token)."""
    who, due = _check_token(request, authorization, x_hubbub_workspace)
    if due:
        await run_in_threadpool(_touch, app_state(request).home, who.token_id)
    return _in_workspace(who, x_hubbub_workspace)


def _check_token(
    request: Request, authorization: str | None, workspace: str | None
) -> tuple[Principal, bool]:
    """The principal of the request's bearer token and whether its last use is due to be
    recorded. Every request is checked against meta.sqlite3: a token revoked by the CLI is
    refused at once. `workspace`: the one the server's local token acts in."""
    state = app_state(request)
    token = _bearer(authorization)
    if token is not None and secrets.compare_digest(token, state.local_token):
        if not local_client(request):
            raise AuthError("the server's local token works only from this machine")
        acting = check_workspace(workspace or DEFAULT_WORKSPACE)
        return Principal(LOCAL_TOKEN_ID, acting, "admin", "local-cli"), False
    with TokenStore(state.home) as tokens:
        return tokens.check(token)


def _touch(home: Path, token_id: str) -> None:
    with TokenStore(home) as tokens:
        tokens.touch(token_id)


def _in_workspace(who: Principal, workspace: str | None) -> Principal:
    if who.token_id != LOCAL_TOKEN_ID and workspace and workspace != who.workspace:
        raise Forbidden(f"this token belongs to workspace {who.workspace!r}, not {workspace!r}")
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


Who = Annotated[Principal, Depends(api_principal)]

# The dependencies below do no I/O, so they are coroutines: FastAPI runs a plain function
# dependency in its thread pool, and each such hop cost a request more than the work itself.


async def service(request: Request, who: Who) -> Service:
    state = app_state(request)
    return Service(state.home, who.workspace, state.get_store, by=who.label)


async def writer(who: Who) -> Principal:
    who.require("analyst", "change topics")
    return who


async def admin(who: Who) -> Principal:
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
