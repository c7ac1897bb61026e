"""`hubbub source add|list|run|rm`: live sources (connectors), their cursors and health.

Sources are `[sources.<name>]` tables in the workspace's hubbub.toml; their cursors and health
live in `<home>/connectors/<name>.json`. `run` collects what is new since each source's cursor
into the store, through the same import machinery as `hubbub import` (raw archive, enrichment,
idempotent writes).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import orjson
import typer
from rich.table import Table

from hubbub import settings
from hubbub.cli.common import (
    EnrichOption,
    HomeOption,
    enrichers_setting,
    home_path,
    out,
    parse_day,
    store_for,
)
from hubbub.cli.render import plain
from hubbub.connectors.base import SourceConfig
from hubbub.connectors.cursors import StateStore, parse_iso
from hubbub.connectors.importers.pipeline import Importer
from hubbub.connectors.preview import preview
from hubbub.connectors.run import RunResult, run_once
from hubbub.connectors.sources import (
    TYPES,
    add_source,
    get_source,
    health_report,
    load_sources,
    make_connector,
    remove_source,
)
from hubbub.errors import ConfigError

source_app = typer.Typer(no_args_is_help=True, add_completion=False)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def register(app: typer.Typer) -> None:
    app.add_typer(
        source_app, name="source", help="Live sources: add, list (with health), test, run, rm."
    )


@source_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A name for the source: letters, digits, - and _.")],
    type: Annotated[str, typer.Option("--type", "-t", help=f"One of: {', '.join(TYPES)}.")],
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Search terms; Mastodon: '#tag'.")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="The feed URL (rss).")] = None,
    instance: Annotated[
        list[str] | None,
        typer.Option("--instance", "-i", help="A Mastodon server, e.g. mastodon.social (repeat)."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Override the API base URL (proxy, tests).")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Connector option KEY=VALUE, e.g. tags=story (repeat)."),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Add a source to hubbub.toml (nothing is fetched until `hubbub source run`)."""
    path = home_path(home)
    options = _options(set_ or [])
    # `--set base_url=...` reads as naturally as `--base-url ...`: take it as the same setting
    # rather than keep it as an option no connector reads (and then call the public API).
    query = _field_option(options, "query", query)
    url = _field_option(options, "url", url)
    base_url = _field_option(options, "base_url", base_url)
    instances = list(instance or [])
    listed = _field_option(options, "instances", ",".join(instances) or None)
    config = SourceConfig(
        name=name,
        type=type,
        query=query,
        url=url,
        instances=[i.strip() for i in (listed or "").split(",") if i.strip()],
        base_url=base_url,
        options=options,
    )
    make_connector(config).close()  # checks the type and the settings before saving
    written = add_source(path, config)
    out.print(f"Added source {name!r} ({type}) to {written}. Collect: hubbub source run {name}")


@source_app.command("list")
def list_sources(as_json: JsonOption = False, home: HomeOption = None) -> None:
    """Every source with its health: last success, items/hour, lag, last error."""
    now = datetime.now(UTC)
    rows = health_report(home_path(home), now)
    if as_json:
        out.print(orjson.dumps(rows).decode(), highlight=False)
        return
    if not rows:
        out.print("No sources yet. Add one with: hubbub source add NAME --type hackernews -q WORDS")
        return
    table = Table("source", "type", "status", "last success", "items/h", "lag", "total", "error")
    for row in rows:
        table.add_row(
            plain(row["name"]),
            row["type"],
            row["status"],
            _ago(row["last_success_at"], now),
            "-" if row["items_per_hour"] is None else f"{row['items_per_hour']:g}",
            _duration(row["lag_seconds"]),
            f"{row['items_total']:,}",
            plain((row["last_error"] or "")[:80]),
        )
    out.print(table)


@source_app.command("run")
def run(
    name: Annotated[str | None, typer.Argument(help="The source to run.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Run every source in turn.")] = False,
    backfill_since: Annotated[
        str | None,
        typer.Option("--backfill-since", help="Also collect back to this day (YYYY-MM-DD)."),
    ] = None,
    once: Annotated[
        bool,
        typer.Option(
            "--once",
            help="Streaming sources: listen for the source's `duration` (default 60 s) or "
            "`max_items`, then stop. Without it they listen until Ctrl-C.",
        ),
    ] = False,
    enrich: EnrichOption = True,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Collect what is new since each source's cursor (once; schedule it to run continuously)."""
    path = home_path(home)
    if all_ == (name is not None):
        raise ConfigError("name one source, or pass --all")
    configs = list(load_sources(path).values()) if all_ else [get_source(path, name or "")]
    since = parse_day(backfill_since, "--backfill-since")
    states = StateStore(path)
    results: list[RunResult] = []
    with (
        store_for(path) as store,
        Importer(
            store,
            path,
            archive=bool(settings.get("archive_raw", path)),
            enrichers=enrichers_setting(path, enrich),
        ) as importer,
    ):
        for config in configs:
            with make_connector(config) as connector:
                if getattr(connector, "streaming", False):
                    connector.once = once  # type: ignore[attr-defined]
                result = run_once(connector, importer, states, since=since)
            results.append(result)
            if not as_json:
                out.print(_line(result))
    if as_json:
        out.print(orjson.dumps([r.to_dict() for r in results]).decode(), highlight=False)
    if any(not r.ok for r in results):
        raise typer.Exit(1)


@source_app.command("test")
def test(
    name: Annotated[str, typer.Argument(help="The source to try.")],
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """One request (streams: a short read): print the posts a run would collect. Stores nothing
    and leaves the cursor where it is."""
    path = home_path(home)
    config = get_source(path, name)
    cursor = StateStore(path).load(name).cursor
    with make_connector(config) as connector:
        result = preview(connector, cursor)
    if as_json:
        out.print(orjson.dumps(result.to_dict()).decode(), highlight=False)
        return
    table = Table()
    # Narrow terminals: the short columns stay whole, ids and authors are cut, text wraps.
    table.add_column("platform", no_wrap=True, min_width=8)
    table.add_column("id", overflow="ellipsis", no_wrap=True, max_width=24)
    table.add_column("created_at (UTC)", no_wrap=True, min_width=16)
    table.add_column("author", overflow="ellipsis", no_wrap=True, max_width=16)
    table.add_column("text", min_width=24, ratio=1)
    for row in result.rows():
        when = row["created_at"][:16].replace("T", " ")  # to the minute; --json has it all
        cells = (row["platform"], row["id"], when, row["author"] or "", row["text"])
        table.add_row(*(plain(cell) for cell in cells))
    if result.posts:
        out.print(table)
    out.print(
        f"{name}: a run would collect {len(result.posts):,} posts from {result.fetched:,} items "
        f"({len(result.rejected):,} rejected, {result.skipped:,} not posts; "
        f"{result.requests} requests). Nothing was stored; the store skips posts it holds."
    )
    for reason in result.rejected[:5]:
        out.print(plain(f"  rejected: {reason[:160]}"))


@source_app.command("rm")
def rm(
    name: Annotated[str, typer.Argument(help="The source to remove.")],
    home: HomeOption = None,
) -> None:
    """Remove a source and its cursor; what it collected stays in the store."""
    path = home_path(home)
    remove_source(path, name)
    StateStore(path).remove(name)
    out.print(f"Removed source {name!r}.")


def _line(result: RunResult) -> str:
    line = (
        f"{result.source}: {result.stored:,} new, {result.duplicates:,} already stored, "
        f"{result.rejected:,} rejected from {result.fetched:,} items "
        f"({result.requests} requests, {result.seconds:.1f} s)"
    )
    if result.rejects_file:
        line += f"; rejects in {result.rejects_file}"
    if result.error:
        advice = "will retry next run" if result.error_kind == "transient" else "fix and re-run"
        line += f"\n  {result.error_kind} error ({advice}): {result.error}"
    return line


def _options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set {pair!r} must be KEY=VALUE")
        options[key.strip()] = value
    return options


def _field_option(options: dict[str, str], key: str, given: str | None) -> str | None:
    """A source setting given as `--set key=value` instead of its own flag."""
    if key not in options:
        return given
    value = options.pop(key)
    flag = "--instance" if key == "instances" else f"--{key.replace('_', '-')}"
    if given is not None and given != value:
        raise ConfigError(f"{key} is given twice ({flag} and --set {key}=); keep one")
    return value or None


def _ago(when: str | None, now: datetime) -> str:
    if not when:
        return "never"
    return _duration((now - parse_iso(when)).total_seconds()) + " ago"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"
