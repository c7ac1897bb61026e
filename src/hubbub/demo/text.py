"""Turning templates into post texts: slot filling, reposts, the KOL cascade, typos, media."""

from __future__ import annotations

import random
from string import Formatter

from hubbub.demo.links import Parent, mention
from hubbub.demo.people import People, Person
from hubbub.demo.platforms import _B62, ROOT_KINDS, encode, one
from hubbub.demo.stories import SPAM_DOMAIN
from hubbub.demo.vocab import VOCABS, LangVocab
from hubbub.models import Media

_BRANDS = ("aurora", "nimbus", "zephyr")
_COMPETITORS = {b: tuple(o for o in _BRANDS if o != b) for b in _BRANDS}
# How each platform writes a hashtag: Weibo and Bilibili close it, Xiaohongshu marks it.
_TAG_STYLE = {"weibo": "#{}#", "bilibili": "#{}#", "xiaohongshu": "#{}[话题]#"}
# {n}: prices in the spam and launch posts, per story and language; a small count otherwise.
_NUMBERS = {
    ("spam", "en"): (79, 99, 129),
    ("spam", "zh-Hans"): (99, 199, 299),
    ("launch", "zh-Hans"): (39, 42, 45),
    ("launch", "zh-Hant"): (21, 23, 25),
}
_TYPO_LANGS = frozenset({"en", "fr", "de", "es"})
# What people add when they repost the KOL (Weibo's default is 转发微博).
_CASCADE_COMMENTS = (
    "转发微博",
    "转发微博",
    "说得中肯",
    "同感，X5夜景真的强",
    "蹲一个续航测试",
    "老猫说的对",
    "已下单[doge]",
    "mark",
    "",
    "求链接",
    "终于有人说实话了",
)


def _compile(tpl: str) -> tuple[tuple[str, str | None], ...]:
    """A template as (literal, field) pairs, parsed once: filling then needs no format_map."""
    return tuple((lit, field) for lit, field, _, _ in Formatter().parse(tpl))


_COMPILED: dict[str, tuple[tuple[str, str | None], ...]] = {}


class Composer:
    def __init__(self, rng: random.Random, people: People) -> None:
        self.rng = rng
        self.people = people
        self.kols_by_lang: dict[str, list[Person]] = {}
        for p in people.kols:
            self.kols_by_lang.setdefault(p.lang, []).append(p)
        self._viral_text: str | None = None
        # (brand, b, p, c) of the previous fill, so a title and its body agree.
        self.last: tuple[str, str | None, str | None, str | None] = ("", None, None, None)

    def fill(
        self,
        tpl: str,
        v: LangVocab,
        platform: str,
        brand: str,
        sentiment: str,
        tagkey: str,
        products: str = "any",
        story: str = "",
        same_as_last: bool = False,
    ) -> str:
        """Fill a template's fields (see vocab's docstring); brand, product and competitor stay
        the same within one text, and with `same_as_last` also match the previous text (a title
        and its body). `products`: "flagship" (stories), "launched" (Aurora after the launch,
        mostly the X5), "prelaunch" (Aurora before it: no X5 yet) or "any"."""
        parts = _COMPILED.get(tpl)
        if parts is None:
            parts = _COMPILED[tpl] = _compile(tpl)
        rng = self.rng
        b = p = c = None
        if same_as_last and self.last[0] == brand:
            _, b, p, c = self.last
        last_clause = ""
        out = []
        # Hand-inlined per field, most frequent first: this loop is the generator's hot spot.
        for lit, key in parts:
            if lit:
                out.append(lit)
            if key is None:
                continue
            if key == "e":
                emoji = v.emoji[sentiment]
                out.append(emoji[int(rng.random() * len(emoji))])
            elif key == "p":
                if p is None:
                    names = v.products[brand]
                    if products == "flagship" or (products == "launched" and rng.random() < 0.55):
                        p = names[0]
                    else:
                        p = one(rng, names[1:] if products == "prelaunch" else names)
                out.append(p)
            elif key == "b":
                if b is None:
                    names = v.brands[brand]
                    b = names[0] if rng.random() < 0.8 else one(rng, names)
                out.append(b)
            elif key == "pos" or key == "neg" or key == "neu":
                bank = v.pos if key == "pos" else (v.neg if key == "neg" else v.neu)
                clause = one(rng, bank)
                if clause == last_clause:  # "{neg} and {neg}" should name two problems
                    clause = one(rng, bank)
                last_clause = clause
                out.append(clause)
            elif key == "tag":
                out.append(self.tag(v, platform, tagkey))
            elif key == "c":
                if c is None:
                    c = v.brands[_COMPETITORS[brand][int(rng.random() * 2)]][0]
                out.append(c)
            elif key == "at":
                out.append("@" + mention(platform, self.someone(v.lang)))
            elif key == "s":
                out.append(one(rng, v.slang))
            elif key == "url":
                out.append(self.url(platform, story))
            elif key == "n":
                out.append(str(one(rng, _NUMBERS.get((story, v.lang), (3, 7, 14)))))
            else:
                raise KeyError(key)
        self.last = (brand, b, p, c)
        return "".join(out)

    # -- whole texts -------------------------------------------------------------------------
    def body(
        self,
        lang: str,
        platform: str,
        topic: str,
        sentiment: str,
        kind: str,
        parent: Parent | None,
        products: str,
        same_as_last: bool = False,
    ) -> str:
        rng = self.rng
        v = VOCABS[lang]
        if topic == "category":
            tpl, brand = one(rng, v.category), "aurora"
        elif topic == "noise":
            tpl, brand = one(rng, v.noise), "aurora"
        else:
            brand = topic
            bank = v.replies if kind not in ROOT_KINDS and rng.random() < 0.55 else v.posts
            tpl = one(rng, bank[sentiment])
        text = self.fill(tpl, v, platform, brand, sentiment, topic, products, "", same_as_last)
        if parent is not None and kind == "reply" and platform in ("x", "mastodon", "bluesky"):
            text = f"@{parent.handle} {text}"
        if lang in _TYPO_LANGS and rng.random() < 0.05:
            text = self.typo(text)
        return text.replace("  ", " ").strip()  # an empty emoji slot leaves a double space

    def story(self, story: str, lang: str, platform: str, sentiment: str) -> str:
        v = VOCABS[lang]
        brand = "nimbus" if story == "campaign" else "aurora"
        bank = v.stories.get(story, {}).get(sentiment) or v.posts[sentiment]
        tpl = one(self.rng, bank)
        text = self.fill(tpl, v, platform, brand, sentiment, story, "flagship", story)
        return text.replace("  ", " ").strip()

    def live(self, story: str, lang: str, platform: str, topic: str, sentiment: str) -> str:
        v = VOCABS[lang]
        rng = self.rng
        live = v.stories.get("live") if story == "launch" else None
        if live and sentiment in live:
            tpl = one(rng, live[sentiment])
            return self.fill(tpl, v, platform, "aurora", sentiment, "launch", "flagship", story)
        brand = topic if topic in _BRANDS else "aurora"
        return self.fill(one(rng, v.replies[sentiment]), v, platform, brand, sentiment, topic)

    def repost(self, platform: str, lang: str, parent: Parent) -> str:
        if platform == "x":
            return f"RT @{parent.handle}: {parent.text}"
        if platform == "weibo":
            return f"{one(self.rng, VOCABS[lang].repost)}//@{parent.handle}:{parent.text}"
        return parent.text  # a Mastodon boost or Bluesky repost carries the original text

    def viral(self, kind: str, parent: Parent | None, r: float) -> str:
        if self._viral_text is None:
            v = VOCABS["zh-Hans"]
            tpl = v.stories["viral"]["positive"][0]
            self._viral_text = self.fill(
                tpl, v, "weibo", "aurora", "positive", "aurora", "flagship"
            )
        original = self._viral_text
        if kind != "repost" or parent is None:
            return original
        rng = self.rng
        comment = one(rng, _CASCADE_COMMENTS)
        if parent.text != original and len(parent.text) < 300:
            quoted = parent.text  # reposting a repost: the //@ chain grows
        elif r < 0.25:
            quoted = original[: rng.randrange(40, 70)] + "...全文"  # Weibo's folded long text
        elif r < 0.45:
            quoted = original.replace("吊打", one(rng, ("秒杀", "吊打", "完爆")), 1)
        elif r < 0.6:
            quoted = original + one(rng, ("[赞]", "[doge]", "👍", "[心]"))
        else:
            quoted = original
        return f"{comment}//@{parent.handle}:{quoted}"

    def title(self, lang: str, topic: str, sentiment: str, products: str) -> str:
        v = VOCABS[lang]
        rng = self.rng
        if topic in _BRANDS:
            tpl = one(rng, v.titles[sentiment])
            return self.fill(tpl, v, "news", topic, sentiment, topic, products)
        bank = v.category if topic == "category" else v.noise
        return self.fill(one(rng, bank), v, "news", "aurora", sentiment, topic)

    def news(self, lang: str, topic: str, products: str) -> str:
        v = VOCABS[lang]
        brand = topic if topic in _BRANDS else "aurora"
        return self.fill(
            one(self.rng, v.news), v, "news", brand, "neutral", topic, products, "", True
        )

    # -- slot values ---------------------------------------------------------------------------
    def tag(self, v: LangVocab, platform: str, key: str) -> str:
        bodies = v.tags.get(key) or v.tags["aurora"]
        body = one(self.rng, bodies)
        return _TAG_STYLE.get(platform, "#{}").format(body)

    def someone(self, lang: str) -> Person:
        rng = self.rng
        kols = self.kols_by_lang.get(lang)
        if kols and rng.random() < 0.35:
            return one(rng, kols)  # people tag the brand and the big reviewers
        return one(rng, self.people.by_lang[lang])

    def url(self, platform: str, story: str) -> str:
        code = encode(self.rng.getrandbits(60), _B62, 10)
        if story == "spam":
            return f"https://{SPAM_DOMAIN}/{code[:6]}"
        if platform == "x":
            return f"https://t.co/{code}"
        if platform == "weibo":
            return f"http://t.cn/{code[:7]}"
        return f"https://youtu.be/{code}{code[0]}"

    def typo(self, text: str) -> str:
        # Drop or double one letter somewhere in the first part of the text, like thumbs do.
        rng = self.rng
        if len(text) < 12:
            return text
        i = rng.randrange(1, len(text) // 2)
        if not text[i].isalpha():
            return text
        return text[:i] + text[i + 1 :] if rng.random() < 0.6 else text[:i] + text[i] + text[i:]

    @staticmethod
    def media(platform: str, kind: str, u: int, date: str, campaign: bool) -> list[Media]:
        # Derived from the post's unique number rather than the RNG: cheaper, still stable.
        if kind == "video":
            return [Media("video")]
        if platform == "xiaohongshu" and kind != "comment":
            return [Media("image", f"https://sns-webpic-qc.xhscdn.com/{date}/{u:x}.jpg")]
        if kind == "post" and (campaign or u % 4 == 0):
            if platform == "x":
                return [Media("image", f"https://pbs.twimg.com/media/{encode(u, _B62, 15)}.jpg")]
            if platform == "weibo":
                return [Media("image", f"https://wx1.sinaimg.cn/large/{u:x}.jpg")]
            return [Media("image")]
        return []
