"""Weibo's text and time conventions: HTML `text` from m.weibo.cn, and its `created_at` forms.

m.weibo.cn sends `text` as HTML: links (`<a href="/n/name">@name</a>`, topic links, t.cn links
shown as "网页链接" with the target in `data-url`), emoji as `<span class="url-icon"><img
alt="[笑]"></span>`, `<br />` line breaks, and a trailing "全文" link on truncated posts. We keep
the visible text and the emoji codes, and return the link targets separately.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from hubbub.errors import InvalidPost

_ABSOLUTE = "%a %b %d %H:%M:%S %z %Y"  # "Sat Jun 04 20:04:36 +0800 2022"
_DATE_ONLY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2})?$")


def parse_weibo_time(value: object) -> datetime:
    """An absolute Weibo time as aware UTC; relative or year-less display times are rejected.

    m.weibo.cn lists show "刚刚", "5分钟前", "3小时前", "昨天 12:00" or "06-14": resolving them
    needs the moment the page was fetched, which the item does not carry, so guessing would
    invent a time. Dates without a zone ("2019-06-14 20:39") are Beijing time (UTC+8).
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):  # beyond what the platform's time_t holds
            raise InvalidPost(f"created_at {value!r} is not a time (out of range)") from None
    if not isinstance(value, str) or not value.strip():
        raise InvalidPost("created_at is missing")
    text = value.strip()
    try:
        return datetime.strptime(text, _ABSOLUTE).astimezone(UTC)
    except ValueError:
        pass
    if _DATE_ONLY.match(text) or _DATE_TIME.match(text):
        parts = re.split(r"[- T:]", text)
        numbers = [int(p) for p in parts] + [0] * (6 - len(parts))
        year, month, day, hour, minute, second = numbers[:6]
        local = datetime(year, month, day, hour, minute, second, tzinfo=_BEIJING)
        return local.astimezone(UTC)
    raise InvalidPost(
        f"relative or incomplete time {text!r} cannot be resolved without the collection "
        "time; collect with an absolute created_at (e.g. the statuses/show API)"
    )


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.urls: list[str] = []
        self._anchor: list[str] | None = None
        self._anchor_href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "br":
            self._emit("\n")
        elif tag == "img" and attr.get("alt"):
            self._emit(attr["alt"])  # emoji: keep "[笑cry]", the code Weibo users type
        elif tag == "a":
            self._anchor = []
            self._anchor_href = attr.get("href", "")
            target = attr.get("data-url") or _external(self._anchor_href)
            if target and target not in self.urls:
                self.urls.append(target)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            text = "".join(self._anchor)
            self._anchor = None
            # The "全文" (full text) link on truncated posts is navigation, not content.
            if not (text == "全文" and "/status/" in self._anchor_href):
                self.parts.append(text)

    def handle_data(self, data: str) -> None:
        self._emit(data)

    def _emit(self, text: str) -> None:
        (self._anchor if self._anchor is not None else self.parts).append(text)


def strip_html(text: str) -> tuple[str, list[str]]:
    """(visible text, link targets) of Weibo HTML; plain text passes through unchanged."""
    if "<" not in text and "&" not in text:
        return text, []
    parser = _Stripper()
    parser.feed(text)
    parser.close()
    if parser._anchor is not None:  # an unclosed <a>: keep its text
        parser.parts.extend(parser._anchor)
    return "".join(parser.parts).strip(), parser.urls


def _external(href: str) -> str | None:
    """The real target of a link, or None for Weibo's own pages (profiles, topics, search)."""
    if not href.startswith(("http://", "https://")):
        return None
    parts = urlsplit(href)
    if parts.netloc.endswith("weibo.cn") and parts.path.startswith("/sinaurl"):
        target = parse_qs(parts.query).get("u")
        return target[0] if target else None
    if parts.netloc.endswith(("weibo.cn", "weibo.com")):
        return None
    return href


_BEIJING = datetime.strptime("+0800", "%z").tzinfo
# Weibo nicknames: CJK, Latin letters, digits, "_" and "-", up to 30 characters. A mention
# directly follows Chinese text ("谢谢@老王"), so unlike on X a preceding word character does
# not disqualify it; a preceding Latin letter or digit does (e-mail addresses).
_MENTION = re.compile(r"(?<![A-Za-z0-9._%+\-])@([\w\-]{1,30})")


def extract_weibo_mentions(text: str) -> list[str]:
    """Nicknames mentioned as "@name" (also in "//@name:" repost chains), in order, deduped."""
    return list(dict.fromkeys(m.group(1) for m in _MENTION.finditer(text)))
