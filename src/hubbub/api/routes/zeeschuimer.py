"""The Zeeschuimer bridge: the upload API 4CAT offers the Zeeschuimer browser extension.

Zeeschuimer (digitalmethodsinitiative/zeeschuimer) captures TikTok, Douyin, Xiaohongshu,
Instagram and X items while its user browses, and can upload them to a "4CAT server" whose
address the user enters. It keeps only `scheme://host[:port]` of that address and speaks:

    POST /api/import-dataset/        X-Zeeschuimer-Platform: tiktok.com
                                     body: the NDJSON export, one item envelope per line
    → 200 {"status", "key", "url"}   (a 404 whose text says "Unknown platform or source
                                     format" means the platform is not accepted)
    GET  /api/check-query/?key=KEY   polled every second until {"done": true, "rows", ...}

Hubbub answers both at the root of its server, so the extension needs no change: enter
Hubbub's address as the 4CAT URL. The body is streamed to a spool file (hashed on the way,
bounded in size), then read line by line through the `zeeschuimer` importer into the store:
the same mapping, raw archive, enrichment and idempotent writes as `hubbub import`. Uploading
the same items twice adds nothing; the upload's key is the digest of its bytes, so the same
file gets the same key. The spool file is deleted afterwards, as 4CAT does; a small JSON record
of the upload (`<home>/uploads/zeeschuimer/<key>.json`) answers the status poll.

Token: 4CAT relies on its session cookie, which the extension's requests carry. Hubbub takes an
API token (role analyst or admin) from `Authorization: Bearer`, 4CAT's `Authentication` header
or `access-token` query parameter, or the `hubbub_upload` cookie, which `GET
/api/zeeschuimer/connect?access-token=TOKEN`, opened once in the browser that runs Zeeschuimer,
sets (opened by hand: a link from another site is refused). The server's local token is
accepted from this machine only, as by the API.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from hubbub import settings
from hubbub.api.deps import LOCAL_TOKEN_ID, app_state, local_client, run_on_store
from hubbub.api.errors import error_body
from hubbub.auth import AuthError, Forbidden, Principal, TokenStore
from hubbub.connectors.importers import zeeschuimer
from hubbub.connectors.importers.pipeline import Importer
from hubbub.connectors.importers.units import line_units
from hubbub.errors import ConfigError
from hubbub.topics import DEFAULT_WORKSPACE

router = APIRouter(tags=["zeeschuimer"])
COOKIE = "hubbub_upload"
MAX_UPLOAD_BYTES = 2 << 30  # 2 GiB: a browser's IndexedDB export is far below this
COOKIE_DAYS = 30


def uploads_dir(home: Path) -> Path:
    return Path(home) / "uploads" / "zeeschuimer"


def upload_principal(request: Request) -> Principal:
    """The token from wherever a Zeeschuimer or 4CAT client puts it (see the module docstring)."""
    state = app_state(request)
    header = request.headers.get("authorization") or ""
    scheme, _, value = header.partition(" ")
    token = (
        (value.strip() if scheme.lower() == "bearer" else None)
        or request.headers.get("authentication")
        or request.query_params.get("access-token")
        or request.cookies.get(COOKIE)
    )
    if not token:
        raise AuthError(
            "send an API token (Authorization: Bearer, Authentication header, access-token "
            "parameter), or open /api/zeeschuimer/connect?access-token=TOKEN in this browser once"
        )
    token = token.strip()
    if secrets.compare_digest(token, state.local_token):
        # The same rule as the API's: the server's own token only from this machine.
        if not local_client(request):
            raise AuthError("the server's local token works only from this machine")
        return Principal(LOCAL_TOKEN_ID, DEFAULT_WORKSPACE, "admin", "local-cli")
    with TokenStore(state.home) as tokens:
        return tokens.verify(token)


@router.get("/api/zeeschuimer/connect")
def connect(request: Request) -> JSONResponse:
    """Remember an API token in this browser (a cookie), so Zeeschuimer's uploads carry it."""
    # Opened by hand (typed or pasted: Sec-Fetch-Site "none"), never from another site's link:
    # such a link could plant its own token, and this browser's uploads would go to its
    # workspace.
    if request.headers.get("sec-fetch-site", "none") not in ("none", "same-origin"):
        raise Forbidden("open this address by typing or pasting it, not from another site's link")
    who = upload_principal(request)
    who.require("analyst", "upload datasets")
    token = request.query_params.get("access-token")
    answer = JSONResponse(
        {
            "workspace": who.workspace,
            "message": "this browser can now upload from Zeeschuimer: enter "
            f"{request.base_url} as its 4CAT server address",
        }
    )
    if token:
        answer.set_cookie(
            COOKIE,
            token.strip(),
            max_age=COOKIE_DAYS * 86400,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/api/",
        )
    return answer


@router.post("/api/import-dataset/")
async def import_dataset(
    request: Request,
    x_zeeschuimer_platform: Annotated[
        str | None, Header(description="The Zeeschuimer module id, e.g. tiktok.com.")
    ] = None,
    pseudonymise: Annotated[
        str | None, Query(description="4CAT's option; only `none` is supported.")
    ] = None,
) -> JSONResponse:
    """Import a Zeeschuimer NDJSON upload (body: one item envelope per line) into the store."""
    who = upload_principal(request)
    who.require("analyst", "upload datasets")
    platform = (x_zeeschuimer_platform or "").strip()
    if not platform:
        raise ConfigError("send the X-Zeeschuimer-Platform header (e.g. tiktok.com)")
    if platform not in zeeschuimer.MAPPERS:
        known = ", ".join(zeeschuimer.MAPPERS)
        message = f"Unknown platform or source format '{platform}' (Hubbub accepts {known})"
        return JSONResponse(error_body("not-found", message), status_code=404)
    if pseudonymise not in (None, "", "none"):
        raise ConfigError("pseudonymise: only `none` is supported; Hubbub keeps authors as given")
    state = app_state(request)
    folder = uploads_dir(state.home)
    folder.mkdir(parents=True, exist_ok=True)
    spool = folder / f".upload-{secrets.token_hex(8)}.ndjson"
    try:
        try:
            digest, size = await _spool(request, spool)
        except UploadTooLarge as exc:
            return JSONResponse(error_body("too-large", str(exc)), status_code=413)
        key = digest[:32]
        label = f"zeeschuimer upload {key} ({platform})"

        def work() -> dict[str, Any]:
            return _import(state.home, state.get_store(), spool, size, label)

        summary = await run_on_store(request, work)
    finally:
        spool.unlink(missing_ok=True)
    record = {
        "key": key,
        "datasource": platform,
        "rows": summary["imported"] + summary["duplicates"],
        **summary,
        "bytes": size,
        "uploaded_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "by": who.label,
        "workspace": who.workspace,
    }
    (folder / f"{key}.json").write_bytes(orjson.dumps(record, option=orjson.OPT_INDENT_2))
    status_url = f"{str(request.base_url).rstrip('/')}/api/check-query/?key={key}"
    # 4CAT answers "queued" and imports later; Hubbub has finished when it answers.
    return JSONResponse({"status": "finished", "key": key, "url": status_url, **summary})


@router.get("/api/check-query/")
def check_query(
    request: Request, key: Annotated[str, Query(description="The upload's key.")]
) -> dict[str, Any]:
    """The status of an upload, in the shape Zeeschuimer polls for (`done`, `rows`, `url`)."""
    upload_principal(request)
    path = uploads_dir(app_state(request).home) / f"{key}.json"
    if not key.isalnum() or not path.is_file():
        raise ConfigError(f"no upload with key {key!r}")
    record = orjson.loads(path.read_bytes())
    return {
        **record,
        "status": f"imported {record['imported']} new posts, {record['duplicates']} already "
        f"stored, {record['rejected']} rejected",
        "done": True,
        "progress": 100,
        "empty": record["rows"] == 0,
        "url": f"{str(request.base_url).rstrip('/')}/api/check-query/?key={key}",
    }


async def _spool(request: Request, path: Path) -> tuple[str, int]:
    """Write the request body to `path` as it arrives; (sha256 hex, bytes)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise UploadTooLarge(
                    f"uploads are limited to {MAX_UPLOAD_BYTES >> 30} GiB; split the export"
                )
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def _import(home: Path, store: Any, spool: Path, size: int, label: str) -> dict[str, Any]:
    names = str(settings.get("enrichers", home))
    enrichers = tuple(n.strip() for n in names.split(",") if n.strip())
    importer = Importer(
        store,
        home,
        workers=1,  # no worker processes inside the server
        archive=bool(settings.get("archive_raw", home)),
        enrichers=enrichers,
    )
    with importer, open(spool, "rb") as stream:
        importer.import_units(zeeschuimer.FORMAT, line_units(stream), label, size)
    summary = importer.summary
    return {
        "imported": summary.imported,
        "duplicates": summary.duplicates,
        "rejected": summary.rejected,
        "skipped": summary.skipped,
        # The name only: the server's directories are not the uploader's business.
        "rejects_file": Path(summary.rejects_file).name if summary.rejects_file else None,
    }


class UploadTooLarge(ConfigError):
    """The body is larger than MAX_UPLOAD_BYTES."""
