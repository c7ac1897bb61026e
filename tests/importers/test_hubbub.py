from datetime import UTC, datetime

from hubbub.connectors.importers import hubbub_ndjson
from hubbub.models import Post

from .conftest import DATA, run_format


def test_round_trip_and_rejects():
    out = run_format(hubbub_ndjson.FORMAT, DATA / "hubbub.ndjson")
    posts = out.by_id()
    first = posts["at://did:plc:abc/app.bsky.feed.post/3k1"]
    assert first.source == "bluesky:jetstream"  # an existing source is kept
    assert first.metrics.likes == 3
    article = posts["n-1"]
    assert article.created_at == datetime(2024, 3, 2, tzinfo=UTC)
    assert article.kind == "article"
    assert article.author.name == "财经日报"
    assert article.source == "import:hubbub"
    assert Post.from_dict(first.to_dict()) == first
    lines = dict(out.rejects)
    assert set(lines) == {4, 5}  # line 2 is blank: line numbers are the file's
    assert "cannot read time" in lines[4]
    assert "unknown field(s): colour" in lines[5]
