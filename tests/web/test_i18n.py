"""Both catalogs hold the same keys, and every key the templates, routes and scripts use is in
them: an untranslated label fails here, not in front of a user."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hubbub.demo.platforms import LANG_PLATFORMS
from hubbub.web.i18n import LANGUAGES, Translator, catalog, pick_language

WEB = Path(__file__).resolve().parents[2] / "src" / "hubbub" / "web"
# t("key") / t('key') in templates and routes; T("js.key") in the page scripts.
TEMPLATE_KEY = re.compile(r"""(?<![\w.])t\(\s*["']([a-z_]+\.[a-z_ .]+)["']""")
SCRIPT_KEY = re.compile(r"""(?<![\w.])T\(\s*["'](js\.[a-z_]+)["']""")
LABEL_CALL = re.compile(r"""t\.label\(\s*["']([a-z]+)["']\s*,\s*["']([^"']+)["']""")


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in [*WEB.glob("templates/*.html"), *WEB.glob("routes/*.py"), *WEB.glob("*.py")]:
        keys |= set(TEMPLATE_KEY.findall(path.read_text("utf-8")))
        keys |= {f"{kind}.{key}" for kind, key in LABEL_CALL.findall(path.read_text("utf-8"))}
    for path in WEB.glob("static/*.js"):
        keys |= set(SCRIPT_KEY.findall(path.read_text("utf-8")))
    return keys


def test_both_languages_have_the_same_keys() -> None:
    english, chinese = set(catalog("en")), set(catalog("zh"))
    assert english - chinese == set(), "missing in zh.json"
    assert chinese - english == set(), "missing in en.json"


def test_every_used_key_is_translated() -> None:
    keys = used_keys()
    assert len(keys) > 80  # the scan found the templates' keys
    for lang in LANGUAGES:
        missing = sorted(k for k in keys if k not in catalog(lang))
        assert missing == [], f"untranslated in {lang}.json: {missing}"


def test_the_scan_catches_an_untranslated_key(tmp_path: Path) -> None:
    sample = '<h1>{{ t("dash.volume") }}</h1> <p>{{ t("dash.no_such_thing") }}</p>'
    found = set(TEMPLATE_KEY.findall(sample))
    assert found == {"dash.volume", "dash.no_such_thing"}
    assert "dash.no_such_thing" not in catalog("en")


def test_chinese_messages_are_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    # Names that stay the same in Chinese (brands, codes) are the only exceptions.
    same = {k for k, v in catalog("en").items() if v == catalog("zh")[k]}
    assert all(k.startswith("platform.") for k in same), sorted(same)
    assert han.search(catalog("zh")["nav.topics"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_demo_platform_and_language_has_a_name(lang: str) -> None:
    messages = catalog(lang)
    platforms = {p for names, _ in LANG_PLATFORMS.values() for p in names}
    assert sorted(p for p in platforms if f"platform.{p}" not in messages) == []
    assert sorted(k for k in LANG_PLATFORMS if f"lang.{k}" not in messages) == []


def test_numbers_and_dates_are_localized() -> None:
    en, zh = Translator("en"), Translator("zh")
    assert en.number(1234567) == "1,234,567"
    assert en.compact(4_200_000) == "4.2M" and zh.compact(4_200_000) == "420万"
    assert zh.compact(250_000_000) == "2.5亿"
    assert en.date("2026-10-19T08:00:00Z") == "19 Oct 2026"
    assert zh.date("2026-10-19T08:00:00Z") == "2026年10月19日"
    assert zh.label("lang", "zh-Hant") == "繁体中文" and zh.label("lang", "zh-HK") == "中文"
    assert en.label("country", "nowhere") == "nowhere"


def test_the_browser_language_picks_the_default() -> None:
    assert pick_language(None, "zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert pick_language(None, "fr-FR,fr;q=0.9") == "en"
    assert pick_language("zh", "en-US") == "zh"
    assert pick_language("xx", None) == "en"
