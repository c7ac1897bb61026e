"""Query text → tokens with positions.

The lexer knows the shapes of things (operators, phrases, `{case}`, `[a TO b]`, `field:`,
`~n`, comments); what they mean, and whether they are in a valid order, is the parser's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hubbub.query.diagnostics import Diagnostic, error, warning
from hubbub.query.fields import UNSUPPORTED, lookup
from hubbub.text.normalize import CJK_CLASS

# Full-width punctuation typed with a Chinese input method means the same operator; mapping it
# one character to one character keeps every position valid.
_FULLWIDTH = str.maketrans("（）＂｛｝［］～＃＠：", '()"{}[]~#@:')
_OPEN_QUOTES = '"“'
_CLOSE_QUOTES = '"”'
# Characters that end a word (besides whitespace).
_WORD_END = set('()"“”{}[]~')
_NEAR = re.compile(r"^(O?)NEAR(?:/(\d+)(f?))?$")
_NEAR_LIKE = re.compile(r"^O?NEAR(/.*)?$")
_RADARLY_ORDERED = re.compile(r"^<<(\d+)$")
_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9_]*):")
_WEIBO_TOPIC = re.compile(f"#([^#\\s]{{0,60}}[{CJK_CLASS}][^#\\s]{{0,60}})#")
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass
class Token:
    kind: str  # WORD PHRASE CASE FIELD RANGE TOPIC AND OR NOT NEAR MINUS TILDE LPAREN RPAREN EOF
    text: str
    start: int
    end: int
    value: object = None  # NEAR: (distance, ordered); TILDE: distance; FIELD: name


@dataclass
class Lexed:
    tokens: list[Token]
    warnings: list[Diagnostic] = field(default_factory=list)


def lex(query: str) -> Lexed:
    return _Lexer(query.translate(_FULLWIDTH)).run()


class _Lexer:
    def __init__(self, query: str) -> None:
        self.q = query
        self.i = 0
        self.out: list[Token] = []
        self.warnings: list[Diagnostic] = []

    def run(self) -> Lexed:
        q = self.q
        while True:
            while self.i < len(q) and q[self.i].isspace():
                self.i += 1
            if self.i >= len(q):
                break
            c = q[self.i]
            if q.startswith("<<<", self.i):
                self._comment()
            elif c == "(":
                self._emit("LPAREN", self.i, self.i + 1)
            elif c == ")":
                self._emit("RPAREN", self.i, self.i + 1)
                self._tilde()
            elif c in _OPEN_QUOTES or c == "”":
                self._phrase()
            elif c == "{":
                self._braces()
            elif c == "[":
                self._range()
            elif c == "~":
                raise error(
                    "tilde",
                    "'~' must touch the word, phrase or bracket before it",
                    self.i,
                    hint='write "apple juice"~5 or (a AND b)~5, with no space before ~',
                )
            elif c in "]}":
                raise error("syntax", f"unexpected '{c}'", self.i, hint="remove it")
            elif c == "-" and self._next_is_operand(self.i + 1):
                self._emit("MINUS", self.i, self.i + 1)
            elif c == "+" and self._next_is_operand(self.i + 1):
                self.i += 1  # Radarly/Talkwalker "must": every positive term is required anyway
            elif c == "#" and (m := _WEIBO_TOPIC.match(q, self.i)):
                self.out.append(Token("TOPIC", m.group(), m.start(), m.end(), m.group(1)))
                self.i = m.end()
            else:
                self._word()
        self.out.append(Token("EOF", "", len(q), len(q)))
        return Lexed(self.out, self.warnings)

    # ---- pieces ----------------------------------------------------------------------------
    def _emit(self, kind: str, start: int, end: int, value: object = None) -> None:
        self.out.append(Token(kind, self.q[start:end], start, end, value))
        self.i = end

    def _next_is_operand(self, j: int) -> bool:
        return j < len(self.q) and not self.q[j].isspace() and self.q[j] not in ")~-+"

    def _comment(self) -> None:
        end = self.q.find(">>>", self.i + 3)
        if end < 0:
            raise error(
                "unclosed-comment",
                "comment is not closed",
                self.i,
                3,
                hint="end the comment with >>>",
            )
        self.i = end + 3

    def _phrase(self) -> None:
        start = self.i
        if self.q[start] == "”":
            raise error("quote", "closing quote without an opening one", start, hint='use "..."')
        j = start + 1
        while j < len(self.q) and self.q[j] not in _CLOSE_QUOTES:
            j += 1
        if j >= len(self.q):
            raise error(
                "unbalanced-quote",
                "quote is not closed",
                start,
                hint='close the phrase with a second " (or remove this one)',
            )
        self.out.append(Token("PHRASE", self.q[start + 1 : j], start, j + 1))
        self.i = j + 1
        self._tilde()

    def _braces(self) -> None:
        start = self.i
        end = self.q.find("}", start + 1)
        if end < 0:
            raise error("unclosed-brace", "'{' is not closed", start, hint="write {Word}")
        inner = self.q[start + 1 : end]
        if not inner.strip():
            raise error("empty-case", "empty {}", start, 2, hint="put a case-sensitive word inside")
        self.out.append(Token("CASE", inner, start, end + 1))
        self.i = end + 1

    def _range(self) -> None:
        start = self.i
        end = self.q.find("]", start + 1)
        if end < 0:
            raise error("range", "'[' is not closed", start, hint="write [1000 TO *]")
        self.out.append(Token("RANGE", self.q[start + 1 : end], start, end + 1))
        self.i = end + 1

    def _tilde(self) -> None:
        q, i = self.q, self.i
        if i >= len(q) or q[i] != "~":
            return
        j = i + 1
        while j < len(q) and q[j].isdigit():
            j += 1
        if j == i + 1:
            raise error(
                "tilde",
                "'~' needs a number right after it",
                i,
                hint='write "apple juice"~5 (no space between ~ and the number)',
            )
        if j < len(q) and not q[j].isspace() and q[j] not in "()":
            raise error(
                "tilde",
                f"unexpected '{q[j]}' after ~{q[i + 1 : j]}",
                j,
                hint="leave a space after the distance",
            )
        self.out.append(Token("TILDE", q[i:j], i, j, int(q[i + 1 : j])))
        self.i = j

    def _word(self) -> None:
        q, start = self.q, self.i
        j = start
        while j < len(q) and not q[j].isspace() and q[j] not in _WORD_END:
            if q.startswith("<<<", j) and j > start:
                break
            j += 1
        text = q[start:j]
        if text in _OPERATORS:
            self._emit(text, start, j)
            return
        if m := _NEAR.match(text):
            if m.group(2) is None:
                raise error(
                    "near",
                    f"{text} needs a distance",
                    start,
                    len(text),
                    hint=f"write {text}/3 (at most 3 words between)",
                )
            ordered = bool(m.group(1) or m.group(3))
            self._emit("NEAR", start, j, (int(m.group(2)), ordered))
            return
        if _NEAR_LIKE.match(text):
            raise error(
                "near",
                f"cannot read {text!r}",
                start,
                len(text),
                hint="write NEAR/3, NEAR/3f (ordered) or ONEAR/3",
            )
        if m := _RADARLY_ORDERED.match(text):
            self._emit("NEAR", start, j, (int(m.group(1)), True))
            return
        if text.startswith(":"):
            raise error(
                "field-space",
                "a field name must touch its colon",
                start,
                hint="write name:value with no space before ':'",
            )
        if m := _FIELD.match(text):
            name = m.group(1)
            if lookup(name) is not None or name.lower() in UNSUPPORTED:
                self._emit("FIELD", start, start + len(name) + 1, name)
                return
            if not text.lower().startswith(("http:", "https:", "ftp:")):
                self.warnings.append(
                    warning(
                        "unknown-field",
                        f"unknown field '{name}:', read as plain text",
                        start,
                        len(name) + 1,
                        hint="see docs/query-language.md for the fields Hubbub knows",
                    )
                )
        self._emit("WORD", start, j)
        self._tilde()
