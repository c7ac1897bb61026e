"""Errors and warnings about a query, each with where it is and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from hubbub.errors import QueryError


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "error" | "warning"
    code: str  # stable short name, e.g. "mixed-and-or", "implicit-and"
    message: str
    position: int  # 0-based character offset in the query
    length: int = 1
    hint: str = ""

    def render(self, query: str) -> str:
        """The query, a caret line under the span, the message and the hint."""
        caret = " " * self.position + "^" * max(1, self.length)
        lines = [
            query,
            caret,
            f"{self.severity}: {self.message} (at character {self.position + 1})",
        ]
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)

    def to_error(self) -> QueryError:
        return QueryError(self.message, self.position, self.hint, self.length)


def error(code: str, message: str, position: int, length: int = 1, hint: str = "") -> QueryError:
    """A QueryError that also remembers its code (for lint reports and tests)."""
    exc = QueryError(message, position, hint, length)
    exc.code = code  # type: ignore[attr-defined]
    return exc


def warning(code: str, message: str, position: int, length: int = 1, hint: str = "") -> Diagnostic:
    return Diagnostic("warning", code, message, position, length, hint)


def from_error(exc: QueryError) -> Diagnostic:
    code = getattr(exc, "code", "syntax")
    return Diagnostic("error", code, exc.message, exc.position, exc.length, exc.hint)
