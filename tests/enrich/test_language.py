import pytest

from hubbub.enrich.language import LANGUAGE_MODEL, detect_languages


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I absolutely love the new phone, the battery lasts all day", "en"),
        ("Je suis vraiment déçu par le service client de cette banque", "fr"),
        ("Das ist wirklich ein schöner Tag heute, ich freue mich sehr", "de"),
        ("Me encanta este producto, lo recomiendo a todos mis amigos", "es"),
        ("Eu adorei o novo restaurante, a comida estava maravilhosa", "pt"),
        ("Questo film è stato davvero bellissimo, lo consiglio a tutti", "it"),
        ("شكرا جزيلا لكم جميعا على هذه الخدمة الرائعة", "ar"),
        ("我今天买了一双耐克鞋，质量非常好[哈哈]", "zh-Hans"),
        ("我今天買了一雙耐克鞋，質量非常好", "zh-Hant"),
        ("今日は新しいスマホを買いました。とても嬉しいです", "ja"),
        ("오늘 새 휴대폰을 샀어요 정말 좋아요", "ko"),
    ],
)
def test_clear_posts(text, lang):
    [(code, score)] = detect_languages([text])
    assert code == lang
    assert 0.5 <= score <= 1.0


def test_bad_input_never_crashes_and_says_und():
    texts = [
        "",
        "   ",
        "😀😀😀",
        "12345 !!!",
        "https://t.co/x @someone",
        "x" * 100_000,
        "\n\n\t",
        "broken \ud83d emoji here",
    ]
    out = detect_languages(texts)
    assert len(out) == len(texts)
    for code, score in out:
        assert isinstance(code, str) and 0.0 <= score <= 1.0
    assert [c for c, _ in out[:5]] == ["und"] * 5


def test_mixed_scripts_and_huge_text():
    [(code, _)] = detect_languages(["华为 Mate 60 Pro 的拍照效果太好了 amazing camera"])
    assert code == "zh-Hans"
    big = "The weather is lovely today and we are going to the beach. " * 2000
    [(code, _)] = detect_languages([big])
    assert code == "en"


def test_batch_order_and_version_name():
    out = detect_languages(["Hello my friends, how are you today?", "谢谢大家的支持和鼓励"])
    assert [c for c, _ in out] == ["en", "zh-Hans"]
    assert LANGUAGE_MODEL.startswith("language.") and LANGUAGE_MODEL.endswith(".v1")
