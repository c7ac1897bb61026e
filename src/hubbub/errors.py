"""Every exception Hubbub raises on purpose.

    HubbubError                  base: its message is one line that says what to do next
    ├── ConfigError              a setting or the workspace home is wrong
    │   └── NotFound             no topic, alert or rule of that name or id (the API answers 404)
    ├── StoreError               the store cannot be opened or written
    │   └── StoreLocked          another process (e.g. `hubbub serve`) owns the embedded store
    ├── ImportFailed             a whole file cannot be imported (unknown format, unreadable)
    ├── InvalidPost              one raw item or post is malformed (a reject, the import goes on)
    ├── SourceError              a live source (connector) failed; says whether a retry can help
    │   ├── SourceTransient      a retry later may succeed: network error, timeout, 429, 5xx
    │   └── SourceTerminal       retrying the same request will not help: fix something first
    │       └── SourceAuthError  credentials missing, wrong or expired; names the variable to set
    └── QueryError               a boolean query is malformed; carries the position and a hint

The CLI prints `str(error)` for any HubbubError and exits 2; anything else is a bug.
"""

from __future__ import annotations


class HubbubError(Exception):
    """Base class; the message is meant for the user, one line."""


class ConfigError(HubbubError):
    pass


class NotFound(ConfigError):
    """No object (topic, alert, rule, ...) of that name or id in the workspace."""


class StoreError(HubbubError):
    pass


class StoreLocked(StoreError):
    pass


class ImportFailed(HubbubError):
    pass


class InvalidPost(HubbubError):
    pass


class SourceError(HubbubError):
    """A connector failed. `retryable` tells a scheduler whether to try again (dlt's habit)."""

    retryable = False


class SourceTransient(SourceError):
    """Worth retrying later. `retry_after` is the server's own hint in seconds, when it gave one."""

    retryable = True

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SourceTerminal(SourceError):
    pass


class SourceAuthError(SourceTerminal):
    pass


class QueryError(HubbubError):
    """A malformed query. `position` is the 0-based character offset, `hint` how to fix it."""

    query: str | None = None  # the query text, when the raiser knew it (for `render`)

    def __init__(self, message: str, position: int = 0, hint: str = "", length: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.hint = hint
        self.length = max(1, length)

    def render(self, query: str) -> str:
        """The query, a caret line under the offending span, the message and the hint."""
        caret = " " * self.position + "^" * self.length
        lines = [query, caret, f"error: {self.message} (at character {self.position + 1})"]
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)
