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

from hubbub.errors import InvalidPost

KINDS = frozenset(
    {"post", "reply", "repost", "quote", "comment", "article", "video", "live_chat", "review"}
)
MEDIA_TYPES = frozenset({"image", "video", "gif", "audio", "link", "other"})


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
        """Raise InvalidPost with a one-line reason if this post cannot be stored."""
        if not self.platform or not isinstance(self.platform, str):
            raise InvalidPost("platform is missing")
        if not self.platform_id or not isinstance(self.platform_id, str):
            raise InvalidPost("platform_id is missing")
        if not isinstance(self.created_at, datetime) or self.created_at.tzinfo is None:
            raise InvalidPost("created_at must be a timezone-aware datetime")
        if self.kind not in KINDS:
            raise InvalidPost(f"kind {self.kind!r} is not one of {', '.join(sorted(KINDS))}")
        if not isinstance(self.text, str):
            raise InvalidPost("text must be a string")
        if self.rating is not None and not (0 <= self.rating <= 10):
            raise InvalidPost(f"rating {self.rating} is outside 0..10")

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
    def from_dict(cls, data: dict[str, Any]) -> Post:
        """Build a Post from the Hubbub NDJSON shape; raises InvalidPost on a wrong shape."""
        # Written out field by field: this runs for every line of a Hubbub NDJSON import.
        if not isinstance(data, dict):
            raise InvalidPost("a post must be a JSON object")
        unknown = data.keys() - _POST_FIELDS
        if unknown:
            raise InvalidPost(f"unknown field(s): {', '.join(sorted(unknown))}")
        get = data.get
        try:
            author = get("author")
            metrics = get("metrics")
            media = get("media")
            collected = get("collected_at")
            post = cls(
                platform=_ident(get("platform")),
                platform_id=_ident(get("platform_id")),
                created_at=parse_time(get("created_at")),
                text=get("text") or "",
                kind=get("kind") or "post",
                url=get("url"),
                collected_at=None if collected is None else parse_time(collected),
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
            raise InvalidPost(f"wrong nested field: {exc}") from None
        post.validate()
        return post


def _ident(value: Any) -> str:
    """Platform names and ids are strings; JSON numbers are accepted as ids."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else ""


_POST_FIELDS = frozenset(f.name for f in fields(Post))


def parse_time(value: Any) -> datetime:
    """Parse ISO-8601 text or epoch seconds/milliseconds into an aware UTC datetime."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        dt = datetime.fromtimestamp(seconds, UTC)
    elif isinstance(value, str) and value:
        text = value.strip().replace("Z", "+00:00", 1) if value.endswith("Z") else value.strip()
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidPost(f"cannot read time {value!r}: use ISO-8601") from None
    else:
        raise InvalidPost("created_at is missing")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)  # times without an offset are UTC by our format's rule
    return dt.astimezone(UTC)
