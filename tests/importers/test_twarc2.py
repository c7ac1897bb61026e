from datetime import UTC, datetime

from hubbub.connectors.importers import twarc2
from hubbub.models import Media

from .conftest import DATA, run_format


def test_flattened_tweets():
    out = run_format(twarc2.FORMAT, DATA / "twarc2_flat.jsonl")
    posts = out.by_id()
    reply = posts["1822222222222222222"]
    assert reply.kind == "reply"
    assert reply.parent_id == "1822222222222222200"
    assert reply.root_id == "1822222222222222200"
    assert reply.created_at == datetime(2024, 8, 1, 12, tzinfo=UTC)
    assert reply.collected_at == datetime(2024, 8, 2, 8, tzinfo=UTC)
    assert reply.author.handle == "commuter_jo"
    assert reply.author.followers == 88
    assert reply.author.verified is False
    assert reply.mentions == ["city_desk"]
    assert reply.hashtags == []
    assert reply.country == "GB"
    assert reply.media == [Media("image", "https://pbs.example/9.jpg")]
    assert reply.source == "import:twarc2"

    retweet = posts["1822222222222222223"]
    assert retweet.kind == "repost"
    assert retweet.repost_of == "1822222222222222200"
    assert retweet.metrics.reposts == 5


def test_line_without_text_is_rejected():
    out = run_format(twarc2.FORMAT, DATA / "twarc2_flat.jsonl")
    assert out.rejects == [(3, "not a flattened tweet (no id or text)")]
