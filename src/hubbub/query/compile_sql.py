"""Query tree → a ClickHouse WHERE fragment over `hubbub.posts`, with bound parameters.

User text reaches SQL only as `{qN:Type}` parameters (see hubbub.store.params); the SQL text
itself is built from our own fragments, so no query can inject anything. The rules mirror
match.py line for line; where the text index can narrow the scan (`has`, `hasAnyTokens`,
`hasAllTokens` on `tokens` and `grams`), a condition implied by the exact check is ANDed in
front of it so ClickHouse skips granules before evaluating the array lambdas.
"""

from __future__ import annotations

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
    return SqlQuery(where, compiler.params)


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
                return exact
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
        if isinstance(node, Word):
            i = self.var("i")
            found = (
                f"arrayMap({i} -> (toInt64({i}), toInt64({i})), "
                f"arrayFilter({i} -> tokens[{i}] = {self.param(node.text, 'String')}, "
                "arrayEnumerate(tokens)))"
            )
            return self.gated(found, node.guards)
        if isinstance(node, Wildcard):
            i = self.var("i")
            return (
                f"arrayMap({i} -> (toInt64({i}), toInt64({i})), "
                f"arrayFilter({i} -> match(tokens[{i}], {self.param(node.regex, 'String')}), "
                "arrayEnumerate(tokens)))"
            )
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
        distance = self.param(node.distance, "Int64")
        ahead = f"{a}.2 < {b}.1 AND {b}.1 - {a}.2 - 1 <= {distance}"
        if node.ordered:
            return f"({ahead})"
        behind = f"{a}.1 - {b}.2 - 1 <= {distance}"
        return f"if({a}.2 < {b}.1, {b}.1 - {a}.2 - 1 <= {distance}, if({b}.2 < {a}.1, {behind}, 1))"

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
        if name == "lang" and "-" not in value:
            # BCP-47: lang:zh covers zh-Hans and zh-Hant, as the analytics filters do.
            p = self.param(value, "String")
            code = "lowerUTF8(ifNull(lang, ''))"
            return f"({code} = {p} OR startsWith({code}, concat({p}, '-')))"
        return f"lowerUTF8(ifNull({name}, '')) = {self.param(value, 'String')}"

    def range(self, node: Range) -> str:
        sql_type = "Float64" if node.name == "rating" else "Int64"

        def bound(value: float) -> Any:
            return value if sql_type == "Float64" else int(value)

        parts = []
        if node.low is not None:
            parts.append(f"{node.name} >= {self.param(bound(node.low), sql_type)}")
        if node.high is not None:
            parts.append(f"{node.name} <= {self.param(bound(node.high), sql_type)}")
        if not parts:
            return f"isNotNull({node.name})"
        return f"ifNull({' AND '.join(parts)}, false)"


def _and(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return "(" + " AND ".join(parts) + ")"
