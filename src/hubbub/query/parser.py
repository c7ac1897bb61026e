"""Tokens → query tree, with Brandwatch's rules (docs/query-language.md).

Precedence, loosest first: OR, AND (explicit or implicit), binary NOT, NEAR. Because AND and OR
may not share a bracket level, and NEAR may share one with neither, precedence only decides how
NOT and NEAR group. Every error is a QueryError with the position and a hint; warnings are
returned with the tree.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field

from hubbub import settings
from hubbub.query.ast import (
    And,
    Cjk,
    Field,
    Hashtag,
    InTitle,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    Range,
    Wildcard,
    Word,
    is_positional,
)
from hubbub.query.diagnostics import Diagnostic, error, warning
from hubbub.query.fields import ENGAGEMENT_KINDS, ISO3_TO_ISO2, UNSUPPORTED, FieldSpec, lookup
from hubbub.query.lexer import Token, lex
from hubbub.query.terms import make_term, make_topic, units_to_node

MAX_QUERY_CHARS = settings.limit("query_chars")  # Radarly and Talkwalker accept 4,000-4,096
MAX_DEPTH = settings.limit("query_depth")  # bracket nesting
MAX_TERMS = settings.limit("query_terms")
MAX_DISTANCE = 1_000  # NEAR/n and ~n

_OPERAND_START = {"WORD", "PHRASE", "CASE", "FIELD", "TOPIC", "LPAREN", "MINUS"}
_BINARY = {"AND", "OR", "NEAR"}
_RANGE = re.compile(r"^\s*(\S+)\s+(\S+)\s+(\S+)\s*$")
_HAS_WORD_CHAR = re.compile(r"\w")


@dataclass
class ParsedQuery:
    text: str
    root: Node
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass
class _Op:
    kind: str  # AND, IMPLICIT, OR, NOT, NEAR
    token: Token


def parse(query: str) -> ParsedQuery:
    """Parse a boolean query; raise QueryError (position + hint) if it is malformed."""
    if len(query) > MAX_QUERY_CHARS:
        raise error(
            "too-long",
            f"the query is {len(query):,} characters long; the limit is {MAX_QUERY_CHARS:,}",
            MAX_QUERY_CHARS,
            hint="split it into several topics",
        )
    lexed = lex(query)
    parser = _Parser(lexed.tokens, query)
    parser.warnings.extend(lexed.warnings)
    root = parser.run()
    _check_selective(root)
    warnings = sorted(parser.warnings, key=lambda w: w.position)
    return ParsedQuery(query, root, warnings)


class _Parser:
    def __init__(self, tokens: list[Token], source: str = "") -> None:
        self.tokens = tokens
        self.source = source
        self.i = 0
        self.warnings: list[Diagnostic] = []
        self.terms = 0

    # ---- token stream ----------------------------------------------------------------------
    def peek(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def run(self) -> Node:
        if self.peek().kind == "EOF":
            raise error("empty", "the query is empty", 0, hint="write what to look for, e.g. apple")
        root = self.level(0)
        tok = self.peek()
        if tok.kind == "RPAREN":
            raise error(
                "unbalanced-bracket",
                "')' has no matching '('",
                tok.start,
                hint="remove it or add the '(' it closes",
            )
        return root

    # ---- one bracket level -----------------------------------------------------------------
    def level(self, depth: int) -> Node:
        first = self.peek()
        if first.kind in _BINARY:
            raise error(
                "missing-operand",
                f"{first.text} has nothing before it",
                first.start,
                len(first.text),
                hint=f"put a term before {first.text} or remove it",
            )
        operands = [self.unary_operand(depth)]
        ops: list[_Op] = []
        while True:
            tok = self.peek()
            if tok.kind in ("EOF", "RPAREN"):
                break
            if tok.kind in ("AND", "OR", "NEAR", "NOT", "MINUS"):
                self.advance()
                kind = "NOT" if tok.kind == "MINUS" else tok.kind
                if kind == "AND" and self.peek().kind == "NOT":
                    self.advance()  # Talkwalker's AND NOT is Brandwatch's NOT
                    kind = "NOT"
                self._expect_operand_after(tok)
                ops.append(_Op(kind, tok))
                operands.append(self.unary_operand(depth) if kind == "OR" else self.operand(depth))
            elif tok.kind in _OPERAND_START:
                self.warnings.append(
                    warning(
                        "implicit-and",
                        "no operator between two terms: read as AND",
                        tok.start,
                        len(tok.text),
                        hint="write AND (or OR) between them",
                    )
                )
                ops.append(_Op("IMPLICIT", tok))
                operands.append(self.operand(depth))
            else:
                raise error("syntax", f"unexpected {tok.text!r}", tok.start, len(tok.text))
        return _build_level(operands, ops, self.source)

    def _expect_operand_after(self, op: Token) -> None:
        nxt = self.peek()
        name = op.text or op.kind
        if nxt.kind == "EOF":
            raise error(
                "missing-operand",
                f"{name} has nothing after it",
                op.start,
                len(op.text),
                hint=f"add a term after {name} or remove it",
            )
        if nxt.kind == "RPAREN":
            raise error(
                "missing-operand",
                f"{name} has nothing after it before ')'",
                op.start,
                len(op.text),
                hint=f"add a term after {name} or remove it",
            )
        if nxt.kind in _BINARY:
            raise error(
                "doubled-operator",
                f"two operators in a row: {name} {nxt.text}",
                nxt.start,
                len(nxt.text),
                hint="remove one of them",
            )

    def unary_operand(self, depth: int) -> Node:
        tok = self.peek()
        if tok.kind == "NOT":
            self.advance()
            self._expect_operand_after(tok)
            child = self.operand(depth)
            return Not(tok.start, child.end, child)
        return self.operand(depth)

    # ---- operands --------------------------------------------------------------------------
    def operand(self, depth: int) -> Node:
        tok = self.peek()
        kind = tok.kind
        if kind == "MINUS":
            self.advance()
            child = self.operand(depth)
            return Not(tok.start, child.end, child)
        if kind == "LPAREN":
            return self.group(depth)
        if kind == "PHRASE":
            self.advance()
            return self.phrase(tok)
        if kind == "WORD":
            self.advance()
            node = self.term(tok.text, tok.start)
            if self.peek().kind == "TILDE":
                tilde = self.advance()
                self.warnings.append(
                    warning(
                        "fuzzy",
                        f"~{tilde.value} on a single word has no effect",
                        tilde.start,
                        len(tilde.text),
                        hint='remove it, or use "two words"~n for proximity',
                    )
                )
            return node
        if kind == "CASE":
            self.advance()
            return self.term(tok.text, tok.start + 1, case=True)
        if kind == "TOPIC":
            self.advance()
            self._count_term(tok)
            return make_topic(str(tok.value), tok.start, tok.end)
        if kind == "FIELD":
            self.advance()
            return self.field(tok, depth)
        if kind == "NOT":
            raise error(
                "doubled-operator",
                "NOT cannot follow another operator here",
                tok.start,
                3,
                hint="write a NOT b, or a AND NOT b",
            )
        if kind == "RPAREN":
            raise error("empty-brackets", "nothing before ')'", tok.start, hint="put a term there")
        raise error("syntax", f"expected a term, found {tok.text or 'the end'!r}", tok.start)

    def term(self, text: str, start: int, case: bool = False) -> Node:
        self._count_term_at(start)
        return make_term(text, start, case=case)

    def _count_term(self, tok: Token) -> None:
        self._count_term_at(tok.start)

    def _count_term_at(self, start: int) -> None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise error(
                "too-many-terms",
                f"more than {MAX_TERMS:,} terms",
                start,
                hint="split the query into several topics",
            )

    def group(self, depth: int) -> Node:
        open_tok = self.advance()
        if depth + 1 > MAX_DEPTH:
            raise error(
                "too-deep",
                f"brackets nested more than {MAX_DEPTH} deep",
                open_tok.start,
                hint="flatten the query",
            )
        if self.peek().kind == "RPAREN":
            raise error(
                "empty-brackets",
                "empty brackets",
                open_tok.start,
                2,
                hint="put terms inside or remove them",
            )
        inner = self.level(depth + 1)
        close = self.peek()
        if close.kind != "RPAREN":
            raise error(
                "unbalanced-bracket",
                "'(' is not closed",
                open_tok.start,
                hint="add the ')' that closes it",
            )
        self.advance()
        inner = _respan(inner, open_tok.start, close.end)
        if self.peek().kind == "TILDE":
            return self.group_tilde(inner, self.advance())
        return inner

    def group_tilde(self, inner: Node, tilde: Token) -> Node:
        distance = _distance(tilde)
        if isinstance(inner, And):
            for child in inner.children:
                _check_near_operand(child, tilde, allow_near=False)
            return Near(inner.start, tilde.end, inner.children, distance)
        if isinstance(inner, Near):
            raise error(
                "tilde",
                "~ cannot apply to a group that already holds a NEAR",
                tilde.start,
                len(tilde.text),
                hint="use NEAR/n for deeper nesting: (a NEAR/3 b) NEAR/5 c",
            )
        if isinstance(inner, Or):
            raise error(
                "tilde",
                "~ on brackets needs AND between the parts that must be near each other",
                tilde.start,
                len(tilde.text),
                hint="write ((a OR b) AND (c OR d))~5",
            )
        self.warnings.append(
            warning(
                "fuzzy",
                f"~{distance} on a single term has no effect",
                tilde.start,
                len(tilde.text),
                hint="remove it",
            )
        )
        return inner

    def phrase(self, tok: Token) -> Node:
        words = [
            (m.group(), tok.start + 1 + m.start())
            for m in re.finditer(r"\S+", tok.text)
            if _HAS_WORD_CHAR.search(m.group()) or any(c in m.group() for c in "*?")
        ]
        if not words:
            raise error(
                "empty-phrase",
                "the phrase has no words",
                tok.start,
                len(tok.text) + 2,
                hint="put words between the quotes",
            )
        for _, start in words:
            self._count_term_at(start)
        nodes = [make_term(word, start, in_phrase=True) for word, start in words]
        if self.peek().kind == "TILDE":
            tilde = self.advance()
            if len(nodes) == 1:
                self.warnings.append(
                    warning(
                        "fuzzy",
                        f"~{tilde.value} on a one-word phrase has no effect",
                        tilde.start,
                        len(tilde.text),
                        hint="remove it",
                    )
                )
                return nodes[0]
            return Near(tok.start, tilde.end, tuple(nodes), _distance(tilde))
        units: list[Node] = []
        for node in nodes:
            units.extend(node.units if isinstance(node, Phrase) else [node])
        return units_to_node(units, tok.start, tok.end)  # type: ignore[arg-type]

    # ---- fields ----------------------------------------------------------------------------
    def field(self, tok: Token, depth: int) -> Node:
        name = str(tok.value)
        spec = lookup(name)
        if spec is None:
            raise error(
                "unsupported-field",
                f"Hubbub has no data for {UNSUPPORTED[name.lower()]}:",
                tok.start,
                len(tok.text),
                hint="remove it; docs/query-language.md lists the fields Hubbub knows",
            )
        value = self.peek()
        if value.kind not in _OPERAND_START - {"MINUS"} and value.kind not in ("RANGE",):
            raise error(
                "field-value",
                f"{tok.text} needs a value",
                tok.start,
                len(tok.text),
                hint=f"write {tok.text}value, e.g. {_example(spec)}",
            )
        if spec.kind == "text":
            return self.operand(depth)
        if spec.kind == "title":
            child = self.operand(depth)
            if not is_positional(child):
                raise error(
                    "field-value",
                    "title: takes words, phrases, NEAR or an OR group of them",
                    child.start,
                    child.end - child.start,
                    hint="write title:a AND title:b instead of title:(a AND b)",
                )
            return InTitle(tok.start, child.end, child)
        if spec.kind in ("hashtag", "mention"):
            value = self.advance()
            if value.kind == "TOPIC":
                return make_topic(str(value.value), tok.start, value.end)
            if value.kind != "WORD":
                raise error("field-value", f"{tok.text} takes one word", value.start)
            mark = "#" if spec.kind == "hashtag" else "@"
            node = make_term(mark + value.text.lstrip("#@"), value.start)
            return _respan(node, tok.start, value.end)
        value = self.advance()
        if spec.kind == "range":
            return _range(spec, tok, value)
        if value.kind not in ("WORD", "PHRASE"):
            raise error(
                "field-value",
                f"{tok.text} takes a single value",
                value.start,
                hint=f"e.g. {_example(spec)}",
            )
        text = value.text.strip()
        if spec.kind == "bool":
            if text.lower() not in ("true", "false"):
                raise error(
                    "field-value",
                    f"{tok.text} is true or false, not {text!r}",
                    value.start,
                    len(value.text),
                    hint=f"write {tok.text}true",
                )
            return Field(tok.start, value.end, spec.column, text.lower() == "true")
        if spec.kind == "enum":
            given = text if spec.case_sensitive_values else text.lower()
            if given not in spec.values:
                raise error(
                    "field-value",
                    f"{tok.text} must be one of {', '.join(spec.values)}",
                    value.start,
                    len(value.text),
                    hint=f"write {spec.name}:{spec.values[0]}"
                    + (" (values are case-sensitive)" if spec.case_sensitive_values else ""),
                )
            if spec.name == "engagementType":
                return Field(tok.start, value.end, "kind", ENGAGEMENT_KINDS[given])
            return Field(tok.start, value.end, spec.column, given)
        return Field(tok.start, value.end, spec.column, _keyword(spec, text, value))


def _keyword(spec: FieldSpec, text: str, value: Token) -> str:
    """A keyword field's value in the form its column is compared in."""
    if not text:
        raise error("field-value", f"{spec.name}: needs a value", value.start)
    if spec.column == "country":
        code = text.lower()
        if len(code) == 3 and code in ISO3_TO_ISO2:
            return ISO3_TO_ISO2[code]
        if len(code) == 2 and code.isalpha():
            return code.upper()
        raise error(
            "field-value",
            f"unknown country code {text!r}",
            value.start,
            len(value.text),
            hint="use an ISO 3166 code: gb or gbr, us or usa, cn or chn",
        )
    lowered = text.lower()
    if spec.column in ("site", "links"):
        lowered = re.sub(r"^[a-z][a-z0-9+.-]*://", "", lowered)
        lowered = lowered.removeprefix("www.").rstrip("/")
    if spec.column == "author":
        lowered = lowered.lstrip("@")
    if not lowered:
        raise error("field-value", f"{spec.name}: needs a value", value.start)
    return lowered


def _range(spec: FieldSpec, tok: Token, value: Token) -> Range:
    if value.kind == "WORD":  # rating:5 means rating:[5 TO 5]
        number = _number(spec, value.text, value)
        return Range(tok.start, value.end, spec.column, number, number)
    if value.kind != "RANGE":
        raise error(
            "field-value",
            f"{tok.text} takes a range",
            value.start,
            hint=f"write {tok.text}[1000 TO *]",
        )
    m = _RANGE.match(value.text)
    if not m:
        # One line, whatever the range spans (a missing ']' can swallow line breaks).
        shown = " ".join(value.text.split())
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        raise error(
            "range",
            f"cannot read the range [{shown}]",
            value.start,
            len(value.text) + 2,
            hint="write [low TO high]; * leaves a side open",
        )
    if m.group(2) != "TO":
        raise error(
            "range",
            f"ranges are written with an uppercase TO, not {m.group(2)!r}",
            value.start + 1 + m.start(2),
            len(m.group(2)),
            hint="write [1 TO 5]",
        )
    low = None if m.group(1) == "*" else _number(spec, m.group(1), value)
    high = None if m.group(3) == "*" else _number(spec, m.group(3), value)
    if low is not None and high is not None and low > high:
        raise error(
            "range",
            f"the range starts after it ends ({m.group(1)} > {m.group(3)})",
            value.start,
            len(value.text) + 2,
            hint="swap the bounds",
        )
    return Range(tok.start, value.end, spec.column, low, high)


def _number(spec: FieldSpec, text: str, value: Token) -> int | float:
    """A range bound: a whole number for count fields (exact, never through a float)."""
    try:
        number: int | float = float(text) if not spec.integer else int(text)
    except ValueError:
        kind = "a whole number" if spec.integer else "a number"
        raise error(
            "range", f"{text!r} is not {kind}", value.start, len(value.text), hint="e.g. [1 TO 5]"
        ) from None
    if not math.isfinite(number):
        raise error(
            "range",
            f"{spec.name}: {text} is not a finite number",
            value.start,
            len(value.text),
            hint="e.g. [1 TO 5]",
        )
    if (spec.low is not None and number < spec.low) or (
        spec.high is not None and number > spec.high
    ):
        bounds = f"{_bound(spec.low)}..{_bound(spec.high)}"
        raise error(
            "range",
            f"{spec.name}: {text} is out of range ({bounds})",
            value.start,
            len(value.text),
            hint=f"use a value {bounds}, or * for an open end",
        )
    return number


def _bound(number: float | None) -> str:
    return f"{number:g}" if isinstance(number, float) else f"{number}"


def _example(spec: FieldSpec) -> str:
    examples = {
        "range": "[1000 TO *]",
        "bool": "true",
        "enum": spec.values[0] if spec.values else "x",
        "keyword": {"lang": "en", "country": "gb", "site": "reddit.com"}.get(spec.column, "name"),
    }
    return f"{spec.name}:{examples.get(spec.kind, 'word')}"


# ---- building one level ------------------------------------------------------------------------
def _build_level(operands: list[Node], ops: list[_Op], source: str = "") -> Node:
    if not ops:
        return operands[0]
    seen: dict[str, _Op] = {}
    for k, op in enumerate(ops):
        family = {"AND": "AND", "IMPLICIT": "AND", "OR": "OR", "NEAR": "NEAR"}.get(op.kind)
        if family is None:
            continue
        if family == "NEAR" and "NEAR" in seen:
            raise error(
                "near-chain",
                "a chain of NEARs needs brackets",
                op.token.start,
                len(op.token.text),
                hint="write (a NEAR/3 b) NEAR/5 c",
            )
        others = {f for f in seen if f != family}
        if others:
            _raise_mix(family, others, op, _bracketings(source, operands, k, op))
        seen.setdefault(family, op)
    # NEAR binds tightest.
    merged: list[Node] = [operands[0]]
    rest: list[_Op] = []
    for op, right in zip(ops, operands[1:], strict=True):
        if op.kind == "NEAR":
            left = merged.pop()
            merged.append(_near(left, right, op.token))
        else:
            merged.append(right)
            rest.append(op)
    # Then binary NOT (and AND), then OR.
    groups: list[list[Node]] = [[merged[0]]]
    for op, right in zip(rest, merged[1:], strict=True):
        if op.kind == "OR":
            groups.append([right])
        elif op.kind == "NOT":
            groups[-1].append(Not(op.token.start, right.end, right))
        else:
            groups[-1].append(right)
    conj = [g[0] if len(g) == 1 else And(g[0].start, g[-1].end, tuple(g)) for g in groups]
    if len(conj) == 1:
        return conj[0]
    return Or(conj[0].start, conj[-1].end, tuple(conj))


def _bracketings(source: str, operands: list[Node], k: int, op: _Op) -> str:
    """The two ways to bracket the level around the operator ops[k] that mixes AND and OR:
    `(apple AND banana) OR juice` or `apple AND (banana OR juice)`."""
    generic = "add brackets, e.g. (apple AND banana) OR juice, or apple AND (banana OR juice)"
    if not source:
        return generic
    start, end = operands[0].start, operands[-1].end
    before, after = operands[k], operands[k + 1]
    word = op.token.text or "AND"
    first = f"({source[start : before.end]}) {word} {source[after.start : end]}"
    second = f"{source[start : before.start]}({source[before.start : end]})"
    if len(first) > 100:
        return generic
    return f"add brackets: {first}, or {second}"


def _raise_mix(family: str, others: set[str], op: _Op, hint: str = "") -> None:
    tok = op.token
    if "NEAR" in others or family == "NEAR":
        raise error(
            "near-brackets",
            "NEAR cannot share a bracket level with AND or OR",
            tok.start,
            max(1, len(tok.text)),
            hint="bracket the NEAR: (a NEAR/3 b) AND c",
        )
    word = "an implicit AND (two terms side by side)" if op.kind == "IMPLICIT" else family
    raise error(
        "mixed-and-or",
        f"AND and OR cannot be mixed at one bracket level: {word} here",
        tok.start,
        max(1, len(tok.text)),
        hint=hint or "add brackets, e.g. (apple AND banana) OR juice",
    )


def _near(left: Node, right: Node, op: Token) -> Near:
    distance: int
    ordered: bool
    distance, ordered = op.value  # type: ignore[misc]
    if distance > MAX_DISTANCE:
        raise error(
            "near",
            f"NEAR distance {distance} is above the limit of {MAX_DISTANCE}",
            op.start,
            len(op.text),
            hint="use a smaller distance or AND",
        )
    _check_near_operand(left, op, allow_near=True)
    _check_near_operand(right, op, allow_near=True)
    return Near(left.start, right.end, (left, right), distance, ordered)


def _check_near_operand(node: Node, op: Token, allow_near: bool) -> None:
    if isinstance(node, Word | Wildcard | Cjk | Phrase):
        return
    if isinstance(node, Near):
        if len(node.operands) > 2 or not allow_near:
            raise error(
                "near-operand",
                "a ~ group or NEAR cannot be nested here",
                node.start,
                node.end - node.start,
                hint="use NEAR/n for nesting: (a NEAR/3 b) NEAR/5 c",
            )
        return
    if isinstance(node, Or):
        for child in node.children:
            _check_near_operand(child, op, allow_near)
        return
    if isinstance(node, And):
        raise error(
            "near-and",
            "AND cannot be used inside a NEAR operand",
            node.start,
            node.end - node.start,
            hint="use OR inside NEAR, and AND outside: (a NEAR/3 b) AND c",
        )
    if isinstance(node, Not):
        raise error(
            "near-not",
            "NOT cannot be used inside a NEAR operand",
            node.start,
            node.end - node.start,
            hint="exclude outside the NEAR: (a NEAR/3 b) NOT c",
        )
    kind = "a hashtag" if isinstance(node, Hashtag) else "a field or tag"
    raise error(
        "near-operand",
        f"NEAR works on words and phrases, not on {kind}",
        node.start,
        node.end - node.start,
        hint="AND it outside: (a NEAR/3 b) AND #tag",
    )


def _distance(tilde: Token) -> int:
    distance = int(tilde.value)  # type: ignore[call-overload]
    if distance > MAX_DISTANCE:
        raise error(
            "near",
            f"distance {distance} is above the limit of {MAX_DISTANCE}",
            tilde.start,
            len(tilde.text),
            hint="use a smaller distance",
        )
    return distance


def _respan(node: Node, start: int, end: int) -> Node:
    """The same node, spanning its brackets (so errors point at the whole group)."""
    return dataclasses.replace(node, start=start, end=end)


# ---- the whole query must select something ---------------------------------------------------
def _selective(node: Node) -> bool:
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_selective(c) for c in node.children)
    if isinstance(node, Or):
        return all(_selective(c) for c in node.children)
    return True


def _check_selective(root: Node) -> None:
    if _selective(root):
        return
    if isinstance(root, Or):
        for child in root.children:
            if not _selective(child):
                raise error(
                    "scan-everything",
                    "this OR branch only excludes, so the query would match almost every post",
                    child.start,
                    child.end - child.start,
                    hint="move the exclusion out of the OR: (a OR b) NOT c",
                )
    raise error(
        "pure-negative",
        "the query only excludes; it would match almost every post",
        root.start,
        max(1, root.end - root.start),
        hint="add what to look for: apple NOT bitter",
    )
