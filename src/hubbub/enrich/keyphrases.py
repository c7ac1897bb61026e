"""Key phrases: the three to five phrases that say what a post is about, in any language.

In the default pipeline, so it has to be fast (YAKE runs ~2.4k posts/s here; this ~10x more).
The method, "stopword n-grams scored by in-batch IDF":

1. Candidates. Hashtags (the author's own topic labels, Weibo ``#话题#`` included). Then the
   text without links, @handles and hashtags is cut into runs of content words: stopwords,
   punctuation and emoji end a run, and every 1-3 word n-gram of a run is a candidate (numbers
   may end a phrase, "iPhone 15", but not start one). Chinese is segmented and part-of-speech
   tagged by rjieba: nouns, names, verbal nouns and Latin words are content, everything else
   ends a run, and adjacent segments join without spaces (``华为手机``). Japanese has no
   segmenter here: katakana runs and kanji compounds are the words, hiragana ends a run.
   Korean words lose their trailing particle.
2. Score. ``(1 + log tf) × mean idf of its words × (1 + 0.2 per extra word)``, hashtags
   counted twice, where idf is computed over the batch being enriched: a word in every post
   of the batch says little about any one of them. A batch of one post degrades gracefully to
   term frequency and length.
3. Pick. Best first, skipping a phrase that shares a word with one already picked (so not both
   "iphone 15" and "iphone"), at most five.

Phrases keep the post's spelling of their first occurrence (Chinese comes out simplified).
Stopwords: our own lists for English, French and Chinese (general-purpose lists such as
stopwords-iso count "microsoft", "world" and "home" as stopwords, which is wrong for social
listening); other languages use stopwords-iso when the ``stopwordsiso`` package is installed.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import rjieba

from hubbub.enrich.base import EnrichDoc, FunctionEnricher
from hubbub.text.extract import extract_hashtags
from hubbub.text.normalize import HAN_CLASS, norm
from hubbub.text.tokenize import URL_PATTERN

KEYPHRASES_MODEL = "keyphrases.hubbub-ngram-idf.v1"
MAX_PHRASES = 5
MAX_WORDS = 3
# Only the start of a very long post is read: it bounds the cost of a 100 KB article, and
# what a post is about shows in its first few thousand characters.
MAX_CHARS = 4000
_HASHTAG_WEIGHT = 2.0
_LENGTH_BONUS = 0.2  # per extra word of an n-gram: "battery life" over "battery"
_MAX_WORD_CHARS = 30  # longer "words" are junk: base64, keyboard mashing, run-on tags

# --- stopwords

_SOCIAL = """
rt via amp lol lmao omg wtf tbh imo imho idk btw pls plz thx ty u ur im ive ill id dont cant
wont didnt isnt doesnt https http www com html ok okay yes yeah yep nope hey hi hello haha
hahaha gonna wanna gotta
"""
_EN = """
a about above after again against all almost also am an and any are as at be because been
before being below between both but by can could did do does doing down during each either
else even ever every few for from further get gets getting got had has have having he her
here hers herself him himself his how however i if in into is it its itself just least less
let like likes liked may me might mine more most much must my myself never no nor not now of
off often on once one only or other others our ours ourselves out over own per perhaps quite
rather really same she should since so some such than that the their theirs them themselves
then there these they this those though through thus to too under until up upon us very was
we were what whatever when where whether which while who whom whose why will with within
without would yet you your yours yourself yourselves
s t d ll m re ve don doesn didn isn wasn aren weren won wouldn shouldn couldn hasn haven hadn
today tomorrow yesterday tonight now day days week weeks year years time times thing things
something anything nothing everything someone anyone everyone nobody people guy guys stuff way
lot lots kind sort bit much many really actually literally basically pretty still already
always never sometimes maybe probably definitely totally absolutely seriously finally
good great best better nice cool awesome amazing bad worse worst love loved loves hate hated
want wants wanted need needs needed know knew think thought feel felt see saw seen look looks
looking make makes made go goes going went gone come comes came take took give gave say said
says tell told try trying tried use used using thank thanks please sorry new old first last
next big little right left well back lol yes no oh ah wow
"""
_FR = """
a à afin ai aie aient ais ait alors as au aucun aucune aussi autre autres aux avec avoir avais
avait avant avez avions avons ayant bah bien bon c ça car ce ceci cela celle celles celui cependant
ces cet cette ceux chaque chez ci comme comment d dans de des donc dont du elle elles en encore
es est et étaient était été être eu eux fait faire fais font hors ici il ils j je jusqu l la
là le les leur leurs lui m ma mais me même mes moi moins mon n ne ni non nos notre nous on ont
ou où par parce pas peu peut plus pour pourquoi qu quand que quel quelle quelles quels qui quoi
s sa sans se ses si sien son sont sous suis sur t ta te tes toi ton tous tout toute toutes très
tu un une vers voici voilà vos votre vous y
aujourd hui demain hier jour jours an ans année fois chose choses truc gens vraiment trop
toujours jamais déjà juste super génial merci oui ouais mdr ptdr
"""
_ZH = """
的 了 着 过 是 在 和 与 及 或 而 但 就 都 也 还 又 再 才 只 很 太 更
最 非常 不 没 没有 别 把 被 让 给 对 向 从 到 为 为了 因为 所以 如果
虽然 但是 然后 还是 就是 或者 而且 并且 我 你 他 她 它 我们 你们 他们 她们
它们 自己 大家 这 那 这个 那个 这些 那些 这里 那里 这样 那样 这么 那么 什么
怎么 怎样 为什么 哪 哪里 谁 多少 几 一 一个 一些 一下 一点 一样 一起 一直
有 有点 有些 可以 可能 应该 能 会 要 想 觉得 知道 看 看到 说 去 来 做 用
今天 明天 昨天 现在 时候 时间 之后 之前 以后 以前 已经 正在 刚刚 真的 其实
当然 还有 东西 事情 问题 感觉 样子 地方 方面 情况 方式 部分 人 人们 别人
朋友们 哈哈 哈哈哈 啊 吧 呢 吗 嘛 呀 哦 嗯 哎 啦 喔 微博 转发 评论 点赞
视频 链接 网页 全文 展开
"""
_OWN_STOPWORDS = {"en": _EN, "fr": _FR, "zh": _ZH}


@lru_cache(maxsize=64)
def stopwords(lang: str) -> frozenset[str]:
    """Stopwords for a primary language code; English and social filler are always in."""
    words = set((_SOCIAL + _EN).split())
    if lang in _OWN_STOPWORDS:
        words.update(_OWN_STOPWORDS[lang].split())
    elif lang:
        try:
            import stopwordsiso  # optional: lists for ~50 more languages
        except ImportError:
            pass
        else:
            if stopwordsiso.has_lang(lang):
                words.update(stopwordsiso.stopwords(lang))
    return frozenset(norm(w) for w in words)


# --- candidates

# rjieba tags that are content: nouns, names, places, organizations, other proper nouns,
# verbal and adjectival nouns, abbreviations, Latin words.
_ZH_CONTENT = frozenset({"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "ng", "vn", "an", "j", "eng"})
_ZH_NUMBER = frozenset({"m", "mq"})
# Trailing particles and the commonest polite verb endings, stripped from a Korean word so
# that "삼성전자는" counts as "삼성전자" and "발표했습니다" as "발표".
_KOREAN_SUFFIXES = sorted(
    [
        "은",
        "는",
        "이",
        "가",
        "을",
        "를",
        "의",
        "에",
        "에서",
        "로",
        "으로",
        "와",
        "과",
        "도",
        "만",
        "에게",
        "한테",
        "까지",
        "부터",
        "처럼",
        "보다",
        "이랑",
        "랑",
        "이다",
        "입니다",
        "이에요",
        "예요",
        "했습니다",
        "합니다",
        "습니다",
        "했어요",
        "해요",
        "했다",
        "한다",
        "하다",
    ],
    key=len,
    reverse=True,
)

# Weibo "#话题#" (a span between two hashes holding a Han character), then "#tag".
_HASHTAG_SPAN = re.compile(f"#[^#\\n]{{0,63}}[{HAN_CLASS}][^#\\n]{{0,63}}#|[#＃][^\\W_][\\w\\-]*")
_NOISE = re.compile(URL_PATTERN + r"|[@＠][\w\-.]+|\[[^\[\]\s]{1,8}\]")
_HAN = re.compile(f"[{HAN_CLASS}]")
_KANA_HANGUL = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f\uac00-\ud7af]")
_CJK_CLASS = (
    f"{HAN_CLASS}\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
)
# One alternative per kind of token; `lastindex` says which matched.
_TOKEN = re.compile(
    f"([{HAN_CLASS}]+)"  # 1 kanji / hanzi run
    "|([\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]+)"  # 2 katakana
    "|([\u3040-\u309f]+)"  # 3 hiragana: particles and endings, a delimiter
    "|([\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]+)"  # 4 Hangul word
    f"|([^\\W_{_CJK_CLASS}]+(?:-[^\\W_{_CJK_CLASS}]+)*)"  # 5 other word, "coca-cola"
    "|(\\S)"  # 6 punctuation, emoji: a delimiter
)

# A token of a run: (key for counting, surface to show, is a number).
_Token = tuple[str, str, bool]
# A post's candidates: weight by phrase key, surface spelling by key, words by key.
_Candidates = tuple[dict[str, float], dict[str, str], dict[str, tuple[str, ...]]]


def _runs_spaced(text: str, stop: frozenset[str]) -> list[list[_Token]]:
    """Runs of content words in space-delimited, Japanese or Korean text."""
    runs: list[list[_Token]] = []
    run: list[_Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastindex
        surface = m.group()
        token: _Token | None = None
        if kind == 5:
            key = surface.casefold()
            if key.isdigit():
                token = (key, surface, True)
            elif 1 < len(key) <= _MAX_WORD_CHARS and key not in stop:
                token = (key, surface, False)
        elif kind == 1 or kind == 2:
            key = norm(surface)
            if 1 < len(key) <= _MAX_WORD_CHARS and key not in stop:
                token = (key, key, False)
        elif kind == 4:
            # Korean words carry their grammar, so neighbours rarely make a phrase: one word
            # is one run.
            if run:
                runs.append(run)
                run = []
            word = _strip_particle(surface)
            if 1 < len(word) <= _MAX_WORD_CHARS and word not in stop:
                runs.append([(word, word, False)])
            continue
        if token is None:
            if run:
                runs.append(run)
                run = []
        else:
            run.append(token)
    if run:
        runs.append(run)
    return runs


def _strip_particle(word: str) -> str:
    for particle in _KOREAN_SUFFIXES:
        if word.endswith(particle) and len(word) > len(particle):
            return word[: -len(particle)]
    return word


def _runs_chinese(text: str, stop: frozenset[str]) -> list[list[_Token]]:
    """Runs of content segments in Chinese text, from rjieba's part-of-speech tags."""
    runs: list[list[_Token]] = []
    run: list[_Token] = []
    for word, tag in rjieba.tag(norm(text)):
        if word.isspace():
            continue  # "iphone 15 pro" in a Chinese post stays one run
        token: _Token | None = None
        if tag in _ZH_CONTENT and 1 < len(word) <= _MAX_WORD_CHARS and word not in stop:
            token = (word, word, False)
        elif tag in _ZH_NUMBER and word.isascii() and word.isalnum():
            token = (word, word, True)
        if token is None:
            if run:
                runs.append(run)
                run = []
        else:
            run.append(token)
    if run:
        runs.append(run)
    return runs


def _join(tokens: list[_Token]) -> tuple[str, str]:
    """Key and surface of an n-gram: Chinese segments join without spaces, words with one."""
    key_parts = [tokens[0][0]]
    surface_parts = [tokens[0][1]]
    for prev, tok in itertools.pairwise(tokens):
        glue = "" if _HAN.search(prev[0][-1]) or _HAN.search(tok[0][0]) else " "
        key_parts.append(glue + tok[0])
        surface_parts.append(glue + tok[1])
    return "".join(key_parts), "".join(surface_parts)


def candidates(doc: EnrichDoc) -> _Candidates:
    """A post's candidate phrases: weighted counts, surface spellings, and their words."""
    text = (doc.full_text or "")[:MAX_CHARS]
    text = unicodedata.normalize("NFKC", text)
    counts: dict[str, float] = {}
    surfaces: dict[str, str] = {}
    words: dict[str, tuple[str, ...]] = {}
    tags = doc.hashtags or extract_hashtags(text)
    for tag in tags[:20]:
        key = norm(tag)
        if key and not key.isdigit():
            counts[key] = counts.get(key, 0.0) + _HASHTAG_WEIGHT
            surfaces.setdefault(key, tag)
            words.setdefault(key, (key,))
    body = _NOISE.sub(" . ", text)
    if "#" in body or "＃" in body:
        body = _HASHTAG_SPAN.sub(" . ", body)
    lang = (doc.lang or "").split("-")[0].lower()
    chinese = lang == "zh" or (
        lang in ("", "und") and _HAN.search(body) is not None and not _KANA_HANGUL.search(body)
    )
    if chinese:
        # Lone surrogates (broken JSON upstream) make rjieba raise; "?" is a delimiter anyway.
        body = body.encode("utf-8", "replace").decode("utf-8")
    stop = stopwords("zh" if chinese else lang)
    runs = _runs_chinese(body, stop) if chinese else _runs_spaced(body, stop)
    for run in runs:
        for i, first in enumerate(run):
            if first[2]:
                continue  # a phrase does not start with a number
            for n in range(1, min(MAX_WORDS, len(run) - i) + 1):
                gram = run[i : i + n]
                key, surface = _join(gram)
                counts[key] = counts.get(key, 0.0) + 1.0
                if key not in surfaces:
                    surfaces[key] = surface
                    words[key] = tuple(t[0] for t in gram)
    return counts, surfaces, words


def pick(
    counts: dict[str, float],
    surfaces: dict[str, str],
    words: dict[str, tuple[str, ...]],
    idf: dict[str, float],
    default_idf: float,
) -> list[str]:
    """Best phrases first, no two sharing a word, at most `MAX_PHRASES`."""
    scored = []
    for position, (key, weight) in enumerate(counts.items()):
        ws = words[key]
        mean_idf = sum(idf.get(w, default_idf) for w in ws) / len(ws)
        score = (1 + math.log(weight)) * mean_idf * (1 + _LENGTH_BONUS * (len(ws) - 1))
        scored.append((-score, position, key))
    scored.sort()
    chosen: list[str] = []
    used: set[str] = set()
    for _, _, key in scored:
        if used.intersection(words[key]):
            continue
        chosen.append(surfaces[key])
        used.update(words[key])
        if len(chosen) == MAX_PHRASES:
            break
    return chosen


def extract_keyphrases(docs: list[EnrichDoc]) -> None:
    """Fill `keyphrases` on every doc; idf comes from this batch."""
    per_doc: list[tuple[EnrichDoc, _Candidates]] = []
    df: Counter[str] = Counter()
    for doc in docs:
        try:
            found = candidates(doc)
        except Exception as exc:  # one bad post must not stop the batch
            doc.errors.append(f"{KEYPHRASES_MODEL}: {type(exc).__name__}: {exc}")
            continue
        per_doc.append((doc, found))
        # Document frequency of words, not phrases: a phrase is as rare as its rarest word,
        # so phrase-level idf would favour long n-grams around any rare word.
        df.update({w for ws in found[2].values() for w in ws})
    n = len(per_doc)
    # Smoothed word idf, never zero: with one post (or a phrase in every post) the ranking falls
    # back to frequency and length rather than to nothing.
    idf = {key: math.log((n + 1) / (count + 0.5)) + 1.0 for key, count in df.items()}
    default_idf = math.log(n + 1) + 1.0
    for doc, (counts, surfaces, words) in per_doc:
        try:
            doc.keyphrases = pick(counts, surfaces, words, idf, default_idf)
        except Exception as exc:  # one bad post must not stop the batch
            doc.errors.append(f"{KEYPHRASES_MODEL}: {type(exc).__name__}: {exc}")


def keyphrases_enricher() -> FunctionEnricher:
    """The ``keyphrases.hubbub-ngram-idf.v1`` enricher (in the default pipeline)."""
    return FunctionEnricher(
        name=KEYPHRASES_MODEL,
        requires=("text", "title", "lang", "hashtags"),
        assigns=("keyphrases",),
        function=extract_keyphrases,
        description="3-5 key phrases: stopword-delimited n-grams and hashtags, in-batch idf",
    )
