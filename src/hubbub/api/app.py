"""The FastAPI application: routes under /v1, OpenAPI at /docs, one error shape (api/errors.py).

`create_app(home)` opens the home's store at startup (on its own thread, see api/deps.py) and
closes it at shutdown; tests pass an open `store` instead, which the app then leaves open.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI

from hubbub import __version__
from hubbub.api import errors
from hubbub.api.deps import AppState, Who
from hubbub.api.routes import alerts, analytics, posts, sources, tokens, topics, zeeschuimer

DESCRIPTION = """Hubbub's REST API: topics, posts, exports and analyses of one workspace home.

Send `Authorization: Bearer <token>` (`hubbub token create`). A token sees its workspace's
topics; posts are shared by every workspace of a home. Errors always have the shape
`{"error": {"code", "message", "hint"?, "position"?}}`.
"""


def create_app(home: Path, store: Any = None, state: AppState | None = None) -> FastAPI:
    """The app for `home`. `store`: an open store to use and leave open (tests); `state`: an
    AppState already opened by the caller (`hubbub serve` opens it first, so a locked store
    is a one-line error before uvicorn starts)."""
    state = state or AppState(home, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.open()
        try:
            yield
        finally:
            state.close()

    app = FastAPI(
        title="Hubbub",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.hubbub = state
    errors.install(app)

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, Any]:
        """Liveness, without a token (the CLI uses it to find a running server)."""
        return {"status": "ok", "version": __version__}

    v1 = APIRouter(prefix="/v1")

    @v1.get("/me", tags=["meta"])
    def me(who: Who) -> dict[str, Any]:
        """The token's workspace and role."""
        return who.to_dict()

    for module in (topics, analytics, posts, tokens, sources, alerts):
        v1.include_router(module.router)
    app.include_router(v1)
    # At the root, where the Zeeschuimer extension looks for 4CAT's /api/import-dataset/.
    app.include_router(zeeschuimer.router)
    from hubbub.web import mount

    mount(app)  # the dashboard at /, after /v1 and /health so those paths stay the API's
    return app
