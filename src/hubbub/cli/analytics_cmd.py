"""`hubbub volume|sov|sentiment|top|authors|compare|emerging|breakdown|posts`: the analyses.

Each takes a topic name or a boolean query (a topic of that name wins; --as-query forces the
query), the usual filters, and --json for the result's `to_dict()`. They run through the SDK,
so they work in-process or through a running `hubbub serve` alike, with the same numbers.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from hubbub.cli.api_client import (
    JsonOption,
    WorkspaceOption,
    client,
    one_line_query_errors,
    print_json,
)
from hubbub.cli.common import HomeOption, console, out
from hubbub.cli.render import plain
from hubbub.topics import DEFAULT_WORKSPACE

TargetArg = Annotated[str, typer.Argument(help="A topic's name, or a boolean query.")]
AsQuery = Annotated[
    bool, typer.Option("--as-query", help="Read the argument as a query even if a topic has it.")
]
Since = Annotated[str | None, typer.Option("--since", help="From this day (UTC), inclusive.")]
Until = Annotated[str | None, typer.Option("--until", help="Until this day (UTC), exclusive.")]
Platform = Annotated[list[str] | None, typer.Option("--platform", help="Only these (repeat).")]
Lang = Annotated[list[str] | None, typer.Option("--lang", help="Only these languages.")]
Country = Annotated[list[str] | None, typer.Option("--country", help="Only these countries.")]
SentimentF = Annotated[
    list[str] | None, typer.Option("--sentiment", help="positive, neutral, negative, unknown.")
]
Interval = Annotated[str | None, typer.Option("--interval", help="auto, hour, day or week.")]
Tz = Annotated[str | None, typer.Option("--tz", help="Time zone of buckets, e.g. Asia/Shanghai.")]
Limit = Annotated[int | None, typer.Option("--limit", min=1)]


def register(app: typer.Typer) -> None:
    for name, function in (
        ("volume", volume),
        ("sov", sov),
        ("sentiment", sentiment),
        ("top", top),
        ("authors", authors),
        ("compare", compare),
        ("emerging", emerging),
        ("breakdown", breakdown),
        ("posts", posts),
    ):
        app.command(name, rich_help_panel="Analytics")(function)


def _run(
    method: str,
    target: str,
    as_query: bool,
    workspace: str,
    home: Any,
    filters: dict[str, Any],
    options: dict[str, Any],
) -> Any:
    scope = {k: v for k, v in filters.items() if v}
    with client(home, workspace) as sdk:
        if as_query or target.strip().lower() not in {t.name.lower() for t in sdk.topics()}:
            scope["q"] = target
            topic = None
        else:
            topic = target
        call = getattr(sdk, method)
        return one_line_query_errors(lambda: call(topic, **scope, **options))


def _filters(
    since: str | None,
    until: str | None,
    platform: list[str] | None,
    lang: list[str] | None,
    country: list[str] | None,
    sentiment: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "since": since,
        "until": until,
        "platforms": platform,
        "langs": lang,
        "countries": country,
        "sentiments": sentiment,
    }


def volume(
    target: TargetArg,
    interval: Interval = None,
    split_by: Annotated[
        str | None, typer.Option("--split-by", help="platform, lang or sentiment.")
    ] = None,
    tz: Tz = None,
    since: Since = None,
    until: Until = None,
    platform: Platform = None,
    lang: Lang = None,
    country: Country = None,
    sentiment: SentimentF = None,
    as_query: AsQuery = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Posts per hour, day or week (empty buckets shown)."""
    f = _filters(since, until, platform, lang, country, sentiment)
    options = {"interval": interval, "split_by": split_by, "tz": tz}
    _print(_run("volume", target, as_query, workspace, home, f, options), as_json)


def sov(
    topics: Annotated[
        list[str] | None, typer.Argument(help="Topics to compare (or use --group).")
    ] = None,
    group: Annotated[str | None, typer.Option("--group", "-g", help="Every topic of it.")] = None,
    metric: Annotated[str | None, typer.Option("--metric", help="mentions or engagement.")] = None,
    interval: Interval = None,
    tz: Tz = None,
    since: Since = None,
    until: Until = None,
    platform: Platform = None,
    lang: Lang = None,
    country: Country = None,
    sentiment: SentimentF = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Share of voice between topics (e.g. your brand and its competitors)."""
    f = {k: v for k, v in _filters(since, until, platform, lang, country, sentiment).items() if v}
    with client(home, workspace) as sdk:
        result = sdk.share_of_voice(
            topics or (), group=group, metric=metric, interval=interval, tz=tz, **f
        )
    _print(result, as_json)


def sentiment(
    target: TargetArg,
    interval: Interval = None,
    tz: Tz = None,
    since: Since = None,
    until: Until = None,
    platform: Platform = None,
    lang: Lang = None,
    country: Country = None,
    as_query: AsQuery = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Posts by sentiment and net sentiment, overall or over time."""
    f = _filters(since, until, platform, lang, country)
    options = {"interval": interval, "tz": tz}
    _print(_run("sentiment", target, as_query, workspace, home, f, options), as_json)


def top(
    target: TargetArg,
    kind: Annotated[
        str | None, typer.Option("--kind", help="hashtags, terms, phrases, mentions, …")
    ] = None,
    limit: Limit = None,
    trend: Annotated[
        bool | None, typer.Option("--trend/--no-trend", help="Compare with the period before.")
    ] = None,
    since: Since = None,
    until: Until = None,
    platform: Platform = None,
    lang: Lang = None,
    country: Country = None,
    sentiment: SentimentF = None,
    as_query: AsQuery = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """The most frequent hashtags, terms, phrases, mentions, emoji, domains or entities."""
    f = _filters(since, until, platform, lang, country, sentiment)
    options = {"kind": kind, "limit": limit, "trend": trend}
    _print(_run("top", target, as_query, workspace, home, f, options), as_json)


def authors(
    target: TargetArg,
    sort: Annotated[
        str | None, typer.Option("--sort", help="influence, posts or engagement.")
    ] = None,
    limit: Limit = None,
    since: Since = None,
    until: Until = None,
    platform: Platform = None,
    lang: Lang = None,
    country: Country = None,
    sentiment: SentimentF = None,
    as_query: AsQuery = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Key opinion leaders: who drives the conversation."""
    f = _filters(since, until, platform, lang, country, sentiment)
    options = {"sort": sort, "limit": limit}
    _print(_run("authors", target, as_query, workspace, home, f, options), as_json)


def compare(
    target: TargetArg,
    since: Since = None,
    until: Until = None,
    platform: Platform = None,
    lang: Lang = None,
    country: Country = None,
    sentiment: SentimentF = None,
    as_query: AsQuery = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """This period against the one just before it (needs --since)."""
    f = _filters(since, until, platform, lang, country, sentiment)
    _print(_run("compare", target, as_query, workspace, home, f, {}), as_json)


def emerging(
    target: TargetArg,
    baseline_days: Annotated[int | None, typer.Option("--baseline-days", min=1)] = None,
    min_count: Annotated[int | None, typer.Option("--min-count", min=1)] = None,
    limit: Limit = None,
    since: Since = None,
    until: Until = None,
    platform: Platform = None,
    lang: Lang = None,
    country: Country = None,
    sentiment: SentimentF = None,
    as_query: AsQuery = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Terms rising against the baseline before the window."""
    f = _filters(since, until, platform, lang, country, sentiment)
    options = {"baseline_days": baseline_days, "min_count": min_count, "limit": limit}
    _print(_run("emerging", target, as_query, workspace, home, f, options), as_json)


def breakdown(
    target: TargetArg,
    by: Annotated[str | None, typer.Option("--by", help="platform, lang, country, …")] = None,
    since: Since = None,
    until: Until = None,
    platform: Platform = None,
    lang: Lang = None,
    country: Country = None,
    sentiment: SentimentF = None,
    as_query: AsQuery = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Posts per platform, language, country, sentiment or another dimension."""
    f = _filters(since, until, platform, lang, country, sentiment)
    _print(_run("breakdown", target, as_query, workspace, home, f, {"by": by}), as_json)


def posts(
    target: TargetArg,
    order: Annotated[str | None, typer.Option("--order", help="newest or engagement.")] = None,
    limit: Limit = None,
    cursor: Annotated[
        str | None, typer.Option("--cursor", help="The previous page's next cursor.")
    ] = None,
    bucket: Annotated[
        str | None, typer.Option("--bucket", help='A chart bucket, e.g. \'{"platform":"weibo"}\'.')
    ] = None,
    since: Since = None,
    until: Until = None,
    platform: Platform = None,
    lang: Lang = None,
    country: Country = None,
    sentiment: SentimentF = None,
    as_query: AsQuery = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """A page of the posts behind a figure; --cursor pages on."""
    from hubbub.api.service import parse_bucket

    f = _filters(since, until, platform, lang, country, sentiment)
    options = {"order": order, "limit": limit, "cursor": cursor, "bucket": parse_bucket(bucket)}
    page = _run("posts", target, as_query, workspace, home, f, options)
    _print(page, as_json)
    if not as_json and page.next_cursor:
        console.print(f"More: --cursor {page.next_cursor}")


# ---- output ----------------------------------------------------------------------------------


def _print(result: Any, as_json: bool) -> None:
    data = result.to_dict()
    if as_json:
        print_json(data)
        return
    tables = {k: v for k, v in data.items() if isinstance(v, list) and v and isinstance(v[0], dict)}
    for key, value in data.items():
        if key in tables or value is None or value == [] or value == {}:
            continue
        if isinstance(value, dict):
            shown = ", ".join(f"{k} {_cell(v)}" for k, v in value.items())
        else:
            shown = _cell(value)
        out.print(f"{key}: {shown}", highlight=False, markup=False)
    for key, rows in tables.items():
        table = Table(title=key, title_justify="left")
        columns = list(rows[0])
        for column in columns:
            table.add_column(column, overflow="fold", max_width=60 if column == "text" else None)
        for row in rows:
            table.add_row(*(plain(_cell(row.get(c))) for c in columns))
        out.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    text = str(value)
    return " ".join(text.split())[:200] if "\n" in text or len(text) > 200 else text
