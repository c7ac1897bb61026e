from __future__ import annotations

from hubbub.demo import STORIES, TOPICS


def _balanced(query: str) -> bool:
    depth = 0
    in_quote = False
    for ch in query:
        if ch == '"':
            in_quote = not in_quote
        elif not in_quote and ch == "(":
            depth += 1
        elif not in_quote and ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not in_quote


def test_topics_are_well_formed() -> None:
    names = [t.name for t in TOPICS]
    assert len(names) == len(set(names))
    assert {t.group for t in TOPICS} <= {"brand", "product", "competitor", "issue", "category"}
    assert {"brand", "competitor"} <= {t.group for t in TOPICS}
    for query in [t.query for t in TOPICS] + [s.query for s in STORIES]:
        assert _balanced(query), query
        assert "  " not in query


def test_brand_topic_excludes_the_northern_lights() -> None:
    aurora = next(t for t in TOPICS if t.group == "brand")
    assert " NOT (" in aurora.query and "borealis" in aurora.query
