"""The posts themselves: a page at a time (cursor pagination) or all of them, streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from hubbub.api.deps import Svc, run_on_store
from hubbub.api.routes.params import TargetQ
from hubbub.api.service import parse_bucket
from hubbub.errors import ConfigError
from hubbub.export import FORMATS

router = APIRouter(tags=["posts"])


@router.get("/posts")
async def posts(
    request: Request,
    svc: Svc,
    target: TargetQ,
    order: Annotated[str | None, Query(description="newest or engagement.")] = None,
    limit: Annotated[int | None, Query(ge=1, description="Posts per page.")] = None,
    cursor: Annotated[
        str | None, Query(description="`next_cursor` of the previous page, same parameters.")
    ] = None,
    bucket: Annotated[
        str | None,
        Query(description='JSON object narrowing to a chart bucket, e.g. {"platform": "weibo"}.'),
    ] = None,
) -> dict[str, Any]:
    """A page of matching posts; follow `next_cursor` until it is null."""
    narrowed = parse_bucket(bucket)

    def work() -> dict[str, Any]:
        scope = svc.scope(**target.kwargs())
        page = svc.analyze("posts", scope, order=order, limit=limit, cursor=cursor, bucket=narrowed)
        return page.to_dict()  # type: ignore[no-any-return]

    return await run_on_store(request, work)


@router.get("/search")
async def search(
    request: Request,
    svc: Svc,
    target: TargetQ,
    limit: Annotated[int, Query(ge=1, le=100_000, description="How many posts.")] = 20,
) -> dict[str, Any]:
    """The newest matching posts as full store rows (what `hubbub search` prints)."""

    def work() -> dict[str, Any]:
        return {"rows": svc.search(svc.scope(**target.kwargs()), limit)}

    return await run_on_store(request, work)


@router.get("/stats")
async def stats(request: Request, svc: Svc, target: TargetQ) -> dict[str, Any]:
    """Matching posts: total, by platform, language and day (what `hubbub stats` prints)."""
    return await run_on_store(request, lambda: svc.stats(svc.scope(**target.kwargs())))


@router.get("/export", response_class=StreamingResponse)
async def export(
    request: Request,
    svc: Svc,
    target: TargetQ,
    format: Annotated[str, Query(description="ndjson, csv or parquet.")] = "ndjson",
) -> StreamingResponse:
    """Every matching post, oldest first, streamed with no row cap (NDJSON re-imports)."""
    if format not in FORMATS:
        raise ConfigError(f"unknown export format {format!r}; use {', '.join(FORMATS)}")

    def start() -> tuple[Iterator[bytes], bytes]:
        chunks = svc.export(svc.scope(**target.kwargs()), format)
        # The first chunk is made before the response starts, so a bad query or a store error
        # is still answered with a status and the error shape rather than a cut-off stream.
        return chunks, next(chunks, b"")

    chunks, first = await run_on_store(request, start)

    async def stream() -> AsyncIterator[bytes]:
        yield first
        while True:
            chunk = await run_on_store(request, lambda: next(chunks, None))
            if chunk is None:
                return
            yield chunk

    return StreamingResponse(
        stream(),
        media_type=FORMATS[format],
        headers={"Content-Disposition": f'attachment; filename="hubbub-export.{format}"'},
    )
