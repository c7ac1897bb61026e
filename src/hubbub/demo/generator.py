"""`generate()`: a deterministic stream of realistic multilingual posts for `hubbub demo`.

Everything random comes from one `random.Random(seed)`, consumed in a fixed order, and nothing
depends on set or dict-of-str iteration order, so a seed gives the same posts byte for byte on
every run and under any PYTHONHASHSEED. Memory stays flat: the schedule (integers per hour), the
author pool and a small ring of recent posts per platform and language are all that is kept.

The stories (launch, viral, campaign, crisis, spam) are described in `hubbub.demo.stories`.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from hubbub.demo.links import Parent, author_fields, mention, post_link
from hubbub.demo.people import People, Person, spam_accounts
from hubbub.demo.platforms import (
    IP_LOCATION_PLATFORMS,
    LANG_CHANNELS,
    NEWS_SITES,
    PLATFORM_KINDS_CUM,
    ROOT_KINDS,
    TITLED,
    metrics,
    one,
)
from hubbub.demo.schedule import LANG_SHARES, TOPIC_SHARES, Schedule
from hubbub.demo.stories import DEFAULT_DAYS, DEFAULT_START, KOL_HANDLE, LAUNCH_EVENT_HOUR
from hubbub.demo.text import Composer
from hubbub.models import Author, Post

RING = 200  # recent root posts remembered per (platform, language) for replies and reposts


class LabeledPost(NamedTuple):
    """A post with the ground truth the generator knows: which story, topic and sentiment."""

    post: Post
    story: str  # "baseline", "launch", "viral", "campaign", "crisis" or "spam"
    topic: str  # "aurora", "nimbus", "zephyr", "category" or "noise"
    sentiment: str  # "positive", "neutral" or "negative"


def generate(
    posts: int = 200_000, seed: int = 42, start: datetime | None = None, days: int = DEFAULT_DAYS
) -> Iterator[Post]:
    """Yield `posts` posts in time order over `days` days from `start` (default 2026-10-01Z)."""
    for labeled in generate_labeled(posts, seed, start, days):
        yield labeled.post


def generate_labeled(
    posts: int = 200_000, seed: int = 42, start: datetime | None = None, days: int = DEFAULT_DAYS
) -> Iterator[LabeledPost]:
    """Like `generate`, with each post's story, topic and sentiment (for tests and training)."""
    if posts < 0 or days < 1:
        raise ValueError("posts must be >= 0 and days >= 1")
    start = (start or DEFAULT_START).astimezone(UTC)
    return _Engine(posts, seed, start, days).run()


# Sentiment mix (positive, neutral, negative) per topic; Aurora's depends on the month's phase.
_SENTIMENTS = ("positive", "neutral", "negative")
_MIX = {
    "aurora_before": (0.40, 0.42, 0.18),
    "aurora_after_launch": (0.55, 0.30, 0.15),
    "aurora_after_crisis": (0.30, 0.35, 0.35),
    "nimbus": (0.40, 0.35, 0.25),
    "zephyr": (0.35, 0.40, 0.25),
    "category": (0.0, 1.0, 0.0),
    "noise": (0.0, 1.0, 0.0),
}


def _topic_sentiment(aurora: str) -> tuple[tuple[tuple[str, str], ...], list[float]]:
    # Joint (topic, sentiment) weights for one phase of the month, so one draw picks both.
    pairs, weights = [], []
    for topic, share in TOPIC_SHARES.items():
        mix = _MIX[aurora if topic == "aurora" else topic]
        for sentiment, w in zip(_SENTIMENTS, mix, strict=True):
            if w:
                pairs.append((topic, sentiment))
                weights.append(share * w)
    return tuple(pairs), _cum(weights)


_OFF_BRAND = frozenset({"category", "noise"})
_PHASES = ("aurora_before", "aurora_after_launch", "aurora_after_crisis")
_STORY_LANGS = {
    "launch": ({"zh-Hans": 40, "en": 25, "zh-Hant": 8, "ja": 8, "de": 6, "fr": 6, "es": 7}),
    "crisis": ({"zh-Hans": 45, "en": 28, "zh-Hant": 8, "ja": 7, "de": 4, "fr": 4, "es": 4}),
    "campaign": ({"en": 35, "zh-Hans": 30, "ja": 10, "es": 8, "de": 7, "fr": 6, "zh-Hant": 4}),
}


class _Engine:
    def __init__(self, posts: int, seed: int, start: datetime, days: int) -> None:
        self.rng = rng = random.Random(seed)
        self.posts = posts
        self.start = start
        self.start_ts = int(start.timestamp())
        self.days = days
        self.schedule = Schedule(rng, posts, start, days)
        pool = max(1000, min(20_000, posts // 10))
        self.people = People(rng, pool, LANG_SHARES)
        self.spammers = spam_accounts(rng, 150 if posts >= 20_000 else 40)
        self.composer = Composer(rng, self.people)
        self.kol = self.people.kol(KOL_HANDLE)
        self.rings: dict[tuple[str, str, str], list[Parent]] = {}
        self.authors: dict[tuple[int, str], tuple] = {}  # type: ignore[type-arg]
        self.n = 0
        w = self.schedule.windows
        self.launch_hour = w["launch"].first_hour
        self.crisis_hour = w["crisis"].first_hour
        self.story_langs = {k: (tuple(v), _cum(v.values())) for k, v in _STORY_LANGS.items()}
        self.topic_sentiment = [_topic_sentiment(phase) for phase in _PHASES]
        self.viral_root: Parent | None = None
        self.cascade: list[Parent] = []

    # -- the hour loop ---------------------------------------------------------------------
    def run(self) -> Iterator[LabeledPost]:
        rng = self.rng
        sched = self.schedule
        langs = sched.langs
        story_keys = tuple(sched.stories)
        viral_first = sched.windows["viral"].first_hour
        for hour in range(self.days * 24):
            tasks: list[tuple[int, int, str, str]] = []
            seq = 0
            for li, count in enumerate(sched.baseline[hour]):
                lang = langs[li]
                for _ in range(count):
                    tasks.append((int(rng.random() * 3600), seq, "baseline", lang))
                    seq += 1
            for key in story_keys:
                count = sched.stories[key][hour]
                if not count:
                    continue
                low = 0
                if key == "viral" and hour == viral_first:
                    tasks.append((180, -1, "viral_root", "zh-Hans"))  # 12:03, before its reposts
                    count -= 1
                    low = 181
                for _ in range(count):
                    tasks.append((rng.randrange(low, 3600), seq, key, ""))
                    seq += 1
            tasks.sort()
            hour_ts = self.start_ts + hour * 3600
            hour_dt = self.start + timedelta(hours=hour)
            date = f"{hour_dt:%Y%m%d}"
            for sec, _, stream, lang in tasks:
                yield self.make(stream, lang, hour, hour_ts + sec, date)

    # -- one post --------------------------------------------------------------------------
    def make(self, stream: str, lang: str, hour: int, ts: int, date: str) -> LabeledPost:
        rng = self.rng
        c = self.composer
        parent: Parent | None = None
        title: str | None = None
        rating: float | None = None
        site = ""
        person: Person | None = None
        story = stream
        if stream == "baseline":
            pairs, cum = self.topic_sentiment[
                0 if hour < self.launch_hour else (1 if hour < self.crisis_hour else 2)
            ]
            topic, sentiment = pairs[_pick(rng, cum)]
            channels, cum = LANG_CHANNELS[lang]
            platform, kind = channels[_pick(rng, cum)]
        elif stream == "viral_root" or stream == "viral":
            story = "viral"
            lang, platform, topic, sentiment = "zh-Hans", "weibo", "aurora", "positive"
            kind = "post" if stream == "viral_root" else "repost"
            person = self.kol if stream == "viral_root" else None
        elif stream == "spam":
            person = one(rng, self.spammers)
            lang = person.lang
            platform = "weibo" if lang == "zh-Hans" else ("bluesky" if rng.random() < 0.1 else "x")
            kind, topic, sentiment = "post", "aurora", "neutral"
        else:
            langs, cum = self.story_langs[stream]
            if stream == "crisis" and hour - self.crisis_hour < 4 and rng.random() < 0.8:
                lang = "zh-Hans"  # the first hours are Weibo and Douyin only, then it spreads
            else:
                lang = langs[_pick(rng, cum)]
            topic = "nimbus" if stream == "campaign" else "aurora"
            if stream == "crisis":
                sentiment = "negative" if rng.random() < 0.88 else "neutral"
            elif stream == "launch":
                r = rng.random()
                sentiment = "positive" if r < 0.72 else ("neutral" if r < 0.93 else "negative")
            else:
                sentiment = "positive" if rng.random() < 0.8 else "neutral"
            channels, cum = LANG_CHANNELS[lang]
            platform, kind = channels[_pick(rng, cum)]
            if (
                stream == "launch"
                and 0 <= hour - self.launch_hour - LAUNCH_EVENT_HOUR < 3
                and rng.random() < 0.4
            ):
                # During the event, the live stream's chat (Bilibili for Chinese, else YouTube).
                platform = "bilibili" if lang.startswith("zh") else "youtube"
                kind, site = "live_chat", "aurora"
                if platform == "youtube" and not self.ring(platform, lang, "launch"):
                    platform, kind = "x", "post"

        if kind not in ROOT_KINDS and not (platform == "bilibili" and kind == "live_chat"):
            if stream.startswith("viral"):
                parent = self.viral_parent()
            else:
                # Replies stay on topic: the ring is per topic, so a comment about Nimbus lands
                # under a Nimbus video, and story comments under the story's brand posts.
                ring = self.ring(platform, lang, topic if stream == "baseline" else stream)
                if ring:
                    parent = ring[int(rng.random() * len(ring))]
                    if kind == "repost":
                        sentiment = parent.sentiment
                else:
                    kind = PLATFORM_KINDS_CUM[platform][0][0]
        if person is None:
            person = self.people.pick(rng, lang)

        # Text and title.
        titled = (platform, kind) in TITLED
        if stream == "baseline" and platform in ("news", "amazon") and topic in _OFF_BRAND:
            topic = "aurora"  # reviews and tech news are about products, not the night sky
        if topic == "aurora":
            products = "prelaunch" if hour < self.launch_hour else "launched"
        else:
            products = "any"
        if story == "viral":
            text = c.viral(kind, parent, rng.random())
        elif kind == "repost":
            text = c.repost(platform, lang, parent)  # type: ignore[arg-type]
        elif kind == "live_chat":
            text = c.live(stream, lang, platform, topic, sentiment)
        elif stream == "baseline":
            if platform == "news":
                sentiment = "neutral"
            if titled:
                title = c.title(lang, topic, sentiment, products)
            if platform == "news":
                text = c.news(lang, topic, products)
            else:
                text = c.body(lang, platform, topic, sentiment, kind, parent, products, titled)
        elif (kind not in ROOT_KINDS and rng.random() < 0.5) or (
            stream == "launch" and hour - self.launch_hour < LAUNCH_EVENT_HOUR
        ):
            # Replies that just talk about the phone, and the pre-event buzz on launch day.
            text = c.body(lang, platform, topic, sentiment, kind, parent, "flagship")
        else:
            if platform == "news":
                sentiment = "neutral"  # newsrooms report the story, they do not rant
            text = c.story(stream, lang, platform, sentiment)
            if titled:  # the story line becomes the headline, the body follows it
                if platform == "amazon":
                    title = c.title(lang, topic, sentiment, "flagship")
                else:
                    title, text = text.split(" http")[0], ""
                if platform == "news":
                    text = c.news(lang, topic, "flagship")
                elif not text:
                    text = c.body(lang, platform, topic, sentiment, kind, None, "flagship", True)
        if titled and title is None:
            title = c.title(lang, topic, sentiment, "flagship" if story != "baseline" else products)
        if kind == "quote" and parent is not None and parent.url:
            text = f"{text} {parent.url}"
        if platform == "news":
            sites = NEWS_SITES[lang]
            site = sites[self.n % len(sites)]
        if kind == "review":
            rating = float(_RATING[sentiment][rng.randrange(3)])

        # Identity, author, links, metrics.
        n = self.n
        self.n = n + 1
        u = ts * 10_000 + n % 10_000
        akey = (person.uid, platform)
        afields = self.authors.get(akey)
        if afields is None:
            afields = self.authors[akey] = author_fields(platform, person)
        pid, url = post_link(
            platform, kind, u, n, ts, afields[0], afields[1], person, parent, title, date, site
        )
        parent_id = root_id = repost_of = None
        if parent is not None:
            if story == "viral":
                # Weibo reports the original as the repost's retweeted_status, however long the
                # //@ chain in between; the chain's last link is the parent.
                root_id = repost_of = self.viral_root.platform_id  # type: ignore[union-attr]
                parent_id = parent.platform_id if parent.platform_id != root_id else None
            elif kind == "repost":
                root_id = repost_of = parent.platform_id
            else:
                root_id = parent_id = parent.platform_id
        boost = 1.0
        if stream == "viral_root":
            boost = 60.0
        elif person.kol:
            boost = 3.0
        m = metrics(platform, kind, person.followers, rng.paretovariate(2.2) * 0.55, boost)
        # Positional, in models.Post's field order: measurably faster than keywords here.
        # hashtags, mentions and urls stay None: the store extracts them from the text.
        post = Post(
            platform,
            pid,
            datetime.fromtimestamp(ts, UTC),
            text,
            kind,
            url,
            None,
            Author(*afields),
            title,
            lang,
            m,
            parent_id,
            root_id,
            repost_of,
            None,
            None,
            None,
            c.media(platform, kind, u, date, stream == "campaign"),
            person.country if platform in IP_LOCATION_PLATFORMS else None,
            rating,
            None,
        )
        if kind in ROOT_KINDS:
            me = Parent(pid, url, mention(platform, person), text, topic, sentiment)
            self.remember((platform, lang, topic), me)
            if story != "baseline":  # story replies and reposts answer the story's own posts
                self.remember((platform, lang, story), me)
        if stream == "viral_root":
            self.viral_root = Parent(pid, url, person.nick, text, topic, sentiment)
        elif stream == "viral":
            self.cascade_add(Parent(pid, url, person.nick, text, topic, sentiment))
        return LabeledPost(post, story, topic, sentiment)

    # -- helpers ---------------------------------------------------------------------------
    def ring(self, platform: str, lang: str, topic: str) -> list[Parent]:
        return self.rings.get((platform, lang, topic)) or []

    def remember(self, key: tuple[str, str, str], parent: Parent) -> None:
        ring = self.rings.setdefault(key, [])
        if len(ring) < RING:
            ring.append(parent)
        else:
            ring[self.n % RING] = parent

    def viral_parent(self) -> Parent | None:
        # 65% repost the KOL directly; the rest repost someone who already did (a chain).
        if self.cascade and self.rng.random() < 0.35:
            return self.cascade[self.rng.randrange(len(self.cascade))]
        return self.viral_root

    def cascade_add(self, parent: Parent) -> None:
        if len(self.cascade) < 64:
            self.cascade.append(parent)
        else:
            self.cascade[self.n % 64] = parent


_RATING = {"positive": (5, 5, 4), "neutral": (3, 4, 3), "negative": (1, 1, 2)}


def _pick(rng: random.Random, cum: list[float]) -> int:
    """Index drawn from cumulative weights (what random.choices does, minus its overhead)."""
    return bisect(cum, rng.random() * cum[-1])


def _cum(weights) -> list[float]:  # type: ignore[no-untyped-def]
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out
