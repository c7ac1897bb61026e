"""The query tree. Every node carries the span of query text it came from (`start`, `end`,
0-based, end exclusive) so errors, warnings and `hubbub query check` can point at it.

Terms are already normalized when the parser builds them (folded, split into units), so the
SQL compiler, the Python matcher and the percolator all read the same, settled meaning.

Text nodes come in two flavours:

- *positional* nodes (`Word`, `Wildcard`, `Cjk`, `Phrase`, `Near`, and `Or` of positional
  nodes) can say where they occur in the post's token list, which NEAR, `~` and `title:` need;
- the others (`Hashtag`, `Mention`, `Emoji`, `Field`, `Range`, `And`, `Not`) only say whether a
  post matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    start: int = field(compare=False)
    end: int = field(compare=False)


@dataclass(frozen=True)
class Guards:
    """Post-level conditions on top of the folded-token match.

    `accented`: normalized words written with accents, which must appear in `text_norm`
    (Brandwatch: an accented keyword matches only the accented spelling).
    `exact`: text written in `{braces}`, which must appear with this exact case in the
    original title or text.
    """

    accented: tuple[str, ...] = ()
    exact: str | None = None

    def __bool__(self) -> bool:
        return bool(self.accented) or self.exact is not None


NO_GUARDS = Guards()


@dataclass(frozen=True)
class Word(Node):
    """One Latin-script (or other space-delimited) word: equality with a folded token."""

    text: str
    guards: Guards = NO_GUARDS


@dataclass(frozen=True)
class Wildcard(Node):
    """A word with `*` / `?`: a regular expression anchored on a whole folded token."""

    text: str  # folded, as written, e.g. "custom*iz?"
    regex: str  # e.g. "^custom.*iz.$"
    prefix: str  # literal characters before the first wildcard (never empty)


@dataclass(frozen=True)
class Cjk(Node):
    """A run of CJK characters: a contiguous substring, wherever the segmenter cut."""

    text: str


Unit = Word | Wildcard | Cjk


@dataclass(frozen=True)
class Phrase(Node):
    """Units on consecutive tokens (a CJK unit may span or sit inside segments)."""

    units: tuple[Unit, ...]
    guards: Guards = NO_GUARDS


@dataclass(frozen=True)
class Near(Node):
    """Proximity: `a NEAR/n b`, `a NEAR/nf b`, `a ONEAR/n b`, `"a b"~n`, `(a AND b)~n`."""

    operands: tuple[Node, ...]
    distance: int
    ordered: bool = False


@dataclass(frozen=True)
class Hashtag(Node):
    tag: str  # folded, without '#'
    regex: str | None = None  # when written with wildcards


@dataclass(frozen=True)
class Mention(Node):
    handle: str  # folded, without '@'


@dataclass(frozen=True)
class Emoji(Node):
    emoji: str


@dataclass(frozen=True)
class InTitle(Node):
    """`title:x`: x must occur among the tokens that come from the post's title."""

    child: Node


@dataclass(frozen=True)
class Field(Node):
    """A keyword or flag field: `lang:en`, `site:reddit.com`, `authorVerified:true`."""

    name: str  # canonical field name (see fields.py)
    value: str | bool


@dataclass(frozen=True)
class Range(Node):
    """A numeric field: `followers:[1000 TO *]`; None is an open bound."""

    name: str
    low: int | float | None  # int for count columns (UInt64), float for rating (Float32)
    high: int | float | None


@dataclass(frozen=True)
class And(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    child: Node


POSITIONAL = (Word, Wildcard, Cjk, Phrase, Near)


def is_positional(node: Node) -> bool:
    """Can this node report token positions (and so be a NEAR operand or a title: value)?"""
    if isinstance(node, Near):
        # A ~ group of 3+ parts only says whether they fit in one window, not where.
        return len(node.operands) == 2
    if isinstance(node, POSITIONAL):
        return True
    if isinstance(node, Or):
        return all(is_positional(c) for c in node.children)
    return False


def walk(node: Node):  # type: ignore[no-untyped-def]
    """Every node of the tree, parents before children."""
    yield node
    if isinstance(node, And | Or):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Not | InTitle):
        yield from walk(node.child)
    elif isinstance(node, Near):
        for child in node.operands:
            yield from walk(child)
    elif isinstance(node, Phrase):
        for unit in node.units:
            yield from walk(unit)


def describe(node: Node, indent: int = 0) -> str:
    """An indented, human-readable rendering of the tree (for `hubbub query check`)."""
    pad = "  " * indent
    if isinstance(node, And | Or):
        head = type(node).__name__.upper()
        return "\n".join([pad + head] + [describe(c, indent + 1) for c in node.children])
    if isinstance(node, Not):
        return "\n".join([pad + "NOT", describe(node.child, indent + 1)])
    if isinstance(node, InTitle):
        return "\n".join([pad + "IN TITLE", describe(node.child, indent + 1)])
    if isinstance(node, Near):
        order = " ordered" if node.ordered else ""
        head = f"NEAR/{node.distance}{order}"
        return "\n".join([pad + head] + [describe(c, indent + 1) for c in node.operands])
    return pad + _leaf(node)


def _leaf(node: Node) -> str:
    if isinstance(node, Word):
        return f"word {node.text!r}{_guards(node.guards)}"
    if isinstance(node, Wildcard):
        return f"wildcard {node.text!r}"
    if isinstance(node, Cjk):
        return f"cjk {node.text!r}"
    if isinstance(node, Phrase):
        inner = " ".join(_leaf(u) for u in node.units)
        return f"phrase [{inner}]{_guards(node.guards)}"
    if isinstance(node, Hashtag):
        return f"hashtag {node.tag!r}"
    if isinstance(node, Mention):
        return f"mention {node.handle!r}"
    if isinstance(node, Emoji):
        return f"emoji {node.emoji!r}"
    if isinstance(node, Field):
        return f"{node.name} = {node.value!r}"
    if isinstance(node, Range):
        low = "*" if node.low is None else _num(node.low)
        high = "*" if node.high is None else _num(node.high)
        return f"{node.name} in [{low} TO {high}]"
    return type(node).__name__


def _guards(guards: Guards) -> str:
    parts = []
    if guards.accented:
        parts.append("accented " + ", ".join(repr(a) for a in guards.accented))
    if guards.exact is not None:
        parts.append(f"exact case {guards.exact!r}")
    return f" ({'; '.join(parts)})" if parts else ""


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
