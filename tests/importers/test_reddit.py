from datetime import UTC, datetime

from hubbub.connectors.importers import pushshift, reddit
from hubbub.models import Author

from .conftest import DATA, run_format


def test_comment_thread_is_flattened():
    out = run_format(reddit.FORMAT, DATA / "reddit_thread.json")
    assert out.rejects == []
    assert out.skipped == 1  # the "more" stub
    posts = out.by_id()
    assert sorted(posts) == ["1abcde", "kc0001", "kc0002", "kc0003"]

    sub = posts["1abcde"]
    assert sub.platform == "reddit"
    assert sub.kind == "post"
    assert sub.title == "Which budget phone has the best camera?"
    assert sub.text == (
        "Which budget phone has the best camera?\n\nLooking at a few options under $300."
    )
    assert sub.created_at == datetime(2024, 6, 1, 12, tzinfo=UTC)
    assert sub.url == "https://www.reddit.com/r/Android/comments/1abcde/which_budget_phone/"
    assert sub.metrics.likes == 321
    assert sub.metrics.replies == 3
    assert sub.author == Author(
        id="zzz1",
        handle="shutterbug_42",
        name="shutterbug_42",
        url="https://www.reddit.com/user/shutterbug_42",
    )
    assert sub.urls is None  # a self post links nowhere

    top = posts["kc0001"]
    assert top.kind == "comment"
    assert top.parent_id == "1abcde"
    assert top.root_id == "1abcde"
    assert top.metrics.likes == 57
    assert top.metrics.replies is None
    assert top.url == "https://www.reddit.com/r/Android/comments/1abcde/which_budget_phone/kc0001/"

    removed = posts["kc0002"]
    assert removed.parent_id == "kc0001"
    assert removed.author == Author()  # "[deleted]"
    assert removed.text == ""  # "[removed]" is a notice, not content
    assert removed.metrics.likes == -2
    assert removed.created_at == datetime(2024, 6, 1, 14, tzinfo=UTC)  # string created_utc

    chinese = posts["kc0003"]
    assert chinese.text == "我用小米，拍照還不錯 📷"
    assert chinese.url == "https://www.reddit.com/r/Android/comments/1abcde/_/kc0003/"


def test_pushshift_lines():
    out = run_format(pushshift.FORMAT, DATA / "pushshift.ndjson")
    assert [line for line, _ in out.rejects] == [4]
    posts = out.by_id()
    sub = posts["1zzzzz"]
    assert sub.kind == "post"
    assert sub.collected_at == datetime(2024, 1, 2, tzinfo=UTC)
    assert sub.metrics.replies == 12
    assert sub.source == "import:pushshift"
    comment = posts["kx0001"]
    assert comment.kind == "comment"
    assert comment.parent_id == "1zzzzz"
    assert comment.root_id == "1zzzzz"
    assert comment.created_at == datetime(2024, 1, 1, 1, tzinfo=UTC)
    assert comment.url == "https://www.reddit.com/r/espresso/comments/1zzzzz/_/kx0001/"
    deleted = posts["kx0002"]
    assert deleted.author.handle is None and deleted.text == ""
    assert deleted.parent_id == "kx0001"
    link = posts["1zzzzy"]
    assert link.urls == ["https://example.org/review"]
    assert link.url == "https://www.reddit.com/r/espresso/comments/1zzzzy/"


def test_pushshift_api_page_is_read_by_reddit():
    page = b'{"data":[{"id":"c1","body":"hi","author":"a","subreddit":"s","created_utc":1,'
    page += b'"parent_id":"t1_c0","link_id":"t3_p0"}],"metadata":{}}'
    assert reddit.sniff(page, "page.json")
    [item] = reddit.parse(page)
    post = reddit.map_item(item)
    assert post is not None and post.kind == "comment" and post.parent_id == "c0"
