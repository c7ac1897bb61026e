"""`hubbub demo`: build a realistic, deterministic demo workspace and show what is in it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table

from hubbub.cli.common import (
    EnrichOption,
    HomeOption,
    console,
    enrichers_setting,
    home_path,
    out,
    progress_bar,
    store_for,
    sync_slices_of,
)
from hubbub.cli.render import plain
from hubbub.connectors.importers.detect import get_format
from hubbub.connectors.importers.pipeline import Importer
from hubbub.query import where_clause
from hubbub.store.embedded import POSTS

BATCH = 20_000


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    posts: Annotated[
        int, typer.Option("--posts", min=100, help="How many posts to generate.")
    ] = 200_000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same posts.")] = 42,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Build the workspace and print a summary only.")
    ] = False,
    enrich: EnrichOption = True,
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port for the dashboard.")
    ] = 8420,
    home: HomeOption = None,
) -> None:
    """Generate ~30 days of multilingual conversation with planted stories, store it, and
    serve the dashboard (unless --no-serve)."""
    from hubbub.demo import generate

    started = time.perf_counter()
    path = home_path(home)
    with store_for(path) as store:
        progress = progress_bar("building demo", "posts")
        # The demo goes through the import pipeline as Hubbub NDJSON, so it is built on both
        # cores and enriched exactly as imported data is. No raw archive: the seed regenerates it.
        with (
            progress,
            Importer(
                store, path, archive=False, enrichers=enrichers_setting(path, enrich)
            ) as importer,
        ):
            task = progress.add_task("", total=posts)
            importer.on_progress = lambda n: progress.advance(task, n)
            units = (
                (i, orjson.dumps(post.to_dict()))
                for i, post in enumerate(generate(posts=posts, seed=seed), 1)
            )
            importer.import_units(get_format("hubbub"), units, "demo", size=posts * 1000)
        summary = importer.summary
        seconds = time.perf_counter() - started
        out.print(
            f"Demo workspace in [bold]{store.home}[/]: {summary.imported:,} posts stored, "
            f"{summary.duplicates:,} already there, in {seconds:.1f} s."
        )
        _print_summary(store)
        from hubbub.topics.demo import load_demo_topics

        added = load_demo_topics(path)
        sync_slices_of(store, path)  # the topics' slices, so their dashboards read only them
    if added:
        out.print("Demo topics: " + ", ".join(t.name for t in added) + " (`hubbub topic list`).")
    if not no_serve:
        _serve_dashboard(path, port)


def _serve_dashboard(path: Path, port: int) -> None:
    """Serve the demo's dashboard; sign-in uses the server's local token, which lives only as
    long as the server (no lasting credential is created for a demo)."""
    from hubbub.cli.serve_cmd import serve_home

    def announce(url: str, local_token: str) -> None:
        console.print(
            f"\nDashboard: [bold]{url}/[/]\nSign in with this token (valid while this server "
            f"runs):\n  {local_token}\nEvery story above is a click away in both English and "
            "中文. Ctrl-C stops the server."
        )

    serve_home(path, "127.0.0.1", port, announce)


def _print_summary(store) -> None:  # type: ignore[no-untyped-def]
    from hubbub.demo import STORIES

    by_platform = store.rows(
        f"SELECT platform, count() AS n FROM {POSTS} GROUP BY platform ORDER BY n DESC"
    )
    by_lang = store.rows(
        f"SELECT ifNull(lang, 'unknown') AS lang, count() AS n FROM {POSTS} "
        "GROUP BY lang ORDER BY n DESC"
    )
    out.print("Platforms: " + ", ".join(f"{r['platform']} {int(r['n']):,}" for r in by_platform))
    out.print("Languages: " + ", ".join(f"{r['lang']} {int(r['n']):,}" for r in by_lang))
    table = Table(
        title="Planted stories: try them with hubbub search / stats", title_justify="left"
    )
    for column in ("story", "when (UTC)", "query", "posts"):
        table.add_column(column, overflow="fold")
    for story in STORIES:
        condition = where_clause(story.query, story.start, story.end)
        where, params = condition.where, condition.params
        count = int(store.scalar(f"SELECT count() AS n FROM {POSTS} WHERE {where}", params) or 0)
        when = f"{story.start:%Y-%m-%d %H:%M} → {story.end:%Y-%m-%d %H:%M}"
        table.add_row(plain(story.name), when, plain(story.query), f"{count:,}")
    out.print(table)
