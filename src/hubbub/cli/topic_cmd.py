"""`hubbub topic add|list|show|edit|rm|history|revert`: a workspace's saved queries.

Topics live in `<home>/meta.sqlite3`, not in the store, so these commands work (and are safe)
while `hubbub serve` or an import holds the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from hubbub.cli.api_client import (
    JsonOption,
    WorkspaceOption,
    one_line_query_errors,
    print_json,
    who,
)
from hubbub.cli.common import HomeOption, console, home_path, out, store_for
from hubbub.cli.render import plain
from hubbub.errors import StoreLocked
from hubbub.topics import DEFAULT_WORKSPACE, Topic, TopicStore, TopicVersion, make_filters

topic_app = typer.Typer(no_args_is_help=True, add_completion=False)

NameArg = Annotated[str, typer.Argument(help="The topic's name (quote names with spaces).")]
GroupOption = Annotated[
    str | None, typer.Option("--group", "-g", help="e.g. brand, competitor, product, issue.")
]
DescriptionOption = Annotated[str | None, typer.Option("--description", "-d")]
PlatformOption = Annotated[
    list[str] | None, typer.Option("--platform", help="Only these platforms (repeat).")
]
LangOption = Annotated[list[str] | None, typer.Option("--lang", help="Only these languages.")]
CountryOption = Annotated[
    list[str] | None, typer.Option("--country", help="Only these ISO countries.")
]
SinceOption = Annotated[str | None, typer.Option("--since", help="From this day (UTC).")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Until this day (exclusive).")]


def register(app: typer.Typer) -> None:
    app.add_typer(topic_app, name="topic", help="Saved boolean queries (topics), versioned.")


@topic_app.command("add")
def add(
    name: NameArg,
    query: Annotated[str, typer.Argument(help="Boolean query, e.g. '(aurora OR 极光) NOT sky'.")],
    group: GroupOption = None,
    description: DescriptionOption = None,
    platform: PlatformOption = None,
    lang: LangOption = None,
    country: CountryOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Save a topic: a name, a boolean query, optional filters and a group."""
    filters = make_filters(platform or (), lang or (), country or (), since, until)
    topic = Topic(name, query, group or "other", description or "", filters)
    with TopicStore(home_path(home)) as topics:
        saved = one_line_query_errors(lambda: topics.add(workspace, topic, who()))
    _sync_slices(home)
    _show(saved, as_json, f"Saved topic [bold]{saved.name}[/] (version {saved.version}).")


@topic_app.command("list")
def list_topics(
    group: GroupOption = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """The workspace's topics."""
    with TopicStore(home_path(home)) as topics:
        found = topics.list(workspace, group)
    if as_json:
        print_json({"topics": [t.to_dict() for t in found]})
        return
    if not found:
        console.print(f"No topics in workspace {workspace!r}; add one with `hubbub topic add`.")
        return
    table = Table()
    for column in ("name", "group", "version", "query"):
        table.add_column(column, overflow="fold")
    for topic in found:
        table.add_row(plain(topic.name), plain(topic.group), str(topic.version), plain(topic.query))
    out.print(table)


@topic_app.command("show")
def show(
    name: NameArg,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """One topic: its query, filters, group and version."""
    with TopicStore(home_path(home)) as topics:
        _show(topics.get(workspace, name), as_json)


@topic_app.command("edit")
def edit(
    name: NameArg,
    new_name: Annotated[str | None, typer.Option("--name", help="Rename the topic.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="A new query.")] = None,
    group: GroupOption = None,
    description: DescriptionOption = None,
    platform: PlatformOption = None,
    lang: LangOption = None,
    country: CountryOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    clear_filters: Annotated[
        bool, typer.Option("--clear-filters", help="Drop every filter first.")
    ] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Change a topic (a new version; `topic revert` undoes it). Filters given replace that
    filter; the others are kept unless --clear-filters."""
    with TopicStore(home_path(home)) as topics:
        current = topics.get(workspace, name)
        old: dict[str, Any] = {} if clear_filters else current.filters.to_dict()
        given = {
            "platforms": platform,
            "languages": lang,
            "countries": country,
            "since": since,
            "until": until,
        }
        merged = {**old, **{k: v for k, v in given.items() if v}}
        filters = make_filters(**merged)
        saved = one_line_query_errors(
            lambda: topics.edit(
                workspace,
                name,
                who(),
                name=new_name,
                query=query,
                group=group,
                description=description,
                filters=filters,
            )
        )
    message = (
        f"Topic [bold]{saved.name}[/] is now version {saved.version}."
        if saved.version != current.version
        else "Nothing changed."
    )
    if saved.query != current.query:
        _sync_slices(home)
    _show(saved, as_json, message)


@topic_app.command("rm")
def remove(
    name: NameArg,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    home: HomeOption = None,
) -> None:
    """Delete a topic; its history stays, and `topic revert` brings it back."""
    with TopicStore(home_path(home)) as topics:
        version = topics.remove(workspace, name, who())
    _sync_slices(home)
    console.print(
        f"Deleted topic [bold]{name}[/] (version {version.version}); undo with "
        f"`hubbub topic revert {name!r} --to {version.version - 1}`."
    )


@topic_app.command("history")
def history(
    name: NameArg,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Every version of a topic: who changed what, and when."""
    with TopicStore(home_path(home)) as topics:
        versions = topics.history(workspace, name)
    if as_json:
        print_json({"versions": [v.to_dict() for v in versions]})
        return
    table = Table()
    for column in ("version", "when (UTC)", "who", "action", "change"):
        table.add_column(column, overflow="fold")
    for version in versions:
        table.add_row(
            str(version.version),
            f"{version.at:%Y-%m-%d %H:%M:%S}",
            plain(version.by),
            version.action + (f" to {version.reverted_to}" if version.reverted_to else ""),
            plain(_change(version)),
        )
    out.print(table)


@topic_app.command("revert")
def revert(
    name: NameArg,
    to: Annotated[int, typer.Option("--to", min=1, help="The version to go back to.")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Make a topic what it was at a version (recorded as a new version)."""
    with TopicStore(home_path(home)) as topics:
        saved = topics.revert(workspace, name, to, who())
    _sync_slices(home)
    _show(
        saved, as_json, f"Topic [bold]{saved.name}[/] is version {to} again (as {saved.version})."
    )


def _sync_slices(home: Path | None) -> None:
    """Build or drop the topic slices now if this process can take the store; else a running
    server's slice keeper, or the next command that opens the store, does it."""
    path = home_path(home)
    if not (path / "store").is_dir():
        return  # no store yet: its first opening builds the slices
    try:
        with store_for(path):
            pass  # opening the store syncs its slices (cli/common.py)
    except StoreLocked:
        pass


def _show(topic: Topic, as_json: bool, message: str = "") -> None:
    if as_json:
        print_json(topic.to_dict())
        return
    if message:
        console.print(message)
    out.print(
        f"{topic.name} ({topic.group}, version {topic.version})", highlight=False, markup=False
    )
    out.print(f"  query: {topic.query}", highlight=False, markup=False)
    if topic.description:
        out.print(f"  description: {topic.description}", highlight=False, markup=False)
    filters = {k: v for k, v in topic.filters.to_dict().items() if v}
    for key, value in filters.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        out.print(f"  {key}: {shown}", highlight=False, markup=False)
    if topic.updated_at is not None:
        out.print(f"  changed {topic.updated_at:%Y-%m-%d %H:%M} UTC by {topic.updated_by}")


def _change(version: TopicVersion) -> str:
    old, new = version.old or {}, version.new or {}
    if not old or not new:
        return (new or old).get("query", "")
    parts = []
    for key in ("name", "query", "group", "description", "filters"):
        if old.get(key) != new.get(key):
            parts.append(f"{key}: {_short(old.get(key))} → {_short(new.get(key))}")
    return "; ".join(parts) or "(no change)"


def _short(value: Any) -> str:
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if v}
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"
