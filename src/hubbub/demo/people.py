"""The demo's people: a pool of authors with heavy-tailed followers, plus named KOLs.

Followers follow a Pareto law (most accounts have a few hundred, a few have millions), which is
what makes KOL analytics meaningful. How often someone posts is a second, independent heavy
tail: the loudest accounts are rarely the most followed ones.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

# Per language: (countries, weights), then name parts. Country is None for ~15% of authors
# because many profiles do not say where they are.
COUNTRIES: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "en": (("US", "GB", "CA", "AU", "IN", "IE"), (55, 18, 8, 7, 10, 2)),
    "zh-Hans": (("CN", "SG", "MY"), (94, 4, 2)),
    "zh-Hant": (("TW", "HK", "MO"), (70, 28, 2)),
    "ja": (("JP",), (1,)),
    "fr": (("FR", "BE", "CA", "CH"), (78, 8, 10, 4)),
    "de": (("DE", "AT", "CH"), (80, 10, 10)),
    "es": (("ES", "MX", "AR", "CO", "CL"), (42, 28, 14, 10, 6)),
}

_FIRST = {
    "en": (
        "jess",
        "mike",
        "sam",
        "alex",
        "chris",
        "taylor",
        "jordan",
        "emma",
        "liam",
        "noah",
        "olivia",
        "ava",
        "ben",
        "kate",
        "ryan",
        "zoe",
        "matt",
        "lucy",
        "dan",
        "priya",
    ),
    "fr": ("camille", "lucas", "lea", "hugo", "manon", "louis", "chloe", "theo", "ines", "jules"),
    "de": ("lukas", "lena", "jonas", "anna", "felix", "mia", "paul", "laura", "tim", "sophie"),
    "es": ("lucia", "pablo", "sofia", "diego", "maria", "javi", "carla", "mateo", "ana", "leo"),
    "ja": ("yuki", "haruto", "sakura", "ren", "aoi", "sota", "hina", "kaito", "mio", "riku"),
    "zh-Hans": ("xiaoyu", "ajie", "mengmeng", "dawei", "tingting", "haoran", "lili", "kai"),
    "zh-Hant": ("ahjie", "xiaowen", "yuting", "jiahao", "peiyu", "zhiwei", "meilin"),
}
_LAST = {
    "en": ("smith", "lee", "brown", "patel", "jones", "nguyen", "garcia", "miller", "kim"),
    "fr": ("martin", "bernard", "dubois", "petit", "moreau", "laurent", "girard"),
    "de": ("mueller", "schmidt", "weber", "wagner", "becker", "hoffmann", "koch"),
    "es": ("garcia", "lopez", "martinez", "sanchez", "perez", "gomez", "ruiz"),
    "ja": ("tanaka", "sato", "suzuki", "takahashi", "ito", "watanabe", "yamamoto"),
    "zh-Hans": ("wang", "li", "zhang", "liu", "chen", "yang", "zhao"),
    "zh-Hant": ("chen", "lin", "huang", "chang", "wu", "tsai", "hsu"),
}
_SUFFIX = ("", "", "_", "_tech", "92", "_88", "x", "_official", "2001", "_phone", "_")
# Display names / Chinese-platform nicknames, built from two parts.
_NICK = {
    "zh-Hans": (
        ("小", "阿", "大", "老", "胖", "橘子", "北京的", "上海", "爱吃", "不吃香菜的"),
        ("鱼", "猫", "杰", "雪", "熊", "数码控", "同学", "酱", "兔子", "程序员", "打工人"),
    ),
    "zh-Hant": (
        ("小", "阿", "肥宅", "台北", "高雄", "貓奴", "愛吃"),
        ("傑", "雞", "魚", "熊", "工程師", "阿伯", "小姐"),
    ),
    "ja": (
        ("たなか", "さとう", "ゆうき", "ガジェット好きの", "ねこ", "しろ", "もち"),
        ("", "🍵", "@ガジェット垢", "(社会人)", "🐈", "さん"),
    ),
}


@dataclass(slots=True)
class Person:
    """One account owner. `handle` is Latin; `nick` is what Chinese platforms show and @mention."""

    uid: int
    lang: str
    handle: str
    name: str
    nick: str
    followers: int
    following: int
    verified: bool
    country: str | None
    kol: bool = False


# Named KOLs and official accounts: (lang, handle, display name / nick, followers, country).
# The first one is the Weibo KOL whose post goes viral (stories.py).
KOLS: tuple[tuple[str, str, str, int, str], ...] = (
    ("zh-Hans", "shumalaomao", "数码老猫", 4_200_000, "CN"),
    ("zh-Hans", "jiguangshouji", "极光手机", 5_600_000, "CN"),
    ("zh-Hans", "kejixiaoyugan", "科技小鱼干", 2_500_000, "CN"),
    ("zh-Hans", "douyinshumage", "抖音数码哥", 6_800_000, "CN"),
    ("zh-Hans", "yunqueshouji", "云雀手机", 3_100_000, "CN"),
    ("zh-Hant", "3c_otaku_diary", "3C阿宅日記", 900_000, "TW"),
    ("en", "AuroraMobile", "Aurora", 2_000_000, "US"),
    ("en", "NimbusTech", "Nimbus", 3_500_000, "US"),
    ("en", "ZephyrPhones", "Zephyr", 900_000, "US"),
    ("en", "techwithmara", "Mara Chen | Tech", 3_100_000, "US"),
    ("en", "pixelpundit", "Pixel Pundit", 1_400_000, "GB"),
    ("ja", "gadget_samurai", "ガジェット侍", 1_600_000, "JP"),
    ("fr", "legeekdudimanche", "Le Geek du Dimanche", 1_200_000, "FR"),
    ("de", "handyheinz", "Handy Heinz", 800_000, "DE"),
    ("es", "tecnolaura", "Tecno Laura", 2_200_000, "ES"),
)


class People:
    """The author pool, grouped by language, with cumulative posting weights for `pick`."""

    def __init__(self, rng: random.Random, size: int, lang_shares: dict[str, float]) -> None:
        self.by_lang: dict[str, list[Person]] = {lang: [] for lang in lang_shares}
        self._cum: dict[str, list[float]] = {}
        weights: dict[str, list[float]] = {lang: [] for lang in lang_shares}
        total = sum(lang_shares.values())
        # Handles and nicknames are unique on every platform; a dict of those taken (only ever
        # looked up, never iterated) makes the rare clash add digits, as sign-up forms do.
        taken: dict[str, None] = {k[1]: None for k in KOLS}
        taken.update({k[2]: None for k in KOLS})
        for lang, share in lang_shares.items():
            for _ in range(max(20, round(size * share / total))):
                person = _random_person(rng, lang)
                while person.handle in taken:
                    person.handle = f"{person.handle}{rng.randrange(10, 100)}"
                taken[person.handle] = None
                if person.nick != person.handle:
                    while person.nick in taken:
                        person.nick = person.name = f"{person.nick}{rng.randrange(10, 100)}"
                    taken[person.nick] = None
                else:
                    person.nick = person.handle
                self.by_lang[lang].append(person)
                # Posting activity: Pareto with a heavier tail than followers' influence on it.
                weights[lang].append(rng.paretovariate(1.3))
        self.kols: list[Person] = []
        for lang, handle, nick, followers, country in KOLS:
            person = Person(
                uid=rng.getrandbits(40),
                lang=lang,
                handle=handle,
                name=nick,
                nick=nick,
                followers=followers,
                following=rng.randint(50, 900),
                verified=True,
                country=country,
                kol=True,
            )
            self.kols.append(person)
            if lang in self.by_lang:
                self.by_lang[lang].append(person)
                weights[lang].append(8.0)  # KOLs post often, but not the most
        for lang, ws in weights.items():
            self._cum[lang] = list(accumulate(ws))

    def pick(self, rng: random.Random, lang: str) -> Person:
        cum = self._cum[lang]
        return self.by_lang[lang][bisect(cum, rng.random() * cum[-1])]

    def kol(self, handle: str) -> Person:
        return next(p for p in self.kols if p.handle == handle)


def _random_person(rng: random.Random, lang: str) -> Person:
    # Pareto with alpha 1.1 above 30 followers: median ~60, 1% above ~2,000, a handful in the
    # hundreds of thousands. Capped so a random account never outranks the named KOLs.
    followers = min(int(30 * rng.paretovariate(1.1)) - 30 + rng.randint(0, 40), 1_500_000)
    countries, cw = COUNTRIES[lang]
    country = rng.choices(countries, cw)[0] if rng.random() < 0.85 else None
    first = rng.choice(_FIRST[lang])
    last = rng.choice(_LAST[lang])
    uid = rng.getrandbits(40)
    handle = rng.choice(
        (f"{first}{rng.choice(_SUFFIX)}", f"{first}_{last}", f"{first}{last[:1]}{uid % 1000}")
    )
    if lang in _NICK:
        heads, tails = _NICK[lang]
        nick = rng.choice(heads) + rng.choice(tails)
        if lang == "zh-Hans" and rng.random() < 0.15:
            nick = f"用户{uid % 10**10:010d}"  # Weibo's default nickname for new accounts
        elif rng.random() < 0.5:
            nick = f"{nick}{uid % 100}"
        name = nick
    else:
        name = f"{first.title()} {last.title()}" if rng.random() < 0.6 else first.title()
        nick = handle
    if followers > 100_000:
        verified = rng.random() < 0.6
    elif followers > 10_000:
        verified = rng.random() < 0.12
    else:
        verified = rng.random() < 0.005
    following = int(rng.lognormvariate(5.5, 1.0))
    return Person(uid, lang, handle, name, nick, followers, following, verified, country)


def spam_accounts(rng: random.Random, count: int) -> list[Person]:
    """Freshly made accounts for the spam burst: random-suffix handles, almost no followers."""
    out = []
    for i in range(count):
        uid = rng.getrandbits(40)
        lang = "zh-Hans" if i % 5 == 0 else "en"
        stem = rng.choice(("x5deals", "aurora_promo", "phonegift", "techsale", "freex5"))
        handle = f"{stem}{uid % 100000:05d}"
        nick = f"极光优惠{uid % 10000:04d}" if lang == "zh-Hans" else handle
        out.append(
            Person(
                uid,
                lang,
                handle,
                nick,
                nick,
                rng.randint(0, 40),
                rng.randint(800, 5000),
                False,
                None,
            )
        )
    return out
