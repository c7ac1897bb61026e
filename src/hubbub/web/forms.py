"""HTML forms: the dashboard posts `application/x-www-form-urlencoded` bodies only, read here
without the python-multipart dependency FastAPI's Form() would need."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request

MAX_FORM_BYTES = 256 * 1024


async def form_fields(request: Request) -> dict[str, str]:
    """The form's fields (the last value of a repeated field)."""
    body = await request.body()
    text = body[:MAX_FORM_BYTES].decode("utf-8", errors="replace")
    return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
