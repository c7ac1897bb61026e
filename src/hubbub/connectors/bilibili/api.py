"""What Bilibili's web API has in common across endpoints: its error codes and its video ids.

The API answers HTTP 200 with a JSON envelope `{code, message, data}`; `code` 0 is success and
a negative code says what went wrong. Bilibili does not document this API (it is what its own
web pages call), so the codes below are those the public clients agree on, sorted the way
`hubbub.connectors.http` sorts HTTP statuses: retry later, fix the credentials, or fix the
settings.

Videos have two ids: the old numeric `aid` (av170001) and the `bvid` (BV17x411w7KC) shown since
2020. They encode each other (a fixed, public, reversible scrambling), so a reply, which names
its video by `aid` only, links to the same `bvid` a search result carries without a request.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from hubbub.errors import (
    ConfigError,
    SourceAuthError,
    SourceError,
    SourceTerminal,
    SourceTransient,
)

COOKIE_VAR = "HUBBUB_BILIBILI_COOKIE"
COOKIE_HINT = (
    f"set {COOKIE_VAR} to the Cookie header of a logged-out browser visit to bilibili.com "
    "(its buvid3 value is enough for search; add SESSDATA only for your own account)"
)
# Blocked as too frequent: the public clients wait minutes, not seconds.
BLOCKED_WAIT = 600.0
_TRANSIENT = {-412: "the request was blocked as too frequent", -509: "too many requests"}
_AUTH = {
    -101: "not logged in",
    -111: "the request's signature was refused",
    -352: "the request failed Bilibili's risk check",
    -403: "access denied",
}


def check(body: Any, source: str, what: str) -> Any:
    """The `data` of a successful answer; a SourceError naming the code otherwise."""
    if not isinstance(body, dict) or not isinstance(body.get("code"), int):
        raise SourceTerminal(f"{source}: {what} did not return Bilibili's {{code, data}} envelope")
    code = body["code"]
    if code == 0:
        return body.get("data")
    message = str(body.get("message") or body.get("msg") or "").strip()
    said = f"{what}: Bilibili code {code}" + (f" ({message})" if message else "")
    if code in _TRANSIENT:
        raise SourceTransient(
            f"{source}: {said}: {_TRANSIENT[code]}; run again later", retry_after=BLOCKED_WAIT
        )
    if code in _AUTH:
        raise SourceAuthError(f"{source}: {said}: {_AUTH[code]}; {COOKIE_HINT}")
    raise SourceTerminal(f"{source}: {said}: check the source's settings")


def refine_blocked(response: httpx.Response) -> SourceError | None:
    """Bilibili also blocks with HTTP 412 (an HTML page, not the JSON envelope): a wait."""
    if response.status_code != 412:
        return None
    return SourceTransient(
        f"HTTP 412 from {response.request.url.path}: Bilibili blocked the request as too "
        "frequent; run again later",
        retry_after=BLOCKED_WAIT,
    )


# ---- video ids -----------------------------------------------------------------------------------
_XOR = 23442827791579
_MASK = 2251799813685247
_MAX_AID = 1 << 51
_ALPHABET = "FcwAPNKTMug3GV5Lj7EJnHpWsx4tb8haYeviqBz6rkCy12mUSDQX9RdoZf"
_BASE = len(_ALPHABET)
_BVID = re.compile(r"^BV1[" + _ALPHABET + r"]{9}$")
_SWAPS = ((3, 9), (4, 7))


def aid_to_bvid(aid: int) -> str:
    chars = list("BV1000000000")
    value = (_MAX_AID | aid) ^ _XOR
    at = len(chars) - 1
    while value > 0:
        chars[at] = _ALPHABET[value % _BASE]
        value //= _BASE
        at -= 1
    for a, b in _SWAPS:
        chars[a], chars[b] = chars[b], chars[a]
    return "".join(chars)


def bvid_to_aid(bvid: str) -> int:
    if not _BVID.match(bvid):
        raise ValueError(f"{bvid!r} is not a Bilibili video id (BV1 and 9 more characters)")
    chars = list(bvid)
    for a, b in _SWAPS:
        chars[a], chars[b] = chars[b], chars[a]
    value = 0
    for char in chars[3:]:
        value = value * _BASE + _ALPHABET.index(char)
    return (value & _MASK) ^ _XOR


def video_ids(text: str | None, source: str) -> list[str]:
    """The `videos` option: BV ids, av ids or video URLs, comma- or space-separated → bvids."""
    ids: list[str] = []
    for part in re.split(r"[,\s]+", text or ""):
        if not part:
            continue
        found = re.search(r"BV1[0-9A-Za-z]{9}", part)
        av = re.search(r"(?:^|/|av)(\d+)/?$", part, re.IGNORECASE)
        try:
            if found:
                bvid = found.group(0)
                bvid_to_aid(bvid)  # checks the alphabet
                ids.append(bvid)
            elif av:
                ids.append(aid_to_bvid(int(av.group(1))))
            else:
                raise ValueError(part)
        except ValueError:
            raise ConfigError(
                f"{source}: {part!r} is not a Bilibili video: use BV ids (BV17x411w7KC), "
                "av ids (av170001) or video URLs"
            ) from None
    if not ids:
        raise ConfigError(f"{source}: set the videos to read: --set videos=BV17x411w7KC,...")
    return list(dict.fromkeys(ids))


def video_url(bvid: str) -> str:
    return f"https://www.bilibili.com/video/{bvid}"


def space_url(mid: str) -> str:
    return f"https://space.bilibili.com/{mid}"
