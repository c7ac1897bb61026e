"""Bilibili over HTTP: video search, the replies of videos, and the danmaku of videos.

Three source types, one per kind of raw item (each has its own raw archive and mapping):

- `bilibili`: `/x/web-interface/search/type?search_type=video&order=pubdate` for `--query`,
  newest first, page by page. Cursor: the newest `pubdate` collected; a run reads back to it
  (a first run reads one page; `--backfill-since` reads back to that day).
- `bilibili_replies`: `/x/v2/reply/main` (time order, `mode=2`) for each video of the
  `videos` option, paged by `cursor.next`; the sub-replies shown inline (up to three per
  comment) come with their comment. Cursor: per video, the newest `rpid` collected.
- `bilibili_danmaku`: the danmaku XML list (`/x/v1/dm/list.so?oid=<cid>`) of each part of each
  video; the video's parts (`cid`s) come from `/x/web-interface/view`. The list holds the most
  recent danmaku up to the video's limit (`maxlimit`, often 1,000-3,000), not all of them.
  Cursor: per video, the newest send time collected.

Bilibili publishes no API for this: these are the endpoints its own web pages call, read
without logging in. Some answer only with a browser's `buvid3` cookie (`HUBBUB_BILIBILI_COOKIE`,
optional), and Bilibili blocks clients that ask too fast (code -412), so we pace at one
request per 2 s and wait ten minutes after a block. docs/connectors/bilibili.md says what is
not possible and the alternatives.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubbub.connectors.base import Connector, Page
from hubbub.connectors.bilibili.api import (
    COOKIE_HINT,
    COOKIE_VAR,
    bvid_to_aid,
    check,
    refine_blocked,
    video_ids,
)
from hubbub.connectors.bilibili.mapping import PLATFORM, map_danmaku, map_reply, map_video
from hubbub.connectors.http import HttpClient
from hubbub.errors import ConfigError, SourceError, SourceTerminal, SourceTransient
from hubbub.models import Post

MAX_PAGES = 20  # per run (and per video); cursors make the next run go on
SEARCH_PATH = "/x/web-interface/search/type"
REPLY_PATH = "/x/v2/reply/main"
VIEW_PATH = "/x/web-interface/view"
DANMAKU_PATH = "/x/v1/dm/list.so"
REPLIES_PER_PAGE = 20  # the web page's page size; the endpoint refuses more than 30


class _BilibiliConnector(Connector):
    platform = PLATFORM
    default_base_url = "https://api.bilibili.com"
    env_vars = (COOKIE_VAR,)
    min_interval = 2.0

    def http(self) -> HttpClient:
        cookie = self.secret(COOKIE_VAR)
        headers = {"Referer": "https://www.bilibili.com/"}
        if cookie:
            headers["Cookie"] = cookie
        return self.client(headers=headers, auth_hint=COOKIE_HINT, refine=refine_blocked)

    def max_pages(self) -> int:
        value = self.option("max_pages", str(MAX_PAGES)) or str(MAX_PAGES)
        if not value.isdigit() or int(value) < 1:
            raise ConfigError(f"{self.config.name}: max_pages must be a whole number above 0")
        return int(value)

    def per_video(
        self, cursor: dict[str, Any], since: datetime | None, read: VideoReader
    ) -> Iterator[Page]:
        """Run `read` for each video of the `videos` option; one failing video does not stop
        the others, and the run then reports the failures."""
        run = _VideoRun(self.http(), copy.deepcopy(cursor), since)
        errors: list[SourceError] = []
        for bvid in video_ids(self.option("videos"), self.config.name):
            try:
                yield from read(run, bvid)
            except SourceError as exc:
                errors.append(exc)
        if errors:
            message = "; ".join(str(e) for e in errors)
            if all(e.retryable for e in errors):
                raise SourceTransient(message, retry_after=_longest_wait(errors))
            first = next(e for e in errors if not e.retryable)
            raise type(first)(message)


@dataclass
class _VideoRun:
    """One run over several videos: the client, the cursor being built, the backfill day."""

    http: HttpClient
    state: dict[str, Any]
    since: datetime | None

    @property
    def videos(self) -> dict[str, Any]:
        """Per video, its own cursor (inside the source's cursor)."""
        videos = self.state.get("videos")
        if not isinstance(videos, dict):
            videos = self.state["videos"] = {}
        return videos

    def commit(self, bvid: str, position: dict[str, Any]) -> Page:
        """An empty page that commits the video's new position."""
        self.videos[bvid] = position
        return Page([], copy.deepcopy(self.state))


VideoReader = Callable[[_VideoRun, str], Iterator[Page]]


def _longest_wait(errors: list[SourceError]) -> float | None:
    waits = [w for e in errors if (w := getattr(e, "retry_after", None)) is not None]
    return max(waits) if waits else None


# ---- video search --------------------------------------------------------------------------------
class BilibiliSearchConnector(_BilibiliConnector):
    type = "bilibili"
    archive_name = "bilibili_video"

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_video(raw)

    def check_config(self) -> None:
        if not (self.config.query or "").strip():
            raise ConfigError(f"{self.config.name}: a bilibili source needs --query")
        self.max_pages()

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        http = self.http()
        committed = _int(cursor.get("since"))
        lower = int(since.timestamp()) if since is not None else committed
        newest = committed
        for number in range(1, self.max_pages() + 1):
            params = {
                "search_type": "video",
                "keyword": self.config.query,
                "order": "pubdate",
                "page": number,
            }
            data = check(http.get_json(SEARCH_PATH, params), self.config.name, "video search")
            results = data.get("result") if isinstance(data, dict) else None
            if results is None:
                results = []  # no match at all: Bilibili leaves `result` out
            if not isinstance(results, list):
                raise SourceTerminal(f"{self.config.name}: video search returned no result list")
            times = [t for t in (_int(r.get("pubdate")) for r in _dicts(results)) if t]
            newest = _latest(newest, *times)
            items = [r for r in results if lower is None or _since(r, lower)]
            pages = _int(data.get("numPages")) or number
            done = (
                lower is None  # a first run reads the newest page only
                or any(t < lower for t in times)
                or number >= pages
                or not results
            )
            if done:
                yield Page(items, {"since": newest} if newest else {})
                return
            yield Page(items)
        yield Page([], {"since": newest} if newest else {})


# ---- replies -------------------------------------------------------------------------------------
class BilibiliRepliesConnector(_BilibiliConnector):
    type = "bilibili_replies"
    archive_name = "bilibili_reply"

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_reply(raw)

    def check_config(self) -> None:
        video_ids(self.option("videos"), self.config.name)
        self.max_pages()

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        return self.per_video(cursor, since, self._replies)

    def _replies(self, run: _VideoRun, bvid: str) -> Iterator[Page]:
        aid = bvid_to_aid(bvid)
        http = run.http
        stored = _int((run.videos.get(bvid) or {}).get("rpid"))
        floor = run.since.timestamp() if run.since is not None else None
        newest = stored
        next_page: Any = 0
        for _ in range(self.max_pages()):
            params = {"oid": aid, "type": 1, "mode": 2, "next": next_page, "ps": REPLIES_PER_PAGE}
            data = check(http.get_json(REPLY_PATH, params), self.config.name, f"replies of {bvid}")
            if not isinstance(data, dict):
                raise SourceTerminal(f"{self.config.name}: replies of {bvid} came without data")
            top = data.get("replies") or []
            if not isinstance(top, list):
                raise SourceTerminal(f"{self.config.name}: replies of {bvid} are not a list")
            items: list[dict[str, Any]] = []
            for reply in top:
                items.append(reply)
                nested = reply.get("replies") if isinstance(reply, dict) else None
                items.extend(r for r in (nested or []) if isinstance(r, dict))
            ids = [i for i in (_int(_get(r, "rpid")) for r in items) if i]
            newest = _latest(newest, *ids)
            fresh = [r for r in items if _newer(r, stored, floor)]
            page_cursor: dict[str, Any] = c if isinstance(c := data.get("cursor"), dict) else {}
            top_ids = [i for i in (_int(_get(r, "rpid")) for r in top) if i]
            top_times = [t for t in (_int(_get(r, "ctime")) for r in top) if t]
            done = (
                (stored is None and floor is None)  # a first run reads the newest page only
                or bool(page_cursor.get("is_end"))
                or not top
                or (stored is not None and any(i <= stored for i in top_ids))
                or (floor is not None and any(t < floor for t in top_times))
            )
            yield Page(fresh)
            next_page = page_cursor.get("next")
            if done or not next_page:
                break
        # Newest first: only once the walk is over may the cursor move to the newest reply.
        yield run.commit(bvid, {"rpid": newest} if newest else {})


def _since(result: Any, lower: int) -> bool:
    """Published at or after `lower`. A malformed result is kept: mapping rejects it."""
    published = _int(_get(result, "pubdate"))
    return published is None or published >= lower


def _newer(reply: Any, stored: int | None, floor: float | None) -> bool:
    """Not yet collected. A malformed reply is kept: mapping rejects it with its reason."""
    rpid, ctime = _int(_get(reply, "rpid")), _int(_get(reply, "ctime"))
    if rpid is None or ctime is None:
        return True
    return (stored is None or rpid > stored) and (floor is None or ctime >= floor)


# ---- video danmaku -------------------------------------------------------------------------------
class BilibiliDanmakuConnector(_BilibiliConnector):
    type = "bilibili_danmaku"
    archive_name = "bilibili_danmaku"

    @staticmethod
    def map(raw: dict[str, Any]) -> Post | None:
        return map_danmaku(raw)

    def check_config(self) -> None:
        video_ids(self.option("videos"), self.config.name)

    def fetch(self, cursor: dict[str, Any], since: datetime | None = None) -> Iterator[Page]:
        return self.per_video(cursor, since, self._danmaku)

    def _danmaku(self, run: _VideoRun, bvid: str) -> Iterator[Page]:
        http = run.http
        stored = _int((run.videos.get(bvid) or {}).get("since"))
        floor = int(run.since.timestamp()) if run.since is not None else stored
        view = check(http.get_json(VIEW_PATH, {"bvid": bvid}), self.config.name, f"video {bvid}")
        newest = stored
        for cid in _cids(view, self.config.name, bvid):
            response = http.request("GET", DANMAKU_PATH, params={"oid": cid})
            items = parse_danmaku_xml(response.content, bvid, f"{self.config.name}: {bvid}")
            times = [t for t in (_sent(i) for i in items) if t is not None]
            newest = _latest(newest, *times)
            fresh = [i for i in items if floor is None or (_sent(i) or floor) >= floor]
            yield Page(fresh)
        yield run.commit(bvid, {"since": newest} if newest else {})


def _cids(view: Any, source: str, bvid: str) -> list[int]:
    """Every part of a video (a multi-part video has one cid, and one danmaku list, per part)."""
    pages = view.get("pages") if isinstance(view, dict) else None
    cids = [_int(p.get("cid")) for p in _dicts(pages or [])]
    if not any(cids) and isinstance(view, dict):
        cids = [_int(view.get("cid"))]
    found = [c for c in cids if c]
    if not found:
        raise SourceTerminal(f"{source}: video {bvid} has no parts (cid) to read danmaku from")
    return found


def parse_danmaku_xml(content: bytes, bvid: str, where: str) -> list[dict[str, Any]]:
    """The `<d p="...">text</d>` elements of a danmaku list, as raw items."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise SourceTerminal(f"{where}: the danmaku list is not XML ({exc})") from None
    cid = (root.findtext("chatid") or "").strip() or None
    return [
        {"cid": cid, "bvid": bvid, "p": d.get("p"), "text": d.text or ""} for d in root.iter("d")
    ]


def _sent(item: dict[str, Any]) -> int | None:
    fields = str(item.get("p") or "").split(",")
    return _int(fields[4]) if len(fields) > 4 else None


def _latest(*values: int | None) -> int | None:
    """The largest known value (a time or a growing id); None when none is known."""
    return max((v for v in values if v is not None), default=None)


def _dicts(values: list[Any]) -> list[dict[str, Any]]:
    return [v for v in values if isinstance(v, dict)]


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
