"""Topic slices: each topic's matching posts, kept ordered by (topic, time) for its dashboard.

A topic's figures otherwise evaluate its boolean query over every post of the window (the text
index narrows the granules, but a broad topic still reads millions of rows). A slice holds, for
one query, the keys of its matching posts plus every column the analytics figures and the Scope
filters read (not text or grams), in one partition of `hubbub.topic_posts`
(ORDER BY slice, created_at, ...), so a figure reads only the topic's own rows.

- Key: a short hash of the query compiled to SQL with its parameters inlined (so whitespace,
  comments and equivalent spellings share a slice), of SCHEMA_VERSION and of the stored terms'
  filter. Editing a query makes a new key; an unchanged query is never rebuilt.
- Maintenance: one ClickHouse MATERIALIZED VIEW per slice (`hubbub.slice_<key>`, TO
  topic_posts, WHERE the compiled query with literals), so every INSERT into posts (importer,
  live pipeline, POST /v1/posts) fills every slice with no change to the write path. A view
  cannot take query parameters, so `inline` writes each one as an escaped literal.
- `sync_slices(store, queries)` builds the missing slices (view first, then a backfill over
  posts: no write may run in between, which holds because one process owns an embedded store
  and the server runs every store call on one thread), drops slices no topic uses any more
  (DROP PARTITION: instant), and records the state of each slice in `hubbub.topic_slices`.
- `rebuild_touched` rebuilds the slices a `hubbub reenrich` changed: its ALTER UPDATE on posts
  does not fire views.
- `SliceKeeper` keeps a running server's slices in step with its topics.
- `slice_for(store, query)` is the routing test: the key of a complete slice of that query, or
  None. A slice counts as complete only while its state says so *and* its view exists (a store
  restored from a backup has neither), so a missing or half-built slice is never read.
- On a ClickHouse cluster (the store's `clickhouse_cluster`) every statement comes from
  hubbub.store.ddl, as the posts' do: `topic_posts_local` (ReplicatedReplacingMergeTree) under
  a Distributed `topic_posts` sharded like posts, so a post's slice rows live on its shard;
  the state table replicated the same way; the views, DROP PARTITION and ADD COLUMN `ON
  CLUSTER` on the local tables. Reads name `hubbub.topic_posts` on every backend. Without a
  cluster the statements are the single-server ones, byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from hubbub.errors import HubbubError
from hubbub.store import ddl
from hubbub.store.migrate import declared_columns, missing_columns

log = logging.getLogger(__name__)

DATABASE = "hubbub"
POSTS = f"{DATABASE}.posts"
TABLE = f"{DATABASE}.topic_posts"
STATE = f"{DATABASE}.topic_slices"
VIEW_PREFIX = "slice_"
# Part of every key: bump it when COLUMNS or the table's layout change, so every slice is
# rebuilt with the new layout by the next sync.
SCHEMA_VERSION = 2
# Tables holding derived data only: a backup leaves them out, the next sync rebuilds them.
DERIVED_TABLES = ("topic_posts", "topic_slices")

# Every column an analytics figure, a Scope filter or a drill-down bucket reads (see
# hubbub.analytics); drill-down takes the rest of a post from posts by its key.
COLUMNS = (
    "platform",
    "platform_id",
    "kind",
    "created_at",
    "author_id",
    "author_handle",
    "author_name",
    "author_followers",
    "author_verified",
    "author_country",
    "lang",
    "country",
    "likes",
    "reposts",
    "replies",
    "quotes",
    "views",
    "engagement",
    "hashtags",
    "mentions",
    "domains",
    "emojis",
    "tokens",
    "sentiment",
    "emotion",
    "entity_texts",
    "entity_types",
    "keyphrases",
    "flags",
)
_SELECT = ", ".join(COLUMNS)
# Also stored: `terms`, the post's tokens as `top(kind="terms")` and `emerging` count them
# (distinct, stopwords of its language, numbers and lone characters removed). That filter is
# most of those figures' cost, so a slice pays it once per post instead of once per query.
TERMS_COLUMN = "terms"
# ClickHouse's max_query_size: a view whose statement would exceed it is not created.
MAX_VIEW_SQL = 262_144 - 4_096
# On a cluster: slice rows follow their post's shard (a post's rows, from its view or from the
# backfill, land on one shard, where ReplacingMergeTree folds any pair), and a slice's state
# records all go to one shard.
SLICE_SHARDING_KEY = ddl.POSTS_SHARDING_KEY
STATE_SHARDING_KEY = "cityHash64(slice)"


@lru_cache(maxsize=1)
def terms_sql() -> tuple[str, dict[str, Any], str]:
    """The terms expression with bound parameters, the same with literals (for views)."""
    # Imported here: the expression belongs to the figures that count terms.
    from hubbub.analytics.top import TERMS, stopword_params

    params = dict(stopword_params())
    return TERMS, params, inline(TERMS, params)


# ---- literals ---------------------------------------------------------------------------------
# Inside a quoted ClickHouse literal only the quote and the backslash are special; braces are
# escaped too so no layer can ever read a `{name:Type}` placeholder in user text, and control
# characters (NUL included) so the statement stays one printable line.
_STRING_ESCAPES = {"\\": "\\\\", "'": "\\'", "{": "\\x7B", "}": "\\x7D"}
_INT_TYPES = {"UInt8", "UInt16", "UInt32", "UInt64", "Int8", "Int16", "Int32", "Int64"}
_PLACEHOLDER = re.compile(r"\{(\w+):([^{}]+)\}")


def sql_string(text: str) -> str:
    """`text` as a quoted ClickHouse string literal that reads back as exactly `text`."""
    if not isinstance(text, str):
        raise TypeError(f"expected a string, got {type(text).__name__}")
    out = []
    for char in text:
        code = ord(char)
        if char in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02X}")
        else:
            out.append(char)
    return "'" + "".join(out) + "'"


def literal(value: Any, sql_type: str) -> str:
    """A typed SQL literal for a bound parameter's value; refuses types it does not know."""
    if sql_type == "String":
        return sql_string(value)
    if sql_type == "Array(String)":
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise TypeError("an Array(String) parameter needs a list of strings")
        return f"CAST([{', '.join(sql_string(v) for v in value)}] AS Array(String))"
    if sql_type in _INT_TYPES:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"a {sql_type} parameter needs an int")
        return f"to{sql_type}({int(value)})"
    if sql_type == "Float64":
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("a Float64 parameter must be finite")
        return f"toFloat64({number!r})"
    raise TypeError(f"no literal form for parameter type {sql_type}")


def inline(sql: str, params: dict[str, Any]) -> str:
    """`sql` with every `{name:Type}` placeholder replaced by the literal of params[name]."""

    def replace(match: re.Match[str]) -> str:
        name, sql_type = match.group(1), match.group(2)
        if name not in params:
            raise KeyError(f"no value for parameter {name}")
        return literal(params[name], sql_type)

    return _PLACEHOLDER.sub(replace, sql)


# ---- keys -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SliceQuery:
    key: str
    query: str
    where: str  # compiled, with bound parameters (the backfill uses it, as figures do)
    params: dict[str, Any]
    inlined: str  # the same condition with literals (the view's WHERE)


@lru_cache(maxsize=512)
def slice_query(query: str) -> SliceQuery | None:
    """The slice of `query`; None for a blank query or one that does not compile."""
    if not query or not query.strip():
        return None
    from hubbub.query.compile_sql import compile_sql

    try:
        compiled = compile_sql(query)
        inlined = inline(compiled.where, compiled.params)
    except (HubbubError, TypeError, ValueError, KeyError):
        return None
    # The terms filter is part of what a slice stores: new stopwords make new slices.
    terms = terms_sql()[2]
    digest = hashlib.sha256(f"{SCHEMA_VERSION}\n{terms}\n{inlined}".encode()).hexdigest()[:16]
    return SliceQuery(digest, query, compiled.where, dict(compiled.params), inlined)


def slice_key(query: str | None) -> str | None:
    found = slice_query(query) if query else None
    return found.key if found else None


# ---- tables -----------------------------------------------------------------------------------
def _posts_types() -> dict[str, str]:
    text = resources.files("hubbub.store").joinpath("schema.sql").read_text("utf-8")
    # Comments may hold semicolons: drop them before cutting out the statement.
    ddl = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    start = ddl.index("CREATE TABLE IF NOT EXISTS {db}.posts")
    return dict(declared_columns(ddl[start : ddl.index(";", start)]))


def _cluster(store: Any) -> str | None:
    return getattr(store, "_cluster", None) or None


def table_ddl() -> list[str]:
    """The CREATE statements of the slice table and the state table (plain engines)."""
    types = _posts_types()
    columns = ",\n".join(f"    {name} {types[name]}" for name in COLUMNS)
    columns += f",\n    {TERMS_COLUMN} Array(String)"
    return [
        f"CREATE TABLE IF NOT EXISTS {TABLE}\n(\n    slice String,\n{columns}\n)\n"
        "ENGINE = ReplacingMergeTree\nPARTITION BY slice\n"
        "ORDER BY (slice, created_at, platform, platform_id)",
        f"CREATE TABLE IF NOT EXISTS {STATE}\n(\n    slice String,\n    query String,\n"
        "    state LowCardinality(String),\n    rows UInt64,\n    seq UInt64,\n"
        "    at DateTime64(3, 'UTC')\n)\nENGINE = MergeTree\nORDER BY (slice, seq)",
    ]


def table_statements(cluster: str | None = None) -> list[str]:
    """What creates the slice tables: table_ddl() as written on one server; on a cluster the
    replicated local tables and the Distributed tables over them (hubbub.store.ddl)."""
    slice_table, state_table = table_ddl()
    return [
        *ddl.table_statements(slice_table, cluster, SLICE_SHARDING_KEY),
        *ddl.table_statements(state_table, cluster, STATE_SHARDING_KEY),
    ]


def view_ddl(found: SliceQuery, cluster: str | None = None) -> str:
    return ddl.materialized_view_statement(
        f"{DATABASE}.{VIEW_PREFIX}{found.key}",
        TABLE,
        f"'{found.key}' AS slice, {_SELECT}, {terms_sql()[2]} AS {TERMS_COLUMN}",
        POSTS,
        found.inlined,
        cluster,
    )


def ensure_tables(store: Any) -> None:
    """Create the slice tables if missing, and add columns a newer COLUMNS declares."""
    cluster = _cluster(store)
    for statement in table_statements(cluster):
        store.execute(statement)
    # Checked on the table reads name: on a cluster the Distributed one, altered after the
    # local ones, so an addition that stopped halfway is made again (IF NOT EXISTS).
    existing = {
        r["name"]
        for r in store.rows(
            "SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String}",
            {"db": DATABASE, "t": TABLE.split(".")[1]},
        )
    }
    for name, kind, after in missing_columns(table_ddl()[0], existing):
        for statement in ddl.add_column_statements(TABLE, name, kind, after, cluster):
            store.execute(statement)


# ---- state ------------------------------------------------------------------------------------
@dataclass
class SliceState:
    key: str
    query: str
    state: str  # building, complete or dropped
    rows: int
    has_view: bool


def read_state(store: Any) -> dict[str, SliceState]:
    """The latest state of every slice ever recorded, and whether its view exists."""
    if not _has_table(store, STATE):
        return {}
    views = _views(store)
    found = {
        r["slice"]: SliceState(r["slice"], r["query"], r["state"], int(r["rows"]), False)
        for r in store.rows(
            f"SELECT slice, argMax(query, seq) AS query, argMax(state, seq) AS state, "
            f"argMax(rows, seq) AS rows FROM {STATE} GROUP BY slice"
        )
    }
    for key in views:
        found.setdefault(key, SliceState(key, "", "dropped", 0, False)).has_view = True
    return found


def _has_table(store: Any, qualified: str) -> bool:
    database, name = qualified.split(".")
    return bool(
        store.scalar(
            "SELECT count() AS n FROM system.tables WHERE database = {db:String} "
            "AND name = {t:String}",
            {"db": database, "t": name},
        )
    )


def _views(store: Any) -> set[str]:
    rows = store.rows(
        "SELECT name FROM system.tables WHERE database = {db:String} "
        "AND engine = 'MaterializedView' AND startsWith(name, {p:String})",
        {"db": DATABASE, "p": VIEW_PREFIX},
    )
    return {r["name"][len(VIEW_PREFIX) :] for r in rows}


_seq_lock = threading.Lock()
_last_seq = 0


def _next_seq() -> int:
    # Strictly increasing within the process, so two records in one millisecond keep their order.
    global _last_seq
    with _seq_lock:
        _last_seq = max(_last_seq + 1, time.time_ns())
        return _last_seq


def _record(store: Any, key: str, query: str, state: str, rows: int = 0) -> None:
    statement = ddl.insert_select_statement(
        STATE,
        "slice, query, state, rows, seq, at",
        "SELECT {k:String}, {q:String}, {s:String}, {n:UInt64}, {seq:UInt64}, now64(3, 'UTC')",
        _cluster(store),
    )
    store.execute(statement, {"k": key, "q": query, "s": state, "n": int(rows), "seq": _next_seq()})


# ---- routing ----------------------------------------------------------------------------------
# Complete slices per store object, re-read after REFRESH_SECONDS (a ClickHouse server may be
# shared with other processes); a sync in this process updates it at once.
REFRESH_SECONDS = 10.0
_known: weakref.WeakKeyDictionary[Any, tuple[float, frozenset[str]]] = weakref.WeakKeyDictionary()


def complete_slices(store: Any) -> frozenset[str]:
    try:
        hit = _known.get(store)
    except TypeError:  # an object that cannot be weakly referenced: no cache, no slices
        return frozenset()
    if hit is not None and time.monotonic() - hit[0] < REFRESH_SECONDS:
        return hit[1]
    try:
        state = read_state(store)
    except Exception as exc:  # a store that cannot say: read posts (same figures, slower)
        log.debug("topic slices unavailable: %s", exc)
        state = {}
    keys = frozenset(k for k, s in state.items() if s.state == "complete" and s.has_view)
    _remember(store, keys)
    return keys


def _remember(store: Any, keys: Iterable[str]) -> None:
    with contextlib.suppress(TypeError):  # not weakly referenceable: never cached
        _known[store] = (time.monotonic(), frozenset(keys))


def _forget(store: Any, key: str) -> None:
    """Stop routing to `key` before its slice changes."""
    try:
        hit = _known.get(store)
    except TypeError:
        return
    if hit is not None:
        _known[store] = (hit[0], hit[1] - {key})


def slice_for(store: Any, query: str | None) -> str | None:
    """The key of a complete slice holding exactly the posts `query` matches, else None."""
    key = slice_key(query)
    if key is None:
        return None
    return key if key in complete_slices(store) else None


# ---- building ---------------------------------------------------------------------------------
@dataclass
class SyncResult:
    built: dict[str, int] = field(default_factory=dict)  # key → rows
    dropped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # queries that do not compile


def _build(store: Any, found: SliceQuery) -> int:
    """(Re)build one slice: view first, then the backfill; the caller excludes other writes."""
    cluster = _cluster(store)
    _forget(store, found.key)
    _record(store, found.key, found.query, "building")
    store.execute(ddl.drop_view_statement(f"{DATABASE}.{VIEW_PREFIX}{found.key}", cluster))
    # SYNC-free: DROP PARTITION detaches the parts at once, whatever the build left behind.
    store.execute(ddl.drop_partition_statement(TABLE, sql_string(found.key), cluster))
    # ON CLUSTER waits until every node has run it (by default; after
    # distributed_ddl_task_timeout it fails and the slice stays "building", never read), so
    # every shard's view exists before the backfill starts.
    store.execute(view_ddl(found, cluster))
    # On a cluster the backfill goes through the Distributed tables, one statement from this
    # node: it reads each post once (one replica per shard) and routes each slice row by the
    # posts' sharding key to the post's own shard, where the view puts that post's rows too.
    # INSERT INTO topic_posts_local SELECT ... FROM posts_local would have to run on exactly
    # one replica of every shard: run through one client it would fill this node's shard
    # only, and run on every node it would copy each shard's rows once per replica.
    # A post stored between the view and the backfill gets two identical rows on its shard
    # (from the view and the backfill), which ReplacingMergeTree folds, as on one server.
    # No insert deduplication: a rebuild inserts the blocks of the build whose partition it
    # just dropped, which Replicated tables would otherwise skip as already inserted.
    terms, terms_params, _ = terms_sql()
    store.execute(
        ddl.insert_select_statement(
            TABLE,
            f"slice, {_SELECT}, {TERMS_COLUMN}",
            f"SELECT {{slice_key:String}}, {_SELECT}, {terms} FROM {POSTS} WHERE {found.where}",
            cluster,
            deduplicate=False,
        ),
        {**found.params, **terms_params, "slice_key": found.key},
    )
    rows = int(
        store.scalar(
            f"SELECT count() AS n FROM {TABLE} WHERE slice = {{k:String}}", {"k": found.key}
        )
        or 0
    )
    _record(store, found.key, found.query, "complete", rows)
    with contextlib.suppress(TypeError):
        _known.pop(store, None)  # re-read on next use, now with this slice
    return rows


def _drop(store: Any, key: str, query: str) -> None:
    cluster = _cluster(store)
    _forget(store, key)
    _record(store, key, query, "dropped")
    store.execute(ddl.drop_view_statement(f"{DATABASE}.{VIEW_PREFIX}{key}", cluster))
    store.execute(ddl.drop_partition_statement(TABLE, sql_string(key), cluster))


def sync_slices(store: Any, queries: Iterable[str]) -> SyncResult:
    """Make the store's slices exactly those of `queries`: build the missing or incomplete
    ones, drop the rest. Run it while nothing else writes to the store."""
    result = SyncResult()
    cluster = _cluster(store)
    wanted: dict[str, SliceQuery] = {}
    for query in queries:
        found = slice_query(query)
        if found is None or len(view_ddl(found, cluster)) > MAX_VIEW_SQL:
            if query and query.strip():
                result.skipped.append(query)
            continue
        wanted.setdefault(found.key, found)
    state = read_state(store)
    if not wanted and not state:
        return result  # no topics and never any slice: leave the store as it is
    ensure_tables(store)
    for key, current in state.items():
        if key not in wanted and (current.state != "dropped" or current.has_view):
            _drop(store, key, current.query)
            result.dropped.append(key)
    for key, found in wanted.items():
        existing = state.get(key)
        if existing is not None and existing.state == "complete" and existing.has_view:
            result.kept.append(key)
            continue
        result.built[key] = _build(store, found)
    _remember(store, [*result.kept, *result.built])
    return result


def rebuild_touched(store: Any, where: str, params: dict[str, Any]) -> list[str]:
    """Rebuild each complete slice holding, or now matching, a post of `where` (posts changed
    in place, e.g. by `hubbub reenrich`); returns their keys."""
    state = read_state(store)
    live = [s for s in state.values() if s.state == "complete" and s.has_view]
    if not live:
        return []
    found = {s.key: slice_query(s.query) for s in live}
    # Posts that left a slice are found through its rows; posts that entered, by its query.
    touched = {
        r["slice"]
        for r in store.rows(
            f"SELECT DISTINCT slice FROM {TABLE} WHERE (created_at, platform, platform_id) IN "
            f"(SELECT created_at, platform, platform_id FROM {POSTS} WHERE {where})",
            params,
        )
    }
    checks, check_params = [], dict(params)
    for i, (key, sq) in enumerate(found.items()):
        if sq is None or key in touched:
            continue
        checks.append(f"countIf({_prefixed(sq.where, f's{i}_')}) AS `{key}`")
        check_params.update({f"s{i}_{k}": v for k, v in sq.params.items()})
    if checks:
        row = store.rows(f"SELECT {', '.join(checks)} FROM {POSTS} WHERE {where}", check_params)
        touched |= {k for k, n in (row[0] if row else {}).items() if int(n)}
    rebuilt = []
    for key in sorted(touched):
        sq = found.get(key)
        if sq is not None:
            _build(store, sq)
            rebuilt.append(key)
    if rebuilt and hasattr(store, "changes"):
        store.changes.touch_all()  # figures kept from the old rows of these slices are stale
    return rebuilt


def _prefixed(sql: str, prefix: str) -> str:
    return _PLACEHOLDER.sub(lambda m: "{" + prefix + m.group(1) + ":" + m.group(2) + "}", sql)


# ---- topics of a home -------------------------------------------------------------------------
def topic_queries(home: Path) -> list[str]:
    """The query of every topic of every workspace in `home` (sorted, without repeats)."""
    from hubbub.topics import TopicStore
    from hubbub.topics.db import META_FILE

    if not (Path(home) / META_FILE).exists():
        return []
    with TopicStore(Path(home)) as topics:
        return sorted({t.query for w in topics.workspaces() for t in topics.list(w)})


def sync_home(store: Any, home: Path) -> SyncResult:
    """Sync the store's slices with the topics of `home`."""
    return sync_slices(store, topic_queries(home))


RETRY_SECONDS = 60.0


class SliceKeeper:
    """Keeps a server's slices in step with its topics, however they change (API, web, or the
    CLI writing meta.sqlite3 while the server runs): every `every` seconds it compares the
    topics' queries with the last synced set and, when they differ, syncs on the store's
    thread (`executor`), where no other store call runs meanwhile."""

    def __init__(
        self,
        home: Path,
        get_store: Callable[[], Any],
        executor: Executor,
        every: float = 2.0,
    ) -> None:
        self.home = Path(home)
        self._get_store = get_store
        self._executor = executor
        self._every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._synced: list[str] | None = None

    def start(self) -> SyncResult | None:
        """Sync once now (so a server starts with its slices built), then watch the topics."""
        result = None
        try:
            result = self.check()
        except Exception as exc:  # serve unsliced figures rather than not serve
            log.warning("topic slices: sync failed: %s", str(exc).splitlines()[0])
        self._thread = threading.Thread(target=self._run, name="hubbub-slices", daemon=True)
        self._thread.start()
        return result

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def check(self) -> SyncResult | None:
        """Sync now if the topics changed since the last sync; None when nothing changed."""
        queries = topic_queries(self.home)
        if queries == self._synced:
            return None
        result = self._executor.submit(lambda: sync_slices(self._get_store(), queries)).result()
        self._synced = queries
        if result.built or result.dropped:
            log.info(
                "topic slices: built %d (%s rows), dropped %d",
                len(result.built),
                f"{sum(result.built.values()):,}",
                len(result.dropped),
            )
        return result

    def _run(self) -> None:
        delay = self._every
        while not self._stop.wait(delay):
            delay = self._every
            try:
                self.check()
            except RuntimeError:  # the executor shut down: the server is stopping
                return
            except Exception as exc:  # keep serving unsliced figures; retry a minute later
                log.warning("topic slices: sync failed: %s", str(exc).splitlines()[0])
                delay = RETRY_SECONDS
