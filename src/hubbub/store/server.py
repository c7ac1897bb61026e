"""The store on a ClickHouse server or cluster, through clickhouse-connect (HTTP).

Same schema, same SQL, same interface as the embedded store (store/base.py). User values are
bound server-side: our `{name:Type}` placeholders are ClickHouse's own syntax, and
clickhouse-connect sends each value as a `param_<name>` (in the request body when large).
Arrow goes both ways (`query_arrow`, `insert_arrow`). No process owns a server store: any
number of API servers and write workers may open it.

URLs (`store` setting, `hubbub serve --store`, `hubbub migrate --to`):

- `clickhouse://user@host:8123/hubbub` — HTTP; `clickhouses://...` — HTTPS with the server's
  certificate verified (CA file from HUBBUB_CLICKHOUSE_CA_FILE, else the system's roots).
  The password comes only from HUBBUB_CLICKHOUSE_PASSWORD; a URL that carries one is refused,
  and URLs are shown with any password redacted.
- `chdb:///path` — the same client code over clickhouse-connect's chdb backend (embedded
  ClickHouse in this process): the test double for a server, everything but the HTTP transport.

The SQL of the whole code base names the database `hubbub` (`DATABASE`), so the tables live in
database `hubbub` on every backend; a URL may name it or leave it out.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import unquote, urlsplit

import orjson
import pyarrow as pa

from hubbub.errors import ConfigError, StoreError
from hubbub.store.base import DATABASE, POSTS, BaseStore
from hubbub.store.changes import ChangeLog

PASSWORD_ENV = "HUBBUB_CLICKHOUSE_PASSWORD"
CA_FILE_ENV = "HUBBUB_CLICKHOUSE_CA_FILE"
SCHEMES = ("clickhouse", "clickhouses", "chdb")
# Output settings pinned to the values embedded chdb uses, so `rows()` and `arrow()` give the
# same Python values on both backends whatever the server's version or profile defaults are.
_JSON_SETTINGS = {
    "output_format_json_quote_64bit_integers": 0,
    "output_format_json_quote_64bit_floats": 0,
    "output_format_json_quote_decimals": 0,
    "output_format_json_quote_denormals": 0,
    "output_format_json_named_tuples_as_objects": 1,
    "output_format_json_map_as_array_of_tuples": 0,
    "date_time_output_format": "simple",
}
_ARROW_SETTINGS = {
    "output_format_arrow_string_as_string": 1,
    "output_format_arrow_low_cardinality_as_dictionary": 0,
}
# clickhouse-connect logs driver errors that we report ourselves as one line; without logging
# configured, Python would print them to stderr too. Configured handlers still receive them.
logging.getLogger("clickhouse_connect").addHandler(logging.NullHandler())
_CODE = re.compile(r"Code: \d+\. .*")
_OS_ERROR = re.compile(r"\[Errno -?\d+\] ([^\"')]+)")


def redact(url: str) -> str:
    """The URL without any password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return parts._replace(netloc=f"{user}:***@{netloc[1]}").geturl()


def _clickhouse_message(exc: BaseException) -> str:
    """The one line that matters of a clickhouse-connect error ("Code: N. DB::Exception: ...")."""
    text = str(exc).strip()
    found = _CODE.search(text)
    if found:
        return found.group(0).split(" (version ", 1)[0].strip()
    os_error = _OS_ERROR.search(text)  # urllib3 wraps the socket error in a long sentence
    if os_error:
        return os_error.group(1).strip().lower()
    return text.splitlines()[0] if text else repr(exc)


def _bind(params: dict[str, Any] | None) -> dict[str, Any] | None:
    """clickhouse-connect formats and escapes values itself; only datetimes need our help, as
    it would send them without milliseconds (our DateTime64(3) keyset pages need them)."""
    if not params:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            value = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        out[key] = value
    return out


class ServerStore(BaseStore):
    """Posts on a ClickHouse server or cluster. Use `open_store(home, url)`; close when done."""

    def __init__(self, client: Any, url: str, cluster: str | None = None) -> None:
        self._client = client
        self.url = redact(url)
        self.home = None  # no workspace directory: the data is on the server
        self._cluster = cluster or None
        # Over HTTP each query is its own request (no session), so reads may overlap; chdb's
        # backend of clickhouse-connect (the `chdb://` test double) has one session, whose
        # query parameters two queries at once would overwrite: its reads take turns.
        self._turns = threading.Lock() if url.startswith("chdb:") else None
        try:
            self._migrate()
        except StoreError:
            self.close()
            raise

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> ServerStore:
        return self

    @cached_property
    def changes(self) -> ChangeLog:
        """Write workers and other servers write here too, unseen by this process."""
        return ChangeLog(others_write=True)

    def reading(self) -> AbstractContextManager[Any]:
        return self._turns if self._turns is not None else nullcontext()

    # ---- SQL -------------------------------------------------------------------------------
    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self._client is None:
            raise StoreError("the store is closed")
        try:
            return getattr(self._client, method)(*args, **kwargs)
        except Exception as exc:
            raise StoreError(f"store query failed: {_clickhouse_message(exc)}") from None

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> None:
        self._call("command", sql, parameters=_bind(params))

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a SELECT; one dict per row. User values only through `params` ({name:Type})."""
        data = self._call(
            "raw_query", sql, parameters=_bind(params), settings=_JSON_SETTINGS, fmt="JSONEachRow"
        )
        return [orjson.loads(line) for line in bytes(data).splitlines() if line]

    def arrow(self, sql: str, params: dict[str, Any] | None = None) -> pa.Table:
        return self._call("query_arrow", sql, parameters=_bind(params), settings=_ARROW_SETTINGS)  # type: ignore[no-any-return]

    # ---- writes ----------------------------------------------------------------------------
    def existing_keys(self, table: pa.Table) -> set[tuple[str, str]]:
        """Which (platform, platform_id) of `table` are already stored: an IN over the batch's
        keys bound as two array parameters (no Python() table function off chdb)."""
        keys = self.rows(
            f"SELECT platform, platform_id FROM {POSTS} WHERE (platform, platform_id) IN "
            "(SELECT arrayJoin(arrayZip({p:Array(String)}, {i:Array(String)})))",
            {
                "p": table.column("platform").to_pylist(),
                "i": table.column("platform_id").to_pylist(),
            },
        )
        return {(r["platform"], r["platform_id"]) for r in keys}

    def insert_arrow(self, table_name: str, table: pa.Table) -> None:
        """Insert an Arrow table (columns named as in the target) as one INSERT."""
        if self._client is None:
            raise StoreError("the store is closed")
        # On a cluster the insert goes through the Distributed table; waiting until the shards
        # hold the rows keeps the next batch's key check (and counts) exact.
        settings = {"distributed_foreground_insert": 1} if self._cluster else None
        try:
            self._client.insert_arrow(table_name, table, settings=settings)
        except Exception as exc:
            raise StoreError(self._write_failure(_clickhouse_message(exc))) from None

    def _disk_full_hint(self) -> str:
        return f"the ClickHouse server at {self.url}"


def connect(url: str, cluster: str | None = None) -> ServerStore:
    """Open the store at a `clickhouse://`, `clickhouses://` or `chdb://` URL."""
    try:
        import clickhouse_connect
    except ImportError:
        raise ConfigError(
            "the ClickHouse server store needs clickhouse-connect: pip install 'hubbub[clickhouse]'"
        ) from None
    parts = urlsplit(url)
    shown = redact(url)
    if parts.scheme not in SCHEMES:
        raise ConfigError(
            f"store URL {shown!r}: use clickhouse://user@host:8123/hubbub, "
            "clickhouses://... (TLS) or chdb:///path"
        )
    database = parts.path.strip("/") if parts.scheme != "chdb" else ""
    if database not in ("", DATABASE):
        raise ConfigError(
            f"store URL {shown!r} names database {database!r}: Hubbub's tables live in database "
            f"{DATABASE!r} (its SQL names it); end the URL with /{DATABASE} or nothing"
        )
    try:
        if parts.scheme == "chdb":
            client = clickhouse_connect.get_client(dsn=f"chdb://{parts.path}")
        else:
            client = clickhouse_connect.get_client(**_http_args(parts, shown))
    except ConfigError:
        raise
    except Exception as exc:
        raise StoreError(f"cannot open the store at {shown}: {_clickhouse_message(exc)}") from None
    return ServerStore(client, url, cluster)


def _http_args(parts: Any, shown: str) -> dict[str, Any]:
    if parts.password is not None:
        raise ConfigError(
            f"store URL {shown!r} carries a password: put it in {PASSWORD_ENV} instead"
        )
    if not parts.hostname:
        raise ConfigError(f"store URL {shown!r} names no host: clickhouse://user@host:8123/hubbub")
    secure = parts.scheme == "clickhouses"
    try:
        port = parts.port or (8443 if secure else 8123)
    except ValueError:
        raise ConfigError(f"store URL {shown!r} has a bad port") from None
    args: dict[str, Any] = {
        "host": parts.hostname,
        "port": port,
        "username": unquote(parts.username) if parts.username else "default",
        "password": os.environ.get(PASSWORD_ENV, ""),
        "secure": secure,
        "interface": "https" if secure else "http",
        "compress": "lz4",
        "autogenerate_session_id": False,  # a session would serialise our threads' queries
    }
    if secure:
        args["verify"] = True
        ca_file = os.environ.get(CA_FILE_ENV)
        if ca_file:
            args["ca_cert"] = ca_file
    return args
