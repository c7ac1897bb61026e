"""Secrets never reach a log line, an error message or a stored error.

Secrets come from the environment only (docs/configuration.md): API tokens, app passwords,
client ids and secrets, the webhook signing secret, the SMTP and ClickHouse passwords, all in
`HUBBUB_*` variables whose name says what they are. Two more kinds travel inside URLs: a
`user:password@` part and token-like query parameters (`access_token=`, YouTube's `key=`).

`redact(text)` replaces all three with `***`. `install()` applies it to every log record the
process creates (a log-record factory, so records of any logger and any handler are covered,
uvicorn's access log included, as are formatted tracebacks). Errors shown to users or stored
(source health, alert deliveries, API error bodies, the CLI's one-line errors) pass through
`redact` where they are produced or printed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import traceback
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"
# HUBBUB_* variables holding a secret: tokens, passwords, client credentials, signing secrets.
_SECRET_NAME = re.compile(
    r"^HUBBUB_\w*(SECRET|TOKEN|PASSWORD|PASSWD|CLIENT_|API_KEY|ACCESS_KEY|PRIVATE_KEY|COOKIE)\w*$"
)
MIN_SECRET = 6  # shorter values would mask ordinary words; nobody uses such a secret
# scheme://user:password@host: keep the user (it helps debugging), mask the password.
_URL_CREDENTIALS = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^\s/:@]*):(?P<pw>[^\s/@]+)@", re.I)
# Query parameters that carry credentials, in URLs and form bodies.
# (Zeeschuimer's bridge takes `access-token=`, Weibo `access_token=`, YouTube `key=`.)
_SECRET_PARAM = re.compile(
    r"(?P<head>[?&;](?:[\w.-]*(?:token|secret|password|passwd|api_?key|signature)[\w.-]*|"
    r"key|sig|auth)=)(?P<value>[^&\s#'\"]+)",
    re.I,
)
_BEARER = re.compile(r"(?P<head>\b(?:Bearer|Basic)\s+)(?P<value>[A-Za-z0-9._~+/=-]{8,})")


def is_secret_variable(name: str) -> bool:
    return bool(_SECRET_NAME.match(name))


def secret_values(env: Mapping[str, str] | None = None) -> list[str]:
    """The values of the secret `HUBBUB_*` variables, longest first (so a secret containing
    another is masked whole)."""
    env = os.environ if env is None else env
    values = {v.strip() for k, v in env.items() if is_secret_variable(k) and v and v.strip()}
    return sorted((v for v in values if len(v) >= MIN_SECRET), key=len, reverse=True)


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """`text` with known secret values, URL passwords, credential query parameters and
    bearer/basic credentials replaced by ***."""
    if not text:
        return text
    for value in secret_values() if secrets is None else secrets:
        if value in text:
            text = text.replace(value, MASK)
    text = _URL_CREDENTIALS.sub(lambda m: f"{m['head']}:{MASK}@", text)
    text = _SECRET_PARAM.sub(lambda m: f"{m['head']}{MASK}", text)
    return _BEARER.sub(lambda m: f"{m['head']}{MASK}", text)


def redact_value(value: Any) -> Any:
    """`redact` applied to every string inside a JSON-like value (dicts, lists)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value


_installed = False


def install() -> None:
    """Redact every log record created from now on in this process (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        # A broken %-format: leave it to logging's own error report.
        with contextlib.suppress(Exception):
            scrub(record)
        return record

    logging.setLogRecordFactory(factory)


def scrub(record: logging.LogRecord) -> None:
    """Redact the record's message and traceback now (a formatter would otherwise format the
    original values later). Records without a secret are left as they are."""
    message = record.getMessage()
    clean = redact(message)
    if clean != message:
        # Redact argument by argument first: some formatters unpack `args` themselves
        # (uvicorn's access log reads client, method, path, ... from it), so it must stay a tuple.
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
            if redact(record.getMessage()) == record.getMessage():
                return _scrub_traceback(record)
        record.msg, record.args = clean, ()
    _scrub_traceback(record)


def _scrub_traceback(record: logging.LogRecord) -> None:
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
