"""The data model: a `Post` with its `Author`, `Metrics` and `Media`.

A post's identity is ``(platform, platform_id)``. Fields a platform does not give stay ``None``:
a mapping never invents a value (a missing like count is unknown, not zero). Plain dataclasses
with slots, not a validation framework, because importers build tens of thousands per second;
`Post.validate` is called once per post at the store boundary instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from hubbub import settings
from hubbub.errors import InvalidPost

KINDS = frozenset(
    {"post", "reply", "repost", "quote", "comment", "article", "video", "live_chat", "review"}
)
MEDIA_TYPES = frozenset({"image", "video", "gif", "audio", "link", "other"})
# Counts are stored as UInt64; we accept up to the signed 64-bit maximum (JSON tools' limit).
MAX_COUNT = 2**63 - 1
# Per-post size limit (docs/ndjson-format.md): deriving the matching text of a post costs
# ~20x its size in memory, so one huge post could exhaust a worker.
MAX_TEXT_CHARS = settings.limit("post_chars")


@dataclass(slots=True)
class Author:
    id: str | None = None
    handle: str | None = None
    name: str | None = None
    followers: int | None = None
    following: int | None = None
    verified: bool | None = None
    country: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Metrics:
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    quotes: int | None = None
    views: int | None = None

    def engagement(self) -> int | None:
        """Likes + reposts + replies + quotes; None when the platform gave none of them."""
        parts = [self.likes, self.reposts, self.replies, self.quotes]
        known = [p for p in parts if p is not None]
        return sum(known) if known else None


@dataclass(slots=True)
class Media:
    type: str
    url: str | None = None


@dataclass(slots=True)
class Post:
    platform: str
    platform_id: str
    created_at: datetime
    text: str = ""
    kind: str = "post"
    url: str | None = None
    collected_at: datetime | None = None
    author: Author = field(default_factory=Author)
    title: str | None = None
    lang: str | None = None
    metrics: Metrics = field(default_factory=Metrics)
    parent_id: str | None = None
    root_id: str | None = None
    repost_of: str | None = None
    # None means "not given by the platform": the store then extracts them from the text.
    hashtags: list[str] | None = None
    mentions: list[str] | None = None
    urls: list[str] | None = None
    media: list[Media] = field(default_factory=list)
    country: str | None = None
    rating: float | None = None
    source: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.platform_id)

    def validate(self) -> None:
        """Check every field's type and range; raise InvalidPost with a one-line reason.

        Also normalizes the identity every importer goes through here: `platform` is
        lower-cased and stripped, `platform_id` (and the ids that refer to posts: parent_id,
        root_id, repost_of) stripped of surrounding whitespace. See docs/ndjson-format.md.
        """
        if not isinstance(self.platform, str) or not self.platform.strip():
            raise InvalidPost("platform is missing")
        if not isinstance(self.platform_id, str) or not self.platform_id.strip():
            raise InvalidPost("platform_id is missing")
        self.platform = self.platform.strip().lower()
        self.platform_id = self.platform_id.strip()
        if not isinstance(self.created_at, datetime) or self.created_at.tzinfo is None:
            raise InvalidPost("created_at must be a timezone-aware datetime")
        if self.collected_at is not None and (
            not isinstance(self.collected_at, datetime) or self.collected_at.tzinfo is None
        ):
            raise InvalidPost("collected_at must be a timezone-aware datetime or null")
        if not isinstance(self.kind, str) or self.kind not in KINDS:
            raise InvalidPost(f"kind {self.kind!r} is not one of {', '.join(sorted(KINDS))}")
        if not isinstance(self.text, str):
            raise InvalidPost("text must be a string")
        size = len(self.text) + (len(self.title) if isinstance(self.title, str) else 0)
        if size > MAX_TEXT_CHARS:
            raise InvalidPost(
                f"text and title are {size:,} characters, over the limit of "
                f"{MAX_TEXT_CHARS:,} per post"
            )
        for name in ("url", "title", "country", "source"):
            _opt_str(getattr(self, name), name)
        for name in ("parent_id", "root_id", "repost_of"):
            value = _opt_str(getattr(self, name), name)
            if value is not None:
                setattr(self, name, value.strip() or None)
        if self.lang is not None and (not isinstance(self.lang, str) or not self.lang.strip()):
            raise InvalidPost("lang must be a non-empty string or null")
        for name in ("hashtags", "mentions", "urls"):
            value = getattr(self, name)
            if value is not None and (
                not isinstance(value, list) or not all(isinstance(v, str) for v in value)
            ):
                raise InvalidPost(f"{name} must be a list of strings or null")
        if not isinstance(self.media, list):
            raise InvalidPost("media must be a list of {type, url} objects")
        for item in self.media:
            if not isinstance(item, Media):
                raise InvalidPost("media must be a list of {type, url} objects")
            if item.type not in MEDIA_TYPES:
                raise InvalidPost(
                    f"media type {item.type!r} is not one of {', '.join(sorted(MEDIA_TYPES))}"
                )
            _opt_str(item.url, "media url")
        if self.rating is not None and (
            isinstance(self.rating, bool)
            or not isinstance(self.rating, int | float)
            or not (0 <= self.rating <= 10)
        ):
            raise InvalidPost(f"rating {self.rating!r} is not a number in 0..10")
        author = self.author
        if not isinstance(author, Author):
            raise InvalidPost("author must be an object")
        for name in ("id", "handle", "name", "country", "url"):
            _opt_str(getattr(author, name), f"author.{name}")
        for name in ("followers", "following"):
            _opt_count(getattr(author, name), f"author.{name}")
        if author.verified is not None and not isinstance(author.verified, bool):
            raise InvalidPost("author.verified must be true, false or null")
        if not isinstance(self.metrics, Metrics):
            raise InvalidPost("metrics must be an object")
        for name in ("likes", "reposts", "replies", "quotes", "views"):
            _opt_count(getattr(self.metrics, name), f"metrics.{name}")

    def to_dict(self) -> dict[str, Any]:
        """The Hubbub NDJSON shape (docs/ndjson-format.md): nested objects, ISO-8601 UTC times."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                value = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
            elif isinstance(value, Author | Metrics):
                value = {k.name: getattr(value, k.name) for k in fields(value)}
            elif f.name == "media":
                value = [{"type": m.type, "url": m.url} for m in value]
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], validate: bool = True) -> Post:
        """Build a Post from the Hubbub NDJSON shape; raises InvalidPost on a wrong shape."""
        # Written out field by field: this runs for every line of a Hubbub NDJSON import.
        if not isinstance(data, dict):
            raise InvalidPost("a post must be a JSON object")
        unknown = data.keys() - _POST_FIELDS
        if unknown:
            raise InvalidPost(f"unknown field(s): {', '.join(sorted(unknown))}")
        get = data.get
        try:
            author = _nested(get("author"), "author")
            metrics = _nested(get("metrics"), "metrics")
            media = get("media")
            if media is not None and (
                not isinstance(media, list) or not all(isinstance(m, dict) for m in media)
            ):
                raise InvalidPost("media must be a list of {type, url} objects")
            collected = get("collected_at")
            text = get("text")
            post = cls(
                platform=_ident(get("platform")),
                platform_id=_ident(get("platform_id")),
                created_at=parse_time(get("created_at")),
                text="" if text is None else text,
                kind=get("kind") or "post",
                url=get("url"),
                collected_at=None if collected is None else parse_time(collected, "collected_at"),
                author=Author(**author) if author else Author(),
                title=get("title"),
                lang=get("lang"),
                metrics=Metrics(**metrics) if metrics else Metrics(),
                parent_id=get("parent_id"),
                root_id=get("root_id"),
                repost_of=get("repost_of"),
                hashtags=get("hashtags"),
                mentions=get("mentions"),
                urls=get("urls"),
                media=[Media(**m) for m in media] if media else [],
                country=get("country"),
                rating=get("rating"),
                source=get("source"),
            )
        except TypeError as exc:
            raise InvalidPost(f"wrong nested field: {_first_line(exc)}") from None
        if validate:  # importers validate every mapped post anyway; they pass False
            post.validate()
        return post


def _ident(value: Any) -> str:
    """Platform names and ids are strings; JSON numbers are accepted as ids."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else ""


def _nested(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidPost(f"{name} must be an object or null")
    return value


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _opt_str(value: Any, name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidPost(f"{name} must be a string or null, not {type(value).__name__}")
    return value


def _opt_count(value: Any, name: str) -> None:
    # Negative counts are accepted (Reddit scores, -1 "hidden") and stored as unknown: the
    # store's count columns are unsigned (see docs/ndjson-format.md).
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPost(f"{name} must be an integer or null, not {type(value).__name__}")
    if value > MAX_COUNT:
        raise InvalidPost(f"{name} {value} is larger than {MAX_COUNT}")


_POST_FIELDS = frozenset(f.name for f in fields(Post))


def parse_time(value: Any, field: str = "created_at") -> datetime:
    """Parse ISO-8601 text or epoch seconds/milliseconds into an aware UTC datetime.

    `field` names the value in the one-line InvalidPost raised when it cannot be read.
    """
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            dt = datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, ValueError, OSError):
            raise InvalidPost(f"{field} {value!r} is out of range for a time") from None
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        text = text[:-1] + "+00:00" if text.endswith("Z") else text
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidPost(f"cannot read time {value[:100]!r}: use ISO-8601") from None
    elif value is None or value == "":
        raise InvalidPost(f"{field} is missing")
    else:
        raise InvalidPost(f"{field} must be ISO-8601 text or epoch seconds")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)  # times without an offset are UTC by our format's rule
    try:
        return dt.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidPost(f"{field} {value!r} is out of range for a time") from None
