"""`lint(query)`: every error and warning about a query, each with a position and a fix hint.

`parse` stops at the first error; `lint` reports it as a diagnostic instead of raising, and adds
advice that does not make a query invalid: very broad terms, redundant terms, lowercase words
that look like operators, slow wildcards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hubbub.errors import QueryError
from hubbub.query.ast import And, Cjk, Field, Hashtag, Node, Or, Phrase, Wildcard, Word, walk
from hubbub.query.diagnostics import Diagnostic, from_error, warning
from hubbub.query.parser import ParsedQuery, parse

# Words so common that a query made of them, or ORed with them, matches a large share of posts.
_LATIN_BROAD = (
    "a an the of to in on at is it be are was i you he she we they this that for with as by "
    "from de la le el en et und der die das y o un une"
)
BROAD_WORDS = frozenset(_LATIN_BROAD.split(" ")) | frozenset("的了是在我有和就不人都一这也你")
_LOWERCASE_OPERATOR = re.compile(r"(?<![\w\"'])(and|or|not|near/\d+f?)(?![\w\"'])")


@dataclass
class LintReport:
    query: str
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    parsed: ParsedQuery | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def render(self) -> str:
        return "\n".join(d.render(self.query) for d in self.errors + self.warnings)


def lint(query: str) -> LintReport:
    report = LintReport(query)
    try:
        parsed = parse(query)
    except QueryError as exc:
        report.errors.append(from_error(exc))
        return report
    report.parsed = parsed
    found = list(parsed.warnings)
    found += _lowercase_operators(query)
    inside_phrases = {id(u) for n in walk(parsed.root) if isinstance(n, Phrase) for u in n.units}
    for node in walk(parsed.root):
        if id(node) not in inside_phrases:
            found += _broad(node)
        if isinstance(node, And | Or):
            found += _redundant(node, query)
    report.warnings = sorted(found, key=lambda d: (d.position, d.code))
    return report


def _lowercase_operators(query: str) -> list[Diagnostic]:
    out = []
    for m in _LOWERCASE_OPERATOR.finditer(query):
        # Only outside phrases: count quotes before the match.
        if query.count('"', 0, m.start()) % 2:
            continue
        word = m.group(1)
        out.append(
            warning(
                "lowercase-operator",
                f"lowercase {word!r} is read as a word, not an operator",
                m.start(),
                len(word),
                hint=f"write {word.upper()} for the operator",
            )
        )
    return out


def _broad(node: Node) -> list[Diagnostic]:
    span = max(1, node.end - node.start)
    if isinstance(node, Word) and (node.text in BROAD_WORDS or len(node.text) == 1):
        return [
            warning(
                "broad-term",
                f"{node.text!r} is very common and will match a large share of posts",
                node.start,
                span,
                hint="use a phrase or AND it with something specific",
            )
        ]
    if isinstance(node, Cjk) and (len(node.text) == 1 or node.text in BROAD_WORDS):
        return [
            warning(
                "broad-term",
                f"the single character {node.text!r} matches inside many words",
                node.start,
                span,
                hint="use a word of two or more characters",
            )
        ]
    if isinstance(node, Wildcard) and len(node.prefix) <= 2:
        return [
            warning(
                "broad-wildcard",
                f"{node.text!r} matches a great many words",
                node.start,
                span,
                hint="put more letters before the wildcard",
            )
        ]
    if isinstance(node, Hashtag) and node.regex is not None and node.regex.startswith("^.*"):
        return [
            warning(
                "slow-wildcard",
                "a wildcard right after # has to check every hashtag",
                node.start,
                span,
                hint="start the hashtag with letters",
            )
        ]
    if (
        isinstance(node, Field)
        and node.name == "lang"
        and not re.fullmatch(r"[a-z]{2}", str(node.value))
    ):
        return [
            warning(
                "language-code",
                f"{node.value!r} is not a two-letter ISO 639-1 code",
                node.start,
                span,
                hint="e.g. language:en, language:zh",
            )
        ]
    return []


def _redundant(node: And | Or, query: str = "") -> list[Diagnostic]:
    out = []
    seen: list[Node] = []
    wildcards = (
        [c for c in node.children if isinstance(c, Wildcard)] if isinstance(node, Or) else []
    )
    for child in node.children:
        if child in seen:
            out.append(
                warning(
                    "redundant-term",
                    "this term appears twice at the same level",
                    child.start,
                    max(1, child.end - child.start),
                    hint="remove the repeat",
                )
            )
        seen.append(child)
        if isinstance(child, Word):
            for wild in wildcards:
                if re.match(wild.regex, child.text):
                    out.append(
                        warning(
                            "redundant-term",
                            f"{child.text!r} is already matched by {wild.text!r}",
                            child.start,
                            max(1, child.end - child.start),
                            hint="remove it",
                        )
                    )
                    break
    if isinstance(node, And):
        out += _redundant_or_groups(node, query)
    return out


def _redundant_or_groups(node: And, query: str) -> list[Diagnostic]:
    """`apple AND (apple OR pie)`: apple is required anyway, so the OR group adds nothing."""
    out = []
    required = [c for c in node.children if not isinstance(c, Or)]
    for group in node.children:
        if not isinstance(group, Or):
            continue
        for alternative in group.children:
            if alternative in required:
                out.append(
                    warning(
                        "redundant-term",
                        f"this OR group is redundant: {_span(alternative, query)} "
                        "is already required",
                        group.start,
                        max(1, group.end - group.start),
                        hint="remove the OR group (or the required term, if the group was meant)",
                    )
                )
                break
    return out


def _span(node: Node, query: str) -> str:
    written = query[node.start : node.end]
    return repr(written) if written else "one of its terms"
