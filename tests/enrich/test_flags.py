"""Rule flags: sponsored, spam, question, complaint in en/zh/fr/de/es/ja."""

from __future__ import annotations

import pytest

from hubbub.enrich.base import EnrichDoc
from hubbub.enrich.flags import BURST_SIZE, FLAGS_NAME, flags_enricher, post_flags


def flags(text: str, **kw) -> list[str]:
    return post_flags(EnrichDoc("x", "1", text, **kw))


@pytest.mark.parametrize(
    "text",
    [
        "Loving my new headphones #ad",
        "Paid partnership with @brand, thoughts?",
        "Neue Kamera im Test (Werbung)",
        "Ma routine du soir #sponsorisé",
        "Mi nueva rutina, contenido patrocinado",
        "商务合作请私信，这期恰饭视频",
        "這次是業配，但真心推薦",
        "新作コスメ使ってみた #PR",
    ],
)
def test_sponsored(text: str) -> None:
    assert "sponsored" in flags(text)


@pytest.mark.parametrize(
    "text", ["what an adventure today", "the #adidas drop", "the ad was annoying", "这广告太烦了"]
)
def test_not_sponsored(text: str) -> None:
    assert "sponsored" not in flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "does anyone know if it supports eSIM",
        "How do I turn off night mode",
        "Pourquoi mon téléphone chauffe autant",
        "Est-ce que la batterie tient la journée",
        "Wie lange hält der Akku",
        "Cómo activo el modo noche",
        "有没有人用过极光X5",
        "这个支持双卡吗？",
        "バッテリーはどうですか",
        "price in the US?",
    ],
)
def test_question(text: str) -> None:
    assert "question" in flags(text)


@pytest.mark.parametrize(
    "text", ["como siempre, excelente", "great phone, love it", "https://a.example/?q=1 nice"]
)
def test_not_question(text: str) -> None:
    assert "question" not in flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "screen is broken after two days and customer service ignores me",
        "Worst purchase ever, never again",
        "Je veux un remboursement, ça ne marche plus",
        "Das Ding ist kaputt, nie wieder",
        "Quiero un reembolso, no funciona",
        "用了两周就坏了，客服还不给退款",
        "一週間で壊れた、返金してほしい",
    ],
)
def test_complaint(text: str) -> None:
    assert "complaint" in flags(text)


def test_spam_rules() -> None:
    promo = "🔥 Aurora X5 GIVEAWAY 🔥 only $79 today, claim now 👉 https://deals.example/x"
    assert "spam" in flags(promo, author_followers=12)
    assert "spam" not in flags(promo, author_followers=250_000)  # a brand's own giveaway
    assert "spam" in flags("free phones https://a.example/1 https://b.example/2")
    assert "spam" in flags("🔥极光X5免费送，马上领取👉 https://deals.example/y", author_followers=3)
    assert "spam" not in flags("giveaway results are out, congrats to all", author_followers=3)
    # The burst rule reads the dedup cluster: plain text, but many copies from tiny accounts.
    plain = "check this out https://deals.example/z"
    assert "spam" not in flags(plain, author_followers=5, dup_size=2)
    assert "spam" in flags(plain, author_followers=5, dup_size=BURST_SIZE)
    assert "spam" not in flags(plain, author_followers=5, dup_size=BURST_SIZE, kind="repost")
    # Quoting a post on the platform is not pushing a link.
    assert "spam" not in flags("free at last https://x.com/a/status/1", author_followers=1)


def test_enricher_contract_and_bad_input() -> None:
    docs = [
        EnrichDoc("x", str(i), t)
        for i, t in enumerate(["", "😀", "a" * 100_000, "bad \ud800 text?", "ok #ad"])
    ]
    flags_enricher(docs)
    assert flags_enricher.name == FLAGS_NAME and not flags_enricher.stateful
    assert all(not d.errors for d in docs)
    assert docs[3].flags == ["question"] and docs[4].flags == ["sponsored"]
    assert docs[4].provenance["flags"] == FLAGS_NAME
