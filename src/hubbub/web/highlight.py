"""Mark the words of a post that its topic's query matched, for the post stream.

The query's positive terms (words, wildcards, CJK runs, phrases' words, hashtags, mentions)
are matched on the post's text folded character by character exactly as the store folds it
(NFKC, case, accents, traditional→simplified), so 華為 in a post lights up for a query 华为;
the marks are then placed on the original characters. Terms under NOT are not marked.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from hubbub.errors import QueryError
from hubbub.query import parse
from hubbub.query.ast import Cjk, Hashtag, Mention, Node, Not, Phrase, Wildcard, Word
from hubbub.text.normalize import fold

MAX_TERMS = 200
WORD_CHAR = r"[^\W_]"


@lru_cache(maxsize=256)
def term_pattern(query: str) -> re.Pattern[str] | None:
    """One regex over folded text for every positive term of `query` (None: nothing to mark)."""
    try:
        root = parse(query).root
    except QueryError:
        return None
    parts = sorted(set(_terms(root)), key=len, reverse=True)[:MAX_TERMS]
    if not parts:
        return None
    return re.compile("|".join(parts))


def _terms(node: Node) -> list[str]:
    if isinstance(node, Not):
        return []
    if isinstance(node, Word):
        return [rf"(?<!\w){re.escape(node.text)}(?!\w)"]
    if isinstance(node, Cjk):
        return [re.escape(node.text)]
    if isinstance(node, Wildcard):
        # The wildcard's own regex spans a whole token; inside running text "." must not
        # cross a word boundary.
        body = node.regex.removeprefix("^").removesuffix("$").replace(".", WORD_CHAR)
        return [rf"(?<!\w){body}(?!\w)"]
    if isinstance(node, Hashtag) and node.regex is None:
        return [rf"#{re.escape(node.tag)}#?"]
    if isinstance(node, Mention):
        return [rf"@{re.escape(node.handle)}"]
    if isinstance(node, Phrase):
        return [p for unit in node.units for p in _terms(unit)]
    found: list[str] = []
    for child in _children(node):
        found += _terms(child)
    return found


def _children(node: Node) -> tuple[Node, ...]:
    for name in ("children", "operands"):
        value = getattr(node, name, None)
        if value:
            return tuple(value)
    child = getattr(node, "child", None)
    return (child,) if isinstance(child, Node) else ()


def highlight(text: str | None, query: str | None) -> Markup:
    """`text` escaped for HTML, the matched terms wrapped in <mark>."""
    if not text:
        return Markup("")
    pattern = term_pattern(query) if query else None
    if pattern is None:
        return escape(text)
    # Fold each character on its own, remembering which original character each folded
    # character came from (NFKC can turn one character into several).
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = fold(char)
        folded.append(piece)
        origin += [index] * len(piece)
    matches = pattern.finditer("".join(folded))
    spans = [(origin[m.start()], origin[m.end() - 1] + 1) for m in matches if m.end() > m.start()]
    out: list[str] = []
    last = 0
    for start, end in spans:
        if start < last:
            continue
        out.append(str(escape(text[last:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(str(escape(text[last:])))
    return Markup("".join(out))
