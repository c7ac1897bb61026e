"""What every dashboard page depends on: the reader's language, who is signed in, and the
Service of the workspace in the URL (/w/<workspace>/...)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request

from hubbub.api.deps import app_state, read_on_store
from hubbub.api.service import Service
from hubbub.auth import Principal
from hubbub.web.cache import FigureCache
from hubbub.web.i18n import Translator, pick_language
from hubbub.web.session import LANG_COOKIE, Session, read_session


def translator(request: Request) -> Translator:
    return Translator(
        pick_language(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    )


@dataclass(frozen=True)
class Page:
    """A signed-in request inside one workspace."""

    request: Request
    t: Translator
    session: Session
    workspace: str
    who: Principal
    svc: Service

    def url(self, path: str = "") -> str:
        return f"/w/{quote(self.workspace, safe='')}{path}"

    def topic_url(self, name: str, path: str = "") -> str:
        return self.url(f"/topics/{quote(name, safe='')}{path}")

    async def cached(self, key: tuple[Any, ...], work: Callable[[], Any]) -> Any:
        """`work()` (a read) on a store reader, or its result from the last minute (web/cache.py).
        The key is completed with the workspace and the language of the labels."""
        figures: FigureCache = self.request.app.state.web_figures
        full_key = (self.workspace, self.t.lang, *key)
        found = figures.get(full_key)
        if found is None:
            found = await read_on_store(self.request, work)
            figures.put(full_key, found)
        return found

    def context(self) -> dict[str, Any]:
        """What base.html needs: the workspace switcher and the signed-in role."""
        return {
            "page": self,
            "workspaces": self.session.workspaces(self.request),
            "workspace": self.workspace,
            "who": self.who,
        }


def page(request: Request, workspace: str) -> Page:
    session = read_session(request)
    who = session.principal(request, workspace)
    state = app_state(request)
    svc = Service(state.home, who.workspace, state.get_store, by=who.label)
    return Page(request, translator(request), session, who.workspace, who, svc)


Tr = Annotated[Translator, Depends(translator)]
PageDep = Annotated[Page, Depends(page)]
