import pickle
from datetime import UTC, datetime

import pytest

from hubbub.connectors.importers import csvfile
from hubbub.connectors.importers.detect import get_format
from hubbub.errors import ConfigError, ImportFailed

from .conftest import DATA, run_format

MAPPING = {
    "platform": "reddit",
    "platform_id": "id",
    "created_at": "date",
    "author.handle": "user",
    "text": "body",
    "metrics.likes": "likes",
    "hashtags": "tags",
}


def test_mapped_columns_bom_multiline_and_rejects():
    fmt = get_format("csv", **MAPPING)
    out = run_format(fmt, DATA / "posts.csv")
    posts = out.by_id()
    assert sorted(posts) == ["101", "102", "105"]
    first = posts["101"]
    assert first.platform == "reddit"
    assert first.created_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert first.text == "Loving the new 耐克 shoes 👟, really comfy"
    assert first.author.handle == "alice"
    assert first.metrics.likes == 12
    assert first.hashtags == ["nike", "shoes"]
    assert first.source == "import:csv"
    multi = posts["102"]
    assert multi.text == "Line one\nline two, still the same post"
    assert multi.created_at == datetime.fromtimestamp(1714557600, UTC)
    assert multi.metrics.likes is None and multi.hashtags is None
    assert posts["105"].text == "繁體中文測試"
    reasons = dict(out.rejects)
    assert set(reasons) == {5, 6}  # the GBK line and the line with an extra field
    assert "not valid utf-8" in reasons[5]
    assert "7 fields, the header 6" in reasons[6]


def test_header_with_field_names_needs_no_mapping():
    out = run_format(csvfile.FORMAT, DATA / "native.csv")
    assert out.rejects == []
    [post] = out.posts
    assert post.platform == "weibo"
    assert post.author.handle == "小明"
    assert post.author.followers == 1024
    assert post.metrics.likes == 5
    assert post.hashtags == ["话题"]
    assert post.lang == "zh"


def test_configured_format_pickles_for_workers():
    fmt = get_format("csv", **MAPPING)
    clone = pickle.loads(pickle.dumps(fmt))
    [row] = clone.parse(b"id,date,user,body,likes,tags\n7,2024-01-01,z,hi,1,")
    assert clone.map(row).platform_id == "7"


def test_bad_options_and_missing_column():
    with pytest.raises(ImportFailed, match="unknown CSV option"):
        get_format("csv", body="text")
    fmt = get_format("csv", text="nope", platform="x")
    # a mapping naming a column the header lacks is an options error (exit 2), not a reject
    with pytest.raises(ConfigError, match="column 'nope' \\(for text\\) is not in the CSV header"):
        list(fmt.units((DATA / "posts.csv").open("rb")))
    with pytest.raises(ImportFailed, match="takes no options"):
        get_format("reddit", text="body")


def test_missing_platform_is_a_clear_reject():
    [row] = csvfile.parse(b"platform_id,created_at,text\n1,2024-01-01,hi")
    with pytest.raises(Exception, match="empty or unmapped platform"):
        csvfile.map_row(row)


def test_parse_options():
    assert csvfile.parse_options("text=body, created_at=date") == {
        "text": "body",
        "created_at": "date",
    }
