"""Hostile queries, token by token: parse, compile to SQL and match never crash.

tests/query/test_parser.py fuzzes the parser character by character over a small alphabet; this
target builds queries from whole syntax pieces (operators, fields, ranges, proximity, phrases,
wildcards, comments, scripts) so more of them get past the lexer, and runs every query that
parses through both back ends: the SQL compiler and the Python matcher.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st

from hubbub.errors import QueryError
from hubbub.models import Author, Post
from hubbub.query import Matcher, compile_sql, parse
from hubbub.store.rows import posts_table

from .fuzzing import lanes

PIECES = [
    "AND", "OR", "NOT", "-", "(", ")", "((", "))", "NEAR/3", "NEAR/0", "NEAR/2f", "ONEAR/1",
    "NEAR/99999999999", '"', '"aurora phone"', '"a b"~3', '"a b"~-1', "~", "aurora", "Aurora",
    "app*", "a*", "*x", "a?c", "?", "{Aurora}", "{", "}", "<<<note>>>", "<<<", ">>>", "#AuroraX5",
    "#话题#", "@who", "@", "#", "author:", "author:bob", "site:example.com", "lang:zh",
    "language:en", "followers:[10 TO 100]", "followers:[x TO", "authorFollowers:[* TO 5]",
    "rating:[1 TO", "sentiment:negative", "platform:weibo", "country:USA", "title:launch",
    "url:", "links:http://x", "unknownfield:1", "耐克", "華為", "我买了耐克鞋", "ラーメン", "🙂",
    "niño", "ß", "\u202e", "\x00", ":", "[", "]", "TO", "*", "\\", "'", "''",
]  # fmt: skip
POST = Post(
    platform="weibo",
    platform_id="1",
    created_at=datetime(2026, 10, 1, tzinfo=UTC),
    text="我买了耐克鞋 Aurora phone launch #AuroraX5 @who niño",
    title="launch",
    author=Author(handle="bob", followers=50),
    hashtags=["AuroraX5"],
    mentions=["who"],
    lang="zh",
)
ROW = posts_table([POST], datetime(2026, 10, 2, tzinfo=UTC)).to_pylist()[0]


def check_query(pieces: list[str], glue: str) -> None:
    query = glue.join(pieces)
    try:
        parsed = parse(query)
    except QueryError as exc:
        assert 0 <= exc.position <= len(query)
        assert exc.message and "\n" not in exc.message
        assert exc.render(query)
        return
    sql = compile_sql(parsed)
    assert sql.where
    assert isinstance(Matcher(parsed)(ROW), bool)


test_query_pieces, test_query_pieces_10k = lanes(
    150,
    pieces=st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=14),
    glue=st.sampled_from([" ", "", "  ", "\n", "\t"]),
)(check_query)


def test_a_range_spanning_lines_is_a_one_line_error():
    # Found by test_query_pieces_10k: the message quoted the range with its line break.
    check_query(["followers:[x TO", "followers:[10 TO 100]"], "\n")
