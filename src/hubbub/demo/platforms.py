"""Platform conventions for the demo: which kinds exist, id and URL shapes, metrics.

Ids are derived from a per-post unique integer `u` (creation second * 10,000 + a sequence
number), scrambled by multiplying with a constant coprime to the id space, which is a bijection:
ids look random yet never collide, with no set of used ids to keep in memory. Where a platform's
ids encode time (X snowflakes, Mastodon ids, Bluesky TIDs, Xiaohongshu ObjectIds, PTT file
names) they encode the post's real creation time, as the platform's would.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from itertools import accumulate
from typing import TypeVar

from hubbub.models import Metrics

T = TypeVar("T")

# Which platforms each language's posts land on, and how often (percent-ish weights).
LANG_PLATFORMS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "en": (
        ("x", "reddit", "youtube", "bluesky", "mastodon", "news", "amazon"),
        (38, 20, 12, 9, 5, 5, 8),
    ),
    "zh-Hans": (("weibo", "douyin", "bilibili", "xiaohongshu", "news"), (42, 18, 17, 19, 4)),
    "zh-Hant": (("ptt", "youtube", "x", "weibo", "bilibili", "news"), (34, 26, 18, 10, 6, 6)),
    "ja": (("x", "youtube", "amazon", "news"), (64, 18, 11, 7)),
    "fr": (
        ("x", "youtube", "reddit", "mastodon", "bluesky", "news", "amazon"),
        (40, 15, 9, 8, 9, 8, 11),
    ),
    "de": (
        ("x", "youtube", "reddit", "mastodon", "bluesky", "news", "amazon"),
        (34, 15, 10, 14, 7, 8, 12),
    ),
    "es": (
        ("x", "youtube", "reddit", "mastodon", "bluesky", "news", "amazon"),
        (48, 18, 8, 4, 6, 7, 9),
    ),
}

# Kinds per platform. The first kind is the platform's root kind (it needs no parent).
PLATFORM_KINDS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "x": (("post", "reply", "repost", "quote"), (52, 26, 14, 8)),
    "reddit": (("post", "comment"), (22, 78)),
    "weibo": (("post", "repost", "comment"), (55, 25, 20)),
    "bilibili": (("video", "comment", "live_chat"), (14, 66, 20)),
    "douyin": (("video", "comment"), (36, 64)),
    "xiaohongshu": (("post", "review", "comment"), (52, 16, 32)),
    "youtube": (("video", "comment", "live_chat"), (11, 84, 5)),
    "mastodon": (("post", "reply", "repost"), (68, 22, 10)),
    "bluesky": (("post", "reply", "repost", "quote"), (62, 26, 7, 5)),
    "news": (("article",), (1,)),
    "amazon": (("review",), (1,)),
    "ptt": (("article", "comment"), (24, 76)),
}
PLATFORM_KINDS_CUM = {p: (k, list(accumulate(w))) for p, (k, w) in PLATFORM_KINDS.items()}


def _channels(lang: str) -> tuple[tuple[tuple[str, str], ...], list[float]]:
    # (platform, kind) pairs with joint weights, so one draw picks both.
    pairs, weights = [], []
    for platform, pw in zip(*LANG_PLATFORMS[lang], strict=True):
        kinds, kw = PLATFORM_KINDS[platform]
        for kind, w in zip(kinds, kw, strict=True):
            pairs.append((platform, kind))
            weights.append(pw * w / sum(kw))
    return tuple(pairs), list(accumulate(weights))


LANG_CHANNELS = {lang: _channels(lang) for lang in LANG_PLATFORMS}
ROOT_KINDS = frozenset({"post", "video", "article", "review"})
# Kinds that carry a title on these platforms.
TITLED = frozenset(
    {
        ("reddit", "post"),
        ("youtube", "video"),
        ("bilibili", "video"),
        ("news", "article"),
        ("ptt", "article"),
        ("amazon", "review"),
        ("xiaohongshu", "post"),
        ("xiaohongshu", "review"),
    }
)
VIDEO_PLATFORMS = frozenset({"youtube", "bilibili", "douyin"})
# Platforms whose users are @mentioned by their display nickname rather than a Latin handle.
NICK_PLATFORMS = frozenset({"weibo", "douyin", "bilibili", "xiaohongshu"})
# Chinese platforms show an "IP location" on every post since 2022: it becomes Post.country.
IP_LOCATION_PLATFORMS = NICK_PLATFORMS

SUBREDDITS = {
    "en": ("Android", "smartphones", "AuroraPhones", "gadgets", "PickAnAndroidForMe"),
    "fr": ("france", "AndroidFR"),
    "de": ("de", "handy"),
    "es": ("es", "mexico", "Android_ES"),
}
MASTODON = {
    "en": ("mastodon.social", "fosstodon.org"),
    "de": ("chaos.social", "mastodon.social"),
    "fr": ("piaille.fr", "mastodon.social"),
    "es": ("mastodon.social",),
}
NEWS_SITES = {
    "en": ("techpulse.news", "phonewire.co.uk"),
    "fr": ("monmobile.fr",),
    "de": ("handywelt.de",),
    "es": ("elmovil.es",),
    "ja": ("sumaho-news.jp",),
    "zh-Hans": ("kjqianxian.com.cn",),
    "zh-Hant": ("3cdaily.com.tw",),
}
AMAZON = {"en": "com", "fr": "fr", "de": "de", "es": "es", "ja": "co.jp"}

_B62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_B58 = "fZodR9XQDSUm21yCkr6zBqiveYah8bt4xsWpHnJE7jL5VG3guMTKNPAwcF"  # Bilibili's BV alphabet
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B32S = "234567abcdefghijklmnopqrstuvwxyz"  # Bluesky's sortable base32
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_UPPER36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SCRAMBLE = 0x9E3779B97F4A7C15  # odd, and coprime to 58, 36 and 62 as well


def one(rng: random.Random, seq: Sequence[T]) -> T:
    """A uniform pick, several times cheaper than `rng.choice` (which draws bits in a loop)."""
    return seq[int(rng.random() * len(seq))]


_PAIRS: dict[str, tuple[int, tuple[str, ...]]] = {}


def encode(n: int, alphabet: str, width: int) -> str:
    """`n` in `alphabet`'s base, zero-padded (or cut) to `width` digits, most significant first."""
    # Two digits per step through a table of all digit pairs: ids are made per post, and this
    # halves the Python-level loop.
    pairs = _PAIRS.get(alphabet)
    if pairs is None:
        pairs = _PAIRS[alphabet] = (
            len(alphabet) ** 2,
            tuple(a + b for a in alphabet for b in alphabet),
        )
    base2, table = pairs
    out = []
    for _ in range(width // 2):
        n, r = divmod(n, base2)
        out.append(table[r])
    if width % 2:
        out.append(alphabet[n % len(alphabet)])
    return "".join(reversed(out)) if width % 2 == 0 else _odd(out)


def _odd(out: list[str]) -> str:
    # The last element is one digit and the most significant: put it first.
    return out[-1] + "".join(reversed(out[:-1]))


def scramble(u: int, space: int) -> int:
    return (u * _SCRAMBLE) % space


def weibo_bid(mid: int) -> str:
    """Weibo's short id: the mid cut into 7-digit groups from the right, each in base 62."""
    head, low = divmod(mid, 10_000_000)
    head, middle = divmod(head, 10_000_000)
    first = _b62_4(head).lstrip("0") or "0"
    return first + _b62_4(middle) + _b62_4(low)


def _b62_4(n: int) -> str:
    # Four base-62 digits (n < 62**4) as two lookups in the digit-pair table.
    table = _PAIRS[_B62][1]
    return table[n // 3844] + table[n % 3844]


_NOT_SLUG = re.compile("[^a-z0-9]+")


def slug(text: str, limit: int = 60) -> str:
    """Reddit-style URL slug: lowercase ASCII words joined by underscores."""
    return _NOT_SLUG.sub("_", text[:limit].lower()).strip("_")


def metrics(platform: str, kind: str, followers: int, r: float, boost: float = 1.0) -> Metrics:
    """Plausible counts: root posts scale with followers^0.7, replies stay small.

    `r` is a heavy-tailed random factor (mean ~1), `boost` lifts story posts. Fields a platform
    does not show are None, not 0.
    """
    if kind in ("repost", "live_chat") or platform == "news":
        return Metrics()
    if kind in ROOT_KINDS:
        likes = int((followers**0.7) * 0.08 * r * boost + r * 2)
    else:
        likes = int(r * 3 * boost)
    replies = likes // 12
    if platform == "x":
        return Metrics(
            likes, likes // 6, replies, likes // 40, likes * 25 + int(followers * 0.2 * r)
        )
    if platform == "bluesky":
        return Metrics(likes, likes // 8, replies, likes // 50)
    if platform == "mastodon":
        return Metrics(likes, likes // 4, replies)
    if platform == "reddit":
        return Metrics(likes=likes, replies=replies * 3 if kind == "post" else replies)
    if platform == "weibo":
        return Metrics(likes, likes // 3, replies)
    if platform in VIDEO_PLATFORMS:
        views = likes * 28 + int(followers * 0.1 * r) if kind == "video" else None
        return Metrics(likes, likes // 10 if kind == "video" else None, replies, None, views)
    if platform == "xiaohongshu":
        return Metrics(likes, likes // 5, replies)
    if platform == "amazon":
        return Metrics(likes=int(r * 2))  # "people found this helpful"
    return Metrics(likes=likes if platform != "ptt" else None, replies=replies)


encode(0, _B62, 2)  # builds the base-62 pair table that _b62_4 reads
