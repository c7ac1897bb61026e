"""`hubbub migrate --to URL`: copy a workspace's posts from its embedded store to a ClickHouse
server or cluster (docs/scale-out.md).

Pages of posts in key order go through the target's idempotent write (the key check, then one
INSERT), so a re-run, or a run after an interruption, copies only what the target lacks. The
embedded store is read in a child process: chdb runs one engine per process, and the target
may itself be embedded ClickHouse (`chdb:///path`, the test double for a server). Topics,
tokens and alerts stay in the home's meta.sqlite3; only posts move.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer

from hubbub.cli.common import HomeOption, console, home_path, out
from hubbub.errors import ConfigError, HubbubError, StoreError
from hubbub.store import is_embedded, open_store
from hubbub.store.base import BaseStore

PAGE = 20_000
# Messages from the reader process: a tag byte, then an Arrow IPC stream, a count or an error.
_PAGE, _DONE, _ERROR = b"P", b"D", b"E"


@dataclass
class MigrateResult:
    source: int = 0  # posts in the embedded store
    copied: int = 0
    already: int = 0  # in the target before this run
    target: int = 0  # posts in the target afterwards


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate)


def migrate(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="Target store: clickhouse://user@host:8123/hubbub or clickhouses://... "
            "(password from HUBBUB_CLICKHOUSE_PASSWORD).",
        ),
    ],
    home: HomeOption = None,
    page: Annotated[int, typer.Option("--page", min=1, help="Posts per copied page.")] = PAGE,
) -> None:
    """Copy every post of the embedded store to a ClickHouse server or cluster (re-runnable)."""
    path = home_path(home)
    if not (path / "store").is_dir():
        raise ConfigError(f"no embedded store in {path}: nothing to migrate (check --home)")
    result = migrate_home(path, to, page, on_page=lambda n: console.print(f"copied {n:,} posts"))
    out.print(
        f"{result.source:,} posts in {path}: {result.copied:,} copied, {result.already:,} "
        f"already in the target, which now holds {result.target:,} posts."
    )
    out.print(
        f"To use it: HUBBUB_STORE={to} (or `store` in hubbub.toml), or `hubbub serve --store {to}`."
    )


def migrate_home(home: Path, to: str, page: int = PAGE, on_page=None) -> MigrateResult:  # type: ignore[no-untyped-def]
    """Copy the posts of `home`'s embedded store into the store at `to`; check the counts."""
    if is_embedded(to):
        raise ConfigError("--to must name a ClickHouse server: clickhouse://user@host:8123/hubbub")
    result = MigrateResult()
    target = open_store(home, to)
    try:
        before = target.count()
        reader, child = _start_reader(home, page)
        try:
            result.source = _copy(reader, target, result, on_page)
        finally:
            reader.close()
            child.join(timeout=30)
        result.target = target.count()
    finally:
        target.close()
    if result.copied + result.already != result.source or result.target != before + result.copied:
        raise StoreError(
            f"the target holds {result.target:,} posts, expected {before + result.copied:,} "
            f"({result.copied:,} copied onto {before:,}); re-run to copy what is missing"
        )
    return result


def _copy(reader: Connection, target: BaseStore, result: MigrateResult, on_page) -> int:  # type: ignore[no-untyped-def]
    while True:
        try:
            message = reader.recv_bytes()
        except EOFError:
            raise StoreError("the reader of the embedded store stopped unexpectedly") from None
        tag, body = message[:1], message[1:]
        if tag == _ERROR:
            raise StoreError(body.decode("utf-8"))
        if tag == _DONE:
            return int(body)
        table = pa.ipc.open_stream(body).read_all()
        written = target.write_table(table)
        result.copied += written.inserted
        result.already += written.duplicates
        if on_page is not None:
            on_page(result.copied + result.already)


def _start_reader(home: Path, page: int) -> tuple[Connection, BaseProcess]:
    context = multiprocessing.get_context("spawn")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_read_pages, args=(home, page, writer), daemon=True)
    child.start()
    writer.close()  # the child holds its own end; EOF reaches us if it dies
    return reader, child


def _read_pages(home: Path, page: int, writer: Connection) -> None:
    """In the child: send the embedded store's posts, page by page, then their number."""
    from hubbub.store.embedded import open_store as open_embedded

    try:
        with open_embedded(home) as store:
            total = 0
            for table in store.pages("*", size=page):
                sink = pa.BufferOutputStream()
                with pa.ipc.new_stream(sink, table.schema) as stream:
                    stream.write_table(table)
                writer.send_bytes(_PAGE + sink.getvalue().to_pybytes())
                total += table.num_rows
            writer.send_bytes(_DONE + str(total).encode())
    except HubbubError as exc:
        writer.send_bytes(_ERROR + str(exc).encode("utf-8"))
    except BrokenPipeError:
        pass  # the parent stopped (its error is the one reported)
    finally:
        writer.close()
