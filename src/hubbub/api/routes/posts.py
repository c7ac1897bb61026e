"""The posts themselves: a page at a time (cursor pagination) or all of them, streamed; and
posts written through the server (`POST /v1/posts`, what `hubbub import` uses while a server
owns the store)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from hubbub import settings
from hubbub.api.cached import cached_answer
from hubbub.api.deps import Svc, Who, app_state, run_on_store
from hubbub.api.errors import error_body
from hubbub.api.routes.params import TargetQ
from hubbub.api.service import parse_bucket
from hubbub.errors import ConfigError
from hubbub.export import FORMATS

# The body is spooled to disk before the import starts, so a client that stops halfway
# imports nothing; the limit keeps one upload from filling the disk.
MAX_IMPORT_BYTES = 4 << 30

router = APIRouter(tags=["posts"])
BucketQ = Annotated[
    str | None,
    Query(description='JSON object narrowing to a chart bucket, e.g. {"platform": "weibo"}.'),
]


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
    bucket: BucketQ = None,
) -> dict[str, Any]:
    """A page of matching posts; follow `next_cursor` until it is null."""
    narrowed = parse_bucket(bucket)

    def work() -> dict[str, Any]:
        scope = svc.scope(**target.kwargs())
        page = svc.analyze("posts", scope, order=order, limit=limit, cursor=cursor, bucket=narrowed)
        return page.to_dict()  # type: ignore[no-any-return]

    return await cached_answer(request, svc, work)


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
    bucket: BucketQ = None,
) -> StreamingResponse:
    """Every matching post (of a chart bucket if given), oldest first, streamed with no row
    cap (NDJSON re-imports)."""
    if format not in FORMATS:
        raise ConfigError(f"unknown export format {format!r}; use {', '.join(FORMATS)}")
    narrowed = parse_bucket(bucket)

    def start() -> tuple[Iterator[bytes], bytes]:
        chunks = svc.export(svc.scope(**target.kwargs()), format, narrowed)
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


@router.post("/posts")
async def import_posts(
    request: Request,
    who: Who,
    format: Annotated[
        str | None,
        Query(description="Importer format (hubbub, csv, twitter_v2, …); detected if absent."),
    ] = None,
    option: Annotated[
        list[str] | None,
        Query(description="Format option KEY=VALUE, repeatable (as `hubbub import -o`)."),
    ] = None,
    enrich: Annotated[bool, Query(description="Run the `enrichers` setting on new posts.")] = True,
    name: Annotated[
        str | None, Query(description="The file's name, recorded with its rejected lines.")
    ] = None,
) -> Any:
    """Import the body (a file in any importer format, NDJSON of posts by default, zstd/gzip
    allowed), streamed; idempotent on (platform, platform_id). Answers the import summary."""
    who.require("analyst", "import posts")
    options = _options(option or [])
    if options and not format:
        raise ConfigError("option needs format: say which format the options are for")
    if format:
        from hubbub.connectors.importers.detect import get_format

        get_format(format, **options)  # an unknown format or option fails before the upload
    state = app_state(request)
    spool = state.home / "uploads" / f".posts-{secrets.token_hex(8)}"
    spool.parent.mkdir(parents=True, exist_ok=True)
    label = Path(name).name if name else "upload"
    try:
        if not await _spool(request, spool):
            message = f"uploads are limited to {MAX_IMPORT_BYTES >> 30} GiB; split the file"
            return JSONResponse(error_body("too-large", message), status_code=413)

        def work() -> dict[str, Any]:
            return import_spooled(
                state.home, state.get_store(), spool, label, format, options, enrich
            )

        return await run_on_store(request, work)
    finally:
        spool.unlink(missing_ok=True)


def _options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"option {pair!r} must be KEY=VALUE")
        options[key.strip()] = value
    return options


async def _spool(request: Request, path: Path) -> bool:
    """Write the body to `path` as it arrives; False (and stop reading) past the size limit."""
    size = 0
    with open(path, "wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_IMPORT_BYTES:
                return False
            out.write(chunk)
    return True


def import_spooled(
    home: Path,
    store: Any,
    path: Path,
    label: str,
    format: str | None,
    options: dict[str, str],
    enrich: bool,
) -> dict[str, Any]:
    """Import one spooled upload as `hubbub import` imports a file; its summary, as a dict."""
    from hubbub.connectors.importers.detect import detect_format, get_format, is_empty, open_stream
    from hubbub.connectors.importers.pipeline import Importer

    names = str(settings.get("enrichers", home)) if enrich else ""
    importer = Importer(
        store,
        home,
        batch_units=int(settings.get("import_batch", home)),
        workers=1,  # no worker processes inside the server: its store thread does the work
        archive=bool(settings.get("archive_raw", home)),
        enrichers=tuple(n.strip() for n in names.split(",") if n.strip()),
    )
    with importer:
        if format:
            fmt = get_format(format, **options)
        elif is_empty(path):
            fmt = None
            importer.summary.files += 1
        else:
            fmt = detect_format(path)
        if fmt is not None:
            # import_units rather than import_file: rejects name the client's file, not the spool.
            with open_stream(path) as stream:
                importer.import_units(fmt, fmt.units(stream), label, path.stat().st_size)
    summary = importer.summary.to_dict()
    if summary["rejects_file"]:
        # Where the rejects are, inside the home: the server's own paths are not the client's.
        summary["rejects_file"] = str(Path(summary["rejects_file"]).relative_to(home))
    return summary
