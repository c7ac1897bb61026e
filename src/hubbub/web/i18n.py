"""The dashboard's two languages: message catalogs (i18n/en.json, i18n/zh.json) and the
locale-aware formatting of numbers, dates and the names of platforms, languages and countries.

Templates call `t("key")`; a key missing from a catalog is a bug that tests/web catch (every
key in both catalogs, every key a template uses present), so at run time a missing key shows
itself as the key rather than failing the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
# BCP 47 tags for the browser's Intl API and the <html lang> attribute.
HTML_LANG = {"en": "en", "zh": "zh-CN"}
# Chinese counts large numbers in 万 (10⁴) and 亿 (10⁸), not in thousands and millions.
COMPACT_STEPS = {
    "en": ((1e9, "B"), (1e6, "M"), (1e3, "K")),
    "zh": ((1e8, "亿"), (1e4, "万")),
}


@lru_cache(maxsize=len(LANGUAGES))
def catalog(lang: str) -> dict[str, str]:
    """Every message of one language, flattened to dotted keys ("nav.topics")."""
    text = resources.files("hubbub.web").joinpath("i18n", f"{lang}.json").read_text("utf-8")
    flat: dict[str, str] = {}
    _flatten(json.loads(text), "", flat)
    return flat


def _flatten(node: dict[str, Any], prefix: str, out: dict[str, str]) -> None:
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, name + ".", out)
        else:
            out[name] = str(value)


def pick_language(asked: str | None, accept_language: str | None) -> str:
    """The cookie's choice, else the browser's first supported language, else English."""
    if asked in LANGUAGES:
        return asked  # type: ignore[return-value]
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.split("-")[0] in LANGUAGES:
            return tag.split("-")[0]
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Translator:
    lang: str

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.lang]

    def __call__(self, key: str, **values: Any) -> str:
        text = catalog(self.lang).get(key, key)
        return text.format(**values) if values else text

    def label(self, kind: str, key: str | None) -> str:
        """A platform, language, country, sentiment or group name in this language.

        Unknown keys are shown as they are (a new platform still reads, only untranslated).
        """
        if key is None or key == "":
            return self("label.unknown")
        messages = catalog(self.lang)
        for candidate in (key, key.lower(), key.split("-")[0].lower()):
            if f"{kind}.{candidate}" in messages:
                return messages[f"{kind}.{candidate}"]
        return key

    def number(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return "–"
        return f"{value:,.{digits}f}"

    def compact(self, value: float | int | None) -> str:
        """Short counts for tight places: 12.3K / 4.5M in English, 1.2万 / 3.4亿 in Chinese."""
        if value is None:
            return "–"
        steps = COMPACT_STEPS[self.lang]
        for size, suffix in steps:
            if abs(value) >= size:
                return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
        return self.number(value)

    def percent(self, share: float | None, digits: int = 1) -> str:
        return "–" if share is None else f"{share * 100:.{digits}f}%"

    def date(self, moment: datetime | str | None) -> str:
        if moment is None:
            return "–"
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        if self.lang == "zh":
            return f"{moment.year}年{moment.month}月{moment.day}日"
        return f"{moment.day} {moment:%b} {moment.year}"

    def datetime(self, moment: datetime | str | None) -> str:
        if moment is None:
            return "–"
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        return f"{self.date(moment)} {moment:%H:%M}"

    def client_messages(self) -> dict[str, str]:
        """The messages the page's scripts need (chart titles, tooltips, names)."""
        prefixes = ("js.", "platform.", "lang.", "country.", "sentiment.", "label.")
        return {k: v for k, v in catalog(self.lang).items() if k.startswith(prefixes)}
