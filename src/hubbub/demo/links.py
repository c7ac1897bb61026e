"""Platform-correct post ids, permalinks and author records for the demo generator."""

from __future__ import annotations

from base64 import urlsafe_b64encode

from hubbub.demo.people import Person
from hubbub.demo.platforms import (
    _B32S,
    _B36,
    _B58,
    _UPPER36,
    AMAZON,
    MASTODON,
    NICK_PLATFORMS,
    SUBREDDITS,
    encode,
    scramble,
    slug,
    weibo_bid,
)

_TWEPOCH_MS = 1288834974657  # X's snowflake epoch
_REDDIT_POST0 = int("1g00000", 36)
_REDDIT_COMMENT0 = int("lr00000", 36)
_HEX = "0123456789ABCDEF"
# Bilibili live rooms where baseline danmaku comes from; the launch uses Aurora's own room.
BILI_ROOMS = (21_452_505, 7_734_200, 22_603_245, 545_068)
AURORA_LIVE_ROOM = 21_000_888


class Parent:
    """What a reply, comment or repost needs to know about the post it answers."""

    __slots__ = ("handle", "platform_id", "sentiment", "text", "topic", "url")

    def __init__(
        self, platform_id: str, url: str | None, handle: str, text: str, topic: str, sentiment: str
    ) -> None:
        self.platform_id = platform_id
        self.url = url
        self.handle = handle
        self.text = text
        self.topic = topic
        self.sentiment = sentiment


def mention(platform: str, person: Person) -> str:
    """How this person is @mentioned on this platform."""
    if platform in NICK_PLATFORMS:
        return person.nick
    if platform == "mastodon":
        return f"{person.handle}@{_instance(person)}"
    if platform == "bluesky":
        return f"{person.handle}.bsky.social"
    return person.handle


def _instance(person: Person) -> str:
    sites = MASTODON.get(person.lang, MASTODON["en"])
    return sites[person.uid % len(sites)]


def author_fields(platform: str, p: Person) -> tuple:  # type: ignore[type-arg]
    """Positional Author fields; cached by the caller, turned into a fresh Author per post."""
    uid = p.uid
    followers: int | None = p.followers
    following: int | None = p.following
    verified: bool | None = p.verified
    if platform == "x":
        return (
            str(uid),
            p.handle,
            p.name,
            followers,
            following,
            verified,
            p.country,
            f"https://x.com/{p.handle}",
        )
    if platform == "weibo":
        wid = str(1_000_000_000 + uid % 9_000_000_000)
        return (
            wid,
            p.nick,
            p.nick,
            followers,
            following,
            verified,
            p.country,
            f"https://weibo.com/u/{wid}",
        )
    if platform == "bilibili":
        mid = str(uid % 3_000_000_000 + 1000)
        return (
            mid,
            p.nick,
            p.nick,
            followers,
            following,
            verified,
            p.country,
            f"https://space.bilibili.com/{mid}",
        )
    if platform == "douyin":
        sec = (
            "MS4wLjABAAAA"
            + urlsafe_b64encode(scramble(uid, 2**256).to_bytes(32, "big")).decode()[:43]
        )
        return (
            sec,
            p.nick,
            p.nick,
            followers,
            following,
            verified,
            p.country,
            f"https://www.douyin.com/user/{sec}",
        )
    if platform == "xiaohongshu":
        xid = format(scramble(uid, 16**24), "024x")
        return (
            xid,
            p.nick,
            p.nick,
            followers,
            following,
            None,
            p.country,
            f"https://www.xiaohongshu.com/user/profile/{xid}",
        )
    if platform == "youtube":
        cid = "UC" + urlsafe_b64encode(scramble(uid, 2**128).to_bytes(16, "big")).decode()[:22]
        return (
            cid,
            p.handle,
            p.name,
            followers,
            None,
            verified,
            p.country,
            f"https://www.youtube.com/@{p.handle}",
        )
    if platform == "mastodon":
        inst = _instance(p)
        return (
            str(uid),
            f"{p.handle}@{inst}",
            p.name,
            followers,
            following,
            None,
            None,
            f"https://{inst}/@{p.handle}",
        )
    if platform == "bluesky":
        did = "did:plc:" + encode(scramble(uid, 32**24), _B32S, 24)
        handle = f"{p.handle}.bsky.social"
        return (
            did,
            handle,
            p.name,
            followers,
            following,
            None,
            None,
            f"https://bsky.app/profile/{handle}",
        )
    if platform == "reddit":
        return (
            "t2_" + encode(scramble(uid, 36**8), _B36, 8),
            p.handle,
            None,
            None,
            None,
            None,
            None,
            f"https://www.reddit.com/user/{p.handle}",
        )
    if platform == "amazon":
        aid = "A" + encode(scramble(uid, 36**13), _UPPER36, 13)
        tld = AMAZON.get(p.lang, "com")
        return (
            aid,
            None,
            p.name,
            None,
            None,
            None,
            None,
            f"https://www.amazon.{tld}/gp/profile/amzn1.account.{aid}",
        )
    if platform == "ptt":
        return (p.handle, p.handle, p.nick, None, None, None, None, None)
    # news: a byline, nothing else
    return (
        None,
        None,
        p.name if p.lang not in NICK_LANGS else p.nick,
        None,
        None,
        None,
        None,
        None,
    )


NICK_LANGS = frozenset({"zh-Hans", "zh-Hant", "ja"})


def post_link(
    platform: str,
    kind: str,
    u: int,
    n: int,
    ts: int,
    author_id: str | None,
    handle: str | None,
    person: Person,
    parent: Parent | None,
    title: str | None,
    date: str,
    site: str,
) -> tuple[str, str | None]:
    """(platform_id, url) for one post. `u` is unique per post, `date` is YYYYMMDD."""
    if platform == "x":
        sid = str(((ts * 1000 + n % 1000 - _TWEPOCH_MS) << 22) | (n & 0x3FFFFF))
        return sid, f"https://x.com/{handle}/status/{sid}"
    if platform == "weibo":
        mid = 5_000_000_000_000_000 + u
        if kind == "comment":
            return str(mid), None  # Weibo comments have no permalink of their own
        return str(mid), f"https://weibo.com/{author_id}/{weibo_bid(mid)}"
    if platform == "bilibili":
        if kind == "video":
            bv = "BV1" + encode(scramble(u, 58**9), _B58, 9)
            return bv, f"https://www.bilibili.com/video/{bv}"
        if kind == "live_chat":
            room = AURORA_LIVE_ROOM if site == "aurora" else BILI_ROOMS[u % len(BILI_ROOMS)]
            return str(u), f"https://live.bilibili.com/{room}"
        return str(u), f"{parent.url}#reply{u}" if parent else None
    if platform == "douyin":
        if kind == "video":
            vid = str(7_400_000_000_000_000_000 + u)
            return vid, f"https://www.douyin.com/video/{vid}"
        return str(7_410_000_000_000_000_000 + u), None
    if platform == "xiaohongshu":
        nid = format(ts, "08x") + format(scramble(u, 16**16), "016x")
        if kind == "comment":
            return nid, None
        return nid, f"https://www.xiaohongshu.com/explore/{nid}"
    if platform == "youtube":
        if kind == "video":
            # A YouTube id is 8 bytes in URL-safe base64 without padding.
            vid = urlsafe_b64encode(scramble(u, 2**64).to_bytes(8, "big"))[:11].decode()
            return vid, f"https://www.youtube.com/watch?v={vid}"
        raw = urlsafe_b64encode(scramble(u, 2**88).to_bytes(11, "big"))[:15].decode()
        cid = "Ugx" + raw + "4AaABAg"
        if kind == "live_chat":
            return cid, parent.url if parent else None
        return cid, f"{parent.url}&lc={cid}" if parent else None
    if platform == "mastodon":
        sid = str(((ts * 1000 + n % 1000) << 16) | (n & 0xFFFF))
        return sid, f"https://{_instance(person)}/@{person.handle}/{sid}"
    if platform == "bluesky":
        tid = encode(((ts * 1_000_000 + n % 1_000_000) << 10) | (n & 0x3FF), _B32S, 13)
        collection = "app.bsky.feed.repost" if kind == "repost" else "app.bsky.feed.post"
        return (
            f"at://{author_id}/{collection}/{tid}",
            f"https://bsky.app/profile/{handle}/post/{tid}",
        )
    if platform == "reddit":
        if kind == "post":
            rid = encode(_REDDIT_POST0 + n, _B36, 7)
            subs = SUBREDDITS.get(person.lang, SUBREDDITS["en"])
            sub = subs[n % len(subs)]
            return (
                f"t3_{rid}",
                f"https://www.reddit.com/r/{sub}/comments/{rid}/{slug(title or '')}/",
            )
        cid = encode(_REDDIT_COMMENT0 + n, _B36, 7)
        return f"t1_{cid}", f"{parent.url}{cid}/" if parent else None
    if platform == "news":
        if person.lang in NICK_LANGS:
            url = f"https://{site}/a/{date}/{n}.html"
        else:
            url = f"https://{site}/{date[:4]}/{date[4:6]}/{date[6:]}/{slug(title or '')}-{n}"
        return url, url
    if platform == "amazon":
        rid = "R" + encode(scramble(u, 36**13), _UPPER36, 13)
        tld = AMAZON.get(person.lang, "com")
        return rid, f"https://www.amazon.{tld}/gp/customer-reviews/{rid}"
    if platform == "ptt":
        if kind == "article":
            aid = f"M.{ts}.A.{encode(n % 4096, _HEX, 3)}"
            return f"MobileComm/{aid}", f"https://www.ptt.cc/bbs/MobileComm/{aid}.html"
        return f"{parent.platform_id if parent else 'MobileComm'}#push{u}", None
    raise ValueError(f"unknown demo platform {platform!r}")
