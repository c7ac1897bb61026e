"""Query tree → a ClickHouse WHERE fragment over `hubbub.posts`, with bound parameters.

User text reaches SQL only as `{qN:Type}` parameters (see hubbub.store.params); the SQL text
itself is built from our own fragments, so no query can inject anything. The rules mirror
match.py line for line; where the text index can narrow the scan (`has`, `hasAnyTokens`,
`hasAllTokens` on `tokens` and `grams`), a condition implied by the exact check is ANDed in
front of it so ClickHouse skips granules before evaluating the array lambdas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hubbub.query.ast import (
    And,
    Cjk,
    Emoji,
    Field,
    Guards,
    Hashtag,
    InTitle,
    Mention,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    Range,
    Wildcard,
    Word,
)
from hubbub.query.diagnostics import error
from hubbub.query.match import HOST, SITE_PREFIX, required_words
from hubbub.query.parser import ParsedQuery, parse

_OCC_TYPE = "Array(Tuple(Int64, Int64))"


@dataclass
class SqlQuery:
    """`where` is a boolean SQL expression; pass `params` to `store.rows(sql, params)`."""

    where: str
    params: dict[str, Any] = field(default_factory=dict)


def compile_sql(query: str | ParsedQuery | Node) -> SqlQuery:
    if isinstance(query, str):
        query = parse(query)
    root = query.root if isinstance(query, ParsedQuery) else query
    compiler = _Compiler()
    where = compiler.bool(root)
    _check_size(where, root)
    return SqlQuery(where, compiler.params)


# ClickHouse refuses a query whose text exceeds max_query_size (262,144 bytes) or whose syntax
# tree has more than max_ast_elements (50,000) nodes. The WHERE fragment must leave room for the
# SELECT around it (analytics add grouping and filters), so it is held to lower figures. The tree
# size is estimated from the SQL's tokens: measured on every construct the compiler emits, the
# tree has at most 1.9 nodes per token (tests/query/test_store.py checks the estimate is high).
MAX_AST_ELEMENTS = 50_000
MAX_WHERE_NODES = 45_000
MAX_WHERE_BYTES = 200_000
_SQL_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\(?|\d+|\{[^}]*\}|->|<=|>=|!=|[-+*/<>=\[.]")


def estimate_ast_nodes(sql: str) -> int:
    """A safe over-estimate of the number of ClickHouse AST nodes of an SQL expression."""
    return 2 * len(_SQL_TOKEN.findall(sql)) + 20


def _check_size(where: str, root: Node) -> None:
    nodes, size = estimate_ast_nodes(where), len(where.encode())
    if nodes <= MAX_WHERE_NODES and size <= MAX_WHERE_BYTES:
        return
    what = (
        f"about {nodes:,} syntax elements (the store's limit, ClickHouse max_ast_elements, "
        f"is {MAX_AST_ELEMENTS:,})"
        if nodes > MAX_WHERE_NODES
        else f"{size:,} bytes of SQL (the store's limit, ClickHouse max_query_size, is 262,144)"
    )
    raise error(
        "too-complex",
        f"the query is too complex for the store: it compiles to {what}",
        root.start,
        max(1, root.end - root.start),
        hint="split it into several topics; CJK phrases and NEAR/~ groups cost the most",
    )


class _Compiler:
    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._vars = 0

    def param(self, value: Any, sql_type: str) -> str:
        name = f"q{len(self.params)}"
        self.params[name] = value
        return "{" + name + ":" + sql_type + "}"

    def var(self, prefix: str = "x") -> str:
        self._vars += 1
        return f"{prefix}{self._vars}"

    # ---- whether a row matches -----------------------------------------------------------------
    def bool(self, node: Node) -> str:
        if isinstance(node, Word):
            return _and(
                [f"has(tokens, {self.param(node.text, 'String')})", self.guard(node.guards)]
            )
        if isinstance(node, Wildcard):
            x = self.var()
            return f"arrayExists({x} -> match({x}, {self.param(node.regex, 'String')}), tokens)"
        if isinstance(node, Cjk):
            exact = f"positionUTF8(text_norm, {self.param(node.text, 'String')}) > 0"
            bigrams = sorted({node.text[i : i + 2] for i in range(len(node.text) - 1)})
            if not bigrams:
                # One character: inside one of the grams, so link text is left out here too.
                g = self.var("g")
                char = self.param(node.text, "String")
                return f"arrayExists({g} -> position({g}, {char}) > 0, grams)"
            indexed = f"hasAllTokens(grams, {self.param(bigrams, 'Array(String)')})"
            if len(node.text) == 2:
                # A two-character term is one bigram: the indexed test is the whole test, and
                # skipping the substring scan of text_norm makes CJK queries several times faster.
                return indexed
            return f"({indexed} AND {exact})"
        if isinstance(node, Phrase | Near):
            words = sorted(required_words(node))
            narrow = f"hasAllTokens(tokens, {self.param(words, 'Array(String)')})" if words else ""
            if isinstance(node, Near) and len(node.operands) > 2:
                return _and([narrow, self.window(node)])
            if isinstance(node, Near):
                return _and([narrow, self.near_exists(node)])
            return _and([narrow, f"notEmpty({self.occ(node)})"])
        if isinstance(node, Hashtag):
            if node.regex is not None:
                x = self.var()
                pattern = self.param(node.regex, "String")
                return f"arrayExists({x} -> match({x}, {pattern}), hashtags)"
            return f"has(hashtags, {self.param(node.tag, 'String')})"
        if isinstance(node, Mention):
            return f"has(mentions, {self.param(node.handle, 'String')})"
        if isinstance(node, Emoji):
            return f"has(emojis, {self.param(node.emoji, 'String')})"
        if isinstance(node, InTitle):
            o = self.var("o")
            return f"arrayExists({o} -> {o}.2 <= title_token_count, {self.occ(node.child)})"
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, Range):
            return self.range(node)
        if isinstance(node, And):
            return self.junction(node.children, "AND", "hasAllTokens")
        if isinstance(node, Or):
            return self.junction(node.children, "OR", "hasAnyTokens")
        if isinstance(node, Not):
            return f"NOT {self.bool(node.child)}"
        raise TypeError(f"no SQL for {type(node).__name__}")

    def junction(self, children: tuple[Node, ...], op: str, token_function: str) -> str:
        # Plain words at one level become one index lookup: hasAnyTokens / hasAllTokens.
        plain = [c.text for c in children if isinstance(c, Word) and not c.guards]
        parts = []
        if len(plain) > 1:
            parts.append(f"{token_function}(tokens, {self.param(plain, 'Array(String)')})")
            children = tuple(c for c in children if not (isinstance(c, Word) and not c.guards))
        parts.extend(self.bool(c) for c in children)
        return parts[0] if len(parts) == 1 else "(" + f" {op} ".join(parts) + ")"

    def guard(self, guards: Guards) -> str:
        parts = [f"positionUTF8(text_norm, {self.param(a, 'String')}) > 0" for a in guards.accented]
        if guards.exact is not None:
            exact = self.param(guards.exact, "String")
            parts.append(
                f"(position(text, {exact}) > 0 OR position(ifNull(title, ''), {exact}) > 0)"
            )
        return _and(parts)

    # ---- where a positional node occurs: Array(Tuple(start, end)), 1-based token indexes -----
    def occ(self, node: Node) -> str:
        if isinstance(node, Word | Wildcard):
            i = self.var("i")
            found = f"arrayMap({i} -> ({i}, {i}), {self.points(node)})"
            return self.gated(found, node.guards) if isinstance(node, Word) else found
        if isinstance(node, Cjk):
            i = self.var("i")
            text = self.param(node.text, "String")
            width = len(node.text)
            return (
                f"arrayMap({i} -> (toInt64({i}), toInt64({self.cjk_end(i, text, width)})), "
                f"arrayFilter({i} -> {self.cjk_starts(i, text, width)}, arrayEnumerate(tokens)))"
            )
        if isinstance(node, Phrase):
            return self.phrase(node)
        if isinstance(node, Or):
            return "arrayConcat(" + ", ".join(self.occ(c) for c in node.children) + ")"
        if isinstance(node, Near) and len(node.operands) == 2:
            return self.near(node)
        raise TypeError(f"{type(node).__name__} has no positions")

    def gated(self, occurrences: str, guards: Guards) -> str:
        condition = self.guard(guards)
        if not condition:
            return occurrences
        o = self.var("o")
        return f"arrayFilter({o} -> {condition}, {occurrences})"

    @staticmethod
    def cjk_starts(at: str, text: str, width: int) -> str:
        joined = f"arrayStringConcat(arraySlice(tokens, {at}, {width}))"
        return f"(positionUTF8({joined}, {text}) BETWEEN 1 AND lengthUTF8(tokens[{at}]))"

    def cjk_end(self, at: str, text: str, width: int) -> str:
        window = f"arraySlice(tokens, {at}, {width})"
        found = f"positionUTF8(arrayStringConcat({window}), {text})"
        t, c = self.var("t"), self.var("c")
        cumulative = f"arrayCumSum(arrayMap({t} -> lengthUTF8({t}), {window}))"
        return f"({at} + arrayCount({c} -> {c} < {found} + {width - 1}, {cumulative}))"

    def phrase(self, node: Phrase) -> str:
        i = self.var("i")
        position = i
        conditions = []
        for unit in node.units:
            if isinstance(unit, Word):
                conditions.append(f"tokens[{position}] = {self.param(unit.text, 'String')}")
                position = f"({position} + 1)"
            elif isinstance(unit, Wildcard):
                conditions.append(f"match(tokens[{position}], {self.param(unit.regex, 'String')})")
                position = f"({position} + 1)"
            else:
                text = self.param(unit.text, "String")
                conditions.append(self.cjk_starts(position, text, len(unit.text)))
                position = f"({self.cjk_end(position, text, len(unit.text))} + 1)"
        found = (
            f"arrayMap({i} -> (toInt64({i}), toInt64({position} - 1)), "
            f"arrayFilter({i} -> {' AND '.join(conditions)}, arrayEnumerate(tokens)))"
        )
        accented: tuple[str, ...] = ()
        for unit in node.units:
            if isinstance(unit, Word):
                accented += unit.guards.accented
        return self.gated(found, Guards(accented, node.guards.exact))

    def near_condition(self, a: str, b: str, node: Near) -> str:
        # At most n tokens between the end of one and the start of the other; overlap is near.
        # With start <= end on both sides, greatest(starts) - least(ends) is the gap + 1 when
        # they are apart and <= 0 when they overlap (match.near_ok, in one expression).
        reach = self.param(node.distance + 1, "Int64")
        if node.ordered:
            return f"{b}.1 - {a}.2 BETWEEN 1 AND {reach}"
        return f"greatest({a}.1, {b}.1) - least({a}.2, {b}.2) <= {reach}"

    def near_exists(self, node: Near) -> str:
        """Whether a two-operand NEAR occurs at all (its occurrences are not needed)."""
        first, second = node.operands
        pa, pb = self.points(first), self.points(second)
        if pa is not None and pb is not None:
            # Single-token operands (words, wildcards, ORs of them): compare bare positions.
            i, j = self.var("i"), self.var("j")
            reach = self.param(node.distance + 1, "Int64")
            cond = (
                f"{j} - {i} BETWEEN 1 AND {reach}" if node.ordered else f"abs({j} - {i}) <= {reach}"
            )
            guards = [self.guard(n.guards) for n in (first, second) if isinstance(n, Word)]
            return _and([*guards, f"arrayExists({i} -> arrayExists({j} -> {cond}, {pb}), {pa})"])
        left, right = (self.occ(c) for c in node.operands)
        a, b = self.var("a"), self.var("b")
        cond = self.near_condition(a, b, node)
        return f"arrayExists({a} -> arrayExists({b} -> {cond}, {right}), {left})"

    def points(self, node: Node) -> str | None:
        """Token positions, Array(UInt32), of a node that is always one token long; else None.

        A word's guards are per post, not per position: the caller ANDs them in.
        """
        if isinstance(node, Word | Wildcard):
            i = self.var("i")
            if isinstance(node, Word):
                test = f"tokens[{i}] = {self.param(node.text, 'String')}"
            else:
                test = f"match(tokens[{i}], {self.param(node.regex, 'String')})"
            return f"arrayFilter({i} -> {test}, arrayEnumerate(tokens))"
        if isinstance(node, Or) and all(
            isinstance(c, Wildcard) or (isinstance(c, Word) and not c.guards) for c in node.children
        ):
            return "arrayConcat(" + ", ".join(str(self.points(c)) for c in node.children) + ")"
        return None

    def near(self, node: Near) -> str:
        # Each side is computed once and bound to a name through a one-element arrayMap, so
        # nested NEARs do not repeat (and re-evaluate) their operands.
        left, right = (self.occ(c) for c in node.operands)
        la, lb, a, b = self.var("la"), self.var("lb"), self.var("a"), self.var("b")
        cond = self.near_condition(a, b, node)
        body = (
            f"arrayConcat(arrayFilter({a} -> arrayExists({b} -> {cond}, {lb}), {la}), "
            f"arrayFilter({b} -> arrayExists({a} -> {cond}, {la}), {lb}))"
        )
        return f"arrayMap(({la}, {lb}) -> {body}, [{left}], [{right}])[1]"

    def window(self, node: Near) -> str:
        """3+ parts: some window of distance + parts tokens holds one occurrence of each."""
        names = [self.var("l") for _ in node.operands]
        occurrences = [f"[{self.occ(c)}]" for c in node.operands]
        s, width = self.var("s"), self.param(node.distance + len(node.operands), "Int64")
        inside = []
        for name in names:
            o = self.var("o")
            inside.append(
                f"arrayExists({o} -> {o}.1 >= {s} AND {o}.2 <= {s} + {width} - 1, {name})"
            )
        body = f"arrayExists({s} -> {' AND '.join(inside)}, arrayEnumerate(tokens))"
        return f"arrayMap(({', '.join(names)}) -> {body}, {', '.join(occurrences)})[1]"

    # ---- fields ----------------------------------------------------------------------------
    def field(self, node: Field) -> str:
        name, value = node.name, node.value
        if name == "author":
            p = self.param(value, "String")
            return (
                f"(lowerUTF8(ifNull(author_handle, '')) = {p} "
                f"OR lowerUTF8(ifNull(author_name, '')) = {p})"
            )
        if name == "site":
            rest = (
                f"replaceRegexpOne(lowerUTF8(ifNull(url, '')), "
                f"{self.param(SITE_PREFIX, 'String')}, '')"
            )
            assert isinstance(value, str)
            if "/" in value:
                return f"startsWith({rest}, {self.param(value, 'String')})"
            host = f"extract({rest}, {self.param(HOST, 'String')})"
            return (
                f"({host} = {self.param(value, 'String')} "
                f"OR endsWith({host}, {self.param('.' + value, 'String')}))"
            )
        if name == "url":
            return f"positionUTF8(lowerUTF8(ifNull(url, '')), {self.param(value, 'String')}) > 0"
        if name == "links":
            x = self.var()
            exact, dotted = self.param(value, "String"), self.param(f".{value}", "String")
            return f"arrayExists({x} -> {x} = {exact} OR endsWith({x}, {dotted}), domains)"
        if name == "country":
            p = self.param(value, "String")
            return f"upperUTF8(coalesce(country, author_country, '')) = {p}"
        if name == "author_verified":
            return f"ifNull(author_verified = {'true' if value else 'false'}, false)"
        if name not in ("lang", "platform", "kind", "sentiment"):
            raise TypeError(f"unknown field column {name}")
        if name == "lang" and isinstance(value, str) and "-" not in value:
            # BCP-47: lang:zh covers zh-Hans and zh-Hant, as the analytics filters do.
            p = self.param(value, "String")
            code = "lowerUTF8(ifNull(lang, ''))"
            return f"({code} = {p} OR startsWith({code}, concat({p}, '-')))"
        return f"lowerUTF8(ifNull({name}, '')) = {self.param(value, 'String')}"

    def range(self, node: Range) -> str:
        # Counts are UInt64 (the parser refuses bounds outside it); rating is Float32 and is
        # compared in Float32, as the matcher does, so rating:4.1 finds a stored 4.1.
        def bound(value: float) -> str:
            if node.name == "rating":
                return f"toFloat32({self.param(float(value), 'Float64')})"
            return self.param(int(value), "UInt64")

        parts = []
        if node.low is not None:
            parts.append(f"{node.name} >= {bound(node.low)}")
        if node.high is not None:
            parts.append(f"{node.name} <= {bound(node.high)}")
        if not parts:
            return f"isNotNull({node.name})"
        return f"ifNull({' AND '.join(parts)}, false)"


def _and(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return "(" + " AND ".join(parts) + ")"
