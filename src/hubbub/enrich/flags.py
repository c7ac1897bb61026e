"""Rule-based post flags (``flags.rules.v1``): sponsored, spam, question, complaint.

Rules are data: per flag, per language, the phrases that signal it (tables below). Latin-script
phrases match whole words of the folded text (NFKC, casefold, no accents, traditional→simplified
Chinese), so "#ad" does not fire on "adventure" and "werbung" matches "Werbung"; CJK phrases match
as substrings, since Chinese and Japanese have no spaces. A few Spanish and French words need
their accent to mean a question (``cómo``, not ``como``): those match the accented `norm` text.

The spam flag also reads the near-duplicate cluster: a burst of copies (``dup_size`` ≥
`BURST_SIZE`) of a post with a link from a tiny account is spam even without promo words, so
this enricher must run after ``dedup.minhash-lsh.v1`` (it still works without it, minus that
rule). docs/enrichment.md explains each rule and its measured precision.
"""

from __future__ import annotations

import re

from hubbub.enrich.base import EnrichDoc, FunctionEnricher, safe_batch
from hubbub.text.extract import extract_urls
from hubbub.text.normalize import fold, is_cjk_char, norm
from hubbub.text.tokenize import URL_PATTERN

FLAGS_NAME = "flags.rules.v1"
FLAG_ORDER = ("sponsored", "spam", "question", "complaint")

BURST_SIZE = 20  # copies in a near-duplicate cluster that make a link post from a tiny account spam
TINY_ACCOUNT = 20  # followers below which an account counts as tiny for the burst rule
NEW_ACCOUNT = 50  # followers below which one promo phrase with a link is enough
# Links to a post on a social platform (quotes, shares of a thread) push no offer.
_PLATFORM_LINK = re.compile(
    r"^https?://(?:www\.|m\.|mobile\.)?(?:x\.com|twitter\.com|bsky\.app|weibo\.com|weibo\.cn|"
    r"reddit\.com|old\.reddit\.com|mastodon\.social|threads\.net)/",
    re.IGNORECASE,
)

# Phrases in folded form (lowercase, no accents, simplified Chinese, half-width).
SPONSORED = {
    "en": (
        "#ad",
        "#ads",
        "#sponsored",
        "#sponsor",
        "#partner",
        "#spon",
        "#paidpartnership",
        "#advertisement",
        "paid partnership",
        "sponsored by",
        "sponsored post",
        "in paid partnership with",
        "#gifted",
        "#collab",
    ),
    "de": ("werbung", "#werbung", "anzeige", "#anzeige", "bezahlte partnerschaft"),
    "fr": (
        "publicite",
        "#publicite",
        "sponsorise",
        "#sponsorise",
        "partenariat remunere",
        "#partenariat",
        "collaboration commerciale",
    ),
    "es": ("patrocinado", "#patrocinado", "#publi", "publicidad", "colaboracion pagada"),
    "zh": (
        "#广告",
        "【广告】",
        "(广告)",
        "广告合作",
        "商务合作",
        "品牌合作",
        "#合作",
        "【合作】",
        "#推广",
        "【推广】",
        "(推广)",
        "恰饭",
        "业配",
        "赞助",
    ),
    "ja": ("pr案件", "#pr", "【pr】", "[pr]", "(pr)", "タイアップ", "提供:", "広告"),
}
QUESTION = {  # besides any "?" or "？" outside a URL
    "en": (
        "how do",
        "how to",
        "how can",
        "how does",
        "what is",
        "what's",
        "why is",
        "why does",
        "why do",
        "anyone know",
        "does anyone",
        "can anyone",
        "is it worth",
        "should i",
        "which one",
        "any recommendations",
        "any recs",
    ),
    "fr": ("est-ce que", "pourquoi", "quelqu'un sait", "vous conseillez", "qu'est-ce"),
    "de": ("warum", "weiss jemand", "kann mir jemand", "wie kann", "was ist", "lohnt sich"),
    "es": ("por que", "alguien sabe", "me recomiendan", "vale la pena", "¿"),
    "zh": (
        "怎么",
        "为什么",
        "吗?",
        "有没有人",
        "求推荐",
        "请问",
        "如何",
        "是不是",
        "有人知道",
        "值得买吗",
        "哪个好",
    ),
    "ja": (
        "どうやって",
        "どうして",
        "どうすれば",
        "どうですか",
        "なぜ",
        "ですか",
        "ますか",
        "教えて",
        "どれがいい",
    ),
}
QUESTION_STARTS = {  # interrogatives that ask only at the start of a post
    "en": ("how", "what", "why", "when", "where", "which", "who", "is there", "does", "can i"),
    "fr": ("comment", "pourquoi", "quel", "quelle", "quels", "quelles", "ou est"),
    "de": ("wie", "warum", "wieso", "weshalb", "was", "wo", "welche", "welcher", "welches"),
    "es": ("por que", "donde", "cual", "cuando"),
}
QUESTION_ACCENTED = ("cómo", "qué", "dónde", "cuál", "cuándo", "où")  # matched in `norm` text
COMPLAINT = {
    "en": (
        "broken",
        "refund",
        "worst",
        "never again",
        "customer service",
        "customer support",
        "doesn't work",
        "does not work",
        "doesnt work",
        "stopped working",
        "not working",
        "scam",
        "rip off",
        "ripoff",
        "defective",
        "faulty",
        "waste of money",
        "still waiting",
        "terrible service",
        "want my money back",
        "complaint",
        "return it",
        "returning it",
    ),
    "fr": (
        "remboursement",
        "rembourser",
        "arnaque",
        "en panne",
        "ne marche pas",
        "ne marche plus",
        "ne fonctionne pas",
        "ne fonctionne plus",
        "service client",
        "plus jamais",
        "defectueux",
        "honteux",
        "reclamation",
    ),
    "de": (
        "kaputt",
        "erstattung",
        "ruckerstattung",
        "betrug",
        "kundenservice",
        "kundendienst",
        "funktioniert nicht",
        "funktioniert nicht mehr",
        "nie wieder",
        "defekt",
        "abzocke",
        "reklamation",
        "geld zuruck",
    ),
    "es": (
        "reembolso",
        "estafa",
        "no funciona",
        "servicio al cliente",
        "atencion al cliente",
        "nunca mas",
        "roto",
        "averiado",
        "defectuoso",
        "devolucion",
        "timo",
        "reclamacion",
    ),
    "zh": (
        "投诉",
        "退款",
        "坏了",
        "售后",
        "客服",
        "退货",
        "维权",
        "被坑",
        "坑爹",
        "坑人",
        "质量问题",
        "差评",
        "骗子",
        "黑猫投诉",
        "12315",
        "垃圾产品",
        "什么垃圾",
        "太垃圾",
    ),
    "ja": ("壊れ", "返金", "最悪", "故障", "不良品", "詐欺", "二度と買わない", "サポート対応"),
}
SPAM_PROMO = {
    "en": (
        "giveaway",
        "free",
        "click",
        "limited offer",
        "limited stock",
        "limited time",
        "claim yours",
        "claim now",
        "dm me",
        "dm for",
        "promo code",
        "discount code",
        "earn money",
        "make money",
        "follow back",
        "win a",
        "only $",
    ),
    "fr": ("gratuit", "cliquez", "offre limitee", "concours", "a gagner", "code promo"),
    "de": ("gratis", "kostenlos", "gewinnspiel", "jetzt klicken", "gutscheincode", "nur heute"),
    "es": ("gratis", "sorteo", "haz clic", "oferta limitada", "codigo promocional", "regalo"),
    "zh": (
        "加微信",
        "加v",
        "加vx",
        "私信",
        "领取",
        "免费",
        "抽奖",
        "限量",
        "点击",
        "秒杀",
        "兼职",
        "日赚",
        "优惠券",
        "薇信",
    ),
    "ja": ("無料", "プレゼント", "今すぐ", "限定", "クリック", "当選"),
}

_URL = re.compile(URL_PATTERN)


def _compile(tables: dict[str, tuple[str, ...]], anchored: bool = False) -> re.Pattern[str]:
    """One regex for a flag's phrases: Latin ones bounded by non-word characters, CJK bare."""
    parts = []
    for phrases in tables.values():
        for phrase in phrases:
            body = re.escape(phrase)
            if is_cjk_char(phrase[0]) or not (phrase[-1].isalnum() or phrase[-1] == "'"):
                parts.append(body)  # CJK, or ends in punctuation: no word edge to respect
            else:
                edge = "" if not phrase[0].isalnum() else r"(?<![^\W_])"
                parts.append(f"{edge}{body}(?![^\\W_])")
    parts.sort(key=len, reverse=True)  # longest first, so "#adverts" never stops at "#ad"
    alternation = "|".join(parts)
    return re.compile(f"^\\s*(?:{alternation})" if anchored else alternation)


_NON_WORD = re.compile(r"[\W_]+")


class PhraseSet:
    """A flag's phrases, matched without one big regex alternation.

    An alternation of ~100 phrases with word-edge look-arounds is tried at every position of
    the text (~100 µs a post); here Latin phrases are looked up among the words of the text
    (punctuation read as a space, as Radarly does: "doesn't" also matches "doesn t") and CJK
    or symbol-led phrases ("#ad", "【广告】") as plain substrings.
    """

    def __init__(self, tables: dict[str, tuple[str, ...]]) -> None:
        self.bare: list[str] = []
        self.words: set[str] = set()
        self.multi: list[str] = []
        edged: list[str] = []
        for phrases in tables.values():
            for phrase in phrases:
                if is_cjk_char(phrase[0]) or is_cjk_char(phrase[-1]):
                    self.bare.append(phrase)
                    continue
                if not (phrase[0].isalnum() and phrase[-1].isalnum()):
                    # Symbol-led ("#ad"): its Latin end still needs a word edge ("#adidas").
                    tail = "(?![^\\W_])" if phrase[-1].isalnum() else ""
                    edged.append(re.escape(phrase) + tail)
                    continue
                spaced = _NON_WORD.sub(" ", phrase).strip()
                if " " in spaced:
                    self.multi.append(f" {spaced} ")
                else:
                    self.words.add(spaced)
        edged.sort(key=len, reverse=True)
        self.edged = re.compile("|".join(edged)) if edged else None

    def found(self, folded: str, words: list[str], padded: str) -> set[str]:
        hits = {w for w in words if w in self.words}
        hits.update(p.strip() for p in self.multi if p in padded)
        hits.update(p for p in self.bare if p in folded)
        if self.edged is not None:
            hits.update(self.edged.findall(folded))
        return hits


def _words(folded: str) -> tuple[list[str], str]:
    spaced = _NON_WORD.sub(" ", folded)
    return spaced.split(), f" {spaced} "


_SPONSORED = PhraseSet(SPONSORED)
_QUESTION = PhraseSet(QUESTION)
_QUESTION_START = _compile(QUESTION_STARTS, anchored=True)
_QUESTION_ACCENTED = re.compile("|".join(rf"(?<!\w){w}(?!\w)" for w in QUESTION_ACCENTED))
_COMPLAINT = PhraseSet(COMPLAINT)
_SPAM = PhraseSet(SPAM_PROMO)


def post_flags(doc: EnrichDoc) -> list[str]:
    """The flags of one post, in `FLAG_ORDER`."""
    raw = doc.full_text or ""
    urls = [u for u in (doc.urls or extract_urls(raw)) if not _PLATFORM_LINK.match(u)]
    text = _URL.sub(" ", raw) if "http" in raw else raw  # a URL's "?" or "/ad/" says nothing
    folded = fold(text)
    words, padded = _words(folded)
    found = set()
    if _SPONSORED.found(folded, words, padded):
        found.add("sponsored")
    if _is_spam(doc, len(_SPAM.found(folded, words, padded)), len(urls)):
        found.add("spam")
    if (
        "?" in folded
        or _QUESTION.found(folded, words, padded)
        or _QUESTION_START.search(folded)
        or _QUESTION_ACCENTED.search(norm(text))
    ):
        found.add("question")
    if _COMPLAINT.found(folded, words, padded):
        found.add("complaint")
    return [flag for flag in FLAG_ORDER if flag in found]


def _is_spam(doc: EnrichDoc, promo: int, links: int) -> bool:
    if not links:
        return False  # every rule here is about pushing a link
    followers = doc.author_followers
    if links >= 2 and promo:
        return True  # link farms: several links and a come-on
    if promo and followers is not None and followers < NEW_ACCOUNT:
        return True  # a near-empty account pushing an offer
    # A burst of copies from tiny accounts (needs dedup first: docs/enrichment.md). Reposts
    # are left out: a big repost cascade is what a popular post looks like.
    return _is_burst(doc)


def _flag(doc: EnrichDoc) -> None:
    doc.flags = post_flags(doc)


flags_enricher = FunctionEnricher(
    name=FLAGS_NAME,
    requires=("text", "title", "urls", "author_followers", "dup_size"),
    assigns=("flags",),
    function=safe_batch(_flag),
    description="sponsored / spam / question / complaint flags from per-language phrase tables",
)


class SpamBurst:
    """The burst half of the spam flag, run after near-duplicate clustering.

    `flags_enricher` runs before dedup, in the worker processes, where `dup_size` is not known
    yet; this adds "spam" to posts that turn out to be copies in a burst from tiny accounts.
    """

    name = "flags.spam-burst.v1"
    requires: tuple[str, ...] = ("urls", "author_followers", "dup_size", "kind", "flags")
    assigns: tuple[str, ...] = ("flags",)
    stateful = False

    def __call__(self, docs: list[EnrichDoc]) -> None:
        for doc in docs:
            if "spam" in doc.flags or not _is_burst(doc):
                continue
            raw = doc.full_text or ""
            urls = [u for u in (doc.urls or extract_urls(raw)) if not _PLATFORM_LINK.match(u)]
            if urls:
                doc.flags = [f for f in FLAG_ORDER if f in {*doc.flags, "spam"}]
                doc.provenance["flags"] = self.name


def _is_burst(doc: EnrichDoc) -> bool:
    return (
        doc.kind != "repost"
        and doc.author_followers is not None
        and doc.author_followers < TINY_ACCOUNT
        and (doc.dup_size or 0) >= BURST_SIZE
    )
