"""The demo workspace's topics: saved boolean queries (Brandwatch syntax) over the demo data.

Written the way an analyst would write them for this brand world, including the exclusions a
real brand named "Aurora" needs (the northern lights), and relying on the query language's
script folding: 极光 also finds 極光, 过热 also finds 過熱.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoTopic:
    name: str
    query: str
    group: str  # "brand", "product", "competitor", "issue" or "category"
    description: str


_BRAND_TERMS = "Aurora OR 极光 OR オーロラ OR #AuroraX5 OR #极光X5发布会#"
_SKY = (
    'borealis OR boreal OR boréale OR "northern lights" OR Polarlichter OR 北极光 OR 追极光 OR '
    "极光指数 OR 漠河 OR 冰岛 OR アイスランド OR オーロラ予報"
)

TOPICS: tuple[DemoTopic, ...] = (
    DemoTopic(
        "Aurora",
        f"({_BRAND_TERMS}) NOT ({_SKY})",
        "brand",
        "our brand in every language, minus the aurora in the sky",
    ),
    DemoTopic(
        "Aurora X5",
        '"Aurora X5" OR AuroraX5 OR #AuroraX5 OR "极光 X5" OR "オーロラ X5" OR #极光X5发布会#',
        "product",
        "the phone launched on day 8",
    ),
    DemoTopic(
        "Nimbus",
        "Nimbus OR 云雀 OR ニンバス OR #NimbusNightShot OR #云雀夜拍挑战#",
        "competitor",
        "main competitor; runs the #NimbusNightShot campaign",
    ),
    DemoTopic("Zephyr", "Zephyr OR 泽菲 OR ゼファー", "competitor", "second competitor"),
    DemoTopic(
        "Battery and heat",
        "(Aurora OR 极光 OR オーロラ OR Nimbus OR 云雀 OR Zephyr OR 泽菲) AND (battery OR "
        "overheat* OR burn* OR 电池 OR 续航 OR 发烫 OR 过热 OR 爆炸 OR batterie OR Akku OR "
        "batería OR バッテリー OR 発熱)",
        "issue",
        "battery life and overheating across brands: where the crisis shows",
    ),
    DemoTopic(
        "Smartphones",
        "smartphone* OR phone OR phones OR 手机 OR スマホ OR Handy OR téléphone OR celular OR "
        "móvil",
        "category",
        "the category conversation, branded or not",
    ),
)
