"""Answers of read routes shared between the analysts asking the same question.

A team watching one topic asks the same questions over and over, and each answer costs the
store's single thread tens to hundreds of milliseconds on a million posts. So a read route
hands its work to `cached_answer`, which answers, in this order:

1. from the cache (`api_cache_seconds`, hubbub.web.cache): an entry younger than the TTL, or
   an older one whose window no write has reached since it was computed (the store's
   ChangeLog; last week's dashboard stays valid while the live pipeline adds today's posts);
2. by waiting for the same request already being computed (one computation, many answers);
3. by computing it on one of the store's readers (api/store_thread.py).

The key is the workspace, the path, every query parameter and every topic's version, so an
edited topic is seen at once. `Cache-Control: no-cache` asks for a fresh answer, and the
`X-Hubbub-Cache` header says which it was: hit, shared or miss.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

from hubbub.api.deps import app_state, read_on_store
from hubbub.api.service import Service
from hubbub.errors import HubbubError
from hubbub.topics import make_filters
from hubbub.web.cache import FigureCache

Window = tuple[int | None, int | None]  # created_at bounds in Unix ms, None: open


async def cached_answer(
    request: Request,
    svc: Service,
    work: Callable[[], dict[str, Any]],
    *,
    reads_before_since: bool = False,
) -> Any:
    """`work`'s answer (run on a store reader), shared as described above.

    `reads_before_since`: the answer also depends on posts before the `since` parameter (a
    comparison with the previous period, an emerging-terms baseline).
    """
    cache: FigureCache | None = getattr(request.app.state, "api_figures", None)
    if cache is None or cache.ttl <= 0:
        return await read_on_store(request, work)
    changes = getattr(app_state(request).store, "changes", None)
    key = (
        svc.workspace,
        request.url.path,
        tuple(sorted(request.query_params.multi_items())),
        tuple((t.name, t.version) for t in svc.topics()),
    )
    window = _window(request, reads_before_since)

    def still_valid(mark: int) -> bool:
        return changes is not None and not changes.touched(mark, *window)

    if "no-cache" in request.headers.get("cache-control", "").lower():
        found = await _compute(request, cache, key, work, changes)
        return _answer(found, "miss")
    found = cache.get(key, still_valid)
    if found is not None:
        return _answer(found, "hit")
    inflight: dict[Hashable, asyncio.Task[Any]] = request.app.state.api_inflight
    task = inflight.get(key)
    state = "shared"
    if task is None:
        task = asyncio.ensure_future(_compute(request, cache, key, work, changes))
        inflight[key] = task
        task.add_done_callback(lambda done: _forget(inflight, key, done))
        state = "miss"
    # shield: a caller that goes away does not cancel the answer others wait for.
    found = await asyncio.shield(task)
    return _answer(found, state)


def _answer(body: bytes, state: str) -> Response:
    return Response(body, media_type="application/json", headers={"X-Hubbub-Cache": state})


async def _compute(
    request: Request,
    cache: FigureCache,
    key: Hashable,
    work: Callable[[], dict[str, Any]],
    changes: Any,
) -> Any:
    # The mark is taken before the work starts, so a write landing during it makes the entry
    # stale rather than letting it hide that write.
    mark = changes.mark() if changes is not None else None
    # Kept as JSON bytes: a hit is then answered without serialising the figure again.
    found = orjson.dumps(await read_on_store(request, work), option=orjson.OPT_NON_STR_KEYS)
    cache.put(key, found, mark)
    return found


def _forget(inflight: dict[Hashable, asyncio.Task[Any]], key: Hashable, done: Any) -> None:
    if inflight.get(key) is done:
        del inflight[key]
    if not done.cancelled():
        done.exception()  # retrieved: its callers report it; nobody left is not an error


def _window(request: Request, reads_before_since: bool) -> Window:
    """The created_at range the answer reads, from the request's own since/until (a topic's
    saved window can only narrow it, so this is a safe bound); open on unreadable values
    (the route answers those with its own error)."""
    params = request.query_params
    try:
        asked = make_filters(since=params.get("since"), until=params.get("until"))
    except HubbubError:
        return None, None
    low = None if reads_before_since or asked.since is None else _ms(asked.since)
    high = None if asked.until is None else _ms(asked.until)
    return low, high


def _ms(moment: Any) -> int:
    return int(moment.timestamp() * 1000)
