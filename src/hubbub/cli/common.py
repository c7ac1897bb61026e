"""Options and helpers shared by the command modules."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hubbub import settings
from hubbub.errors import ConfigError
from hubbub.net import outbound
from hubbub.store import EmbeddedStore, open_store

console = Console(stderr=True)
out = Console(soft_wrap=True)

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Workspace home (default: $HUBBUB_HOME or ~/.hubbub).",
        show_default=False,
    ),
]


EnrichOption = Annotated[
    bool,
    typer.Option(
        "--enrich/--no-enrich",
        help="Run the enrichers (setting `enrichers`) on new posts.",
    ),
]


def enrichers_setting(home: Path, enrich: bool) -> tuple[str, ...]:
    """The enrichers to run on new posts: the `enrichers` setting, or none with --no-enrich."""
    if not enrich:
        return ()
    value = str(settings.get("enrichers", home))
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    from hubbub.enrich.registry import build

    build(list(names))  # fail early, with the list of valid names, on a typo
    return names


def progress_bar(label: str, unit: str, quiet: bool = False) -> Progress:
    """The Rich progress bar every long command shows on stderr (hidden when not a terminal)."""
    return Progress(
        TextColumn(f"[bold]{label}[/]" + " {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
    )


def home_path(home: Path | None) -> Path:
    path = settings.resolve_home(home)
    outbound.use_home(path)  # the home's allow_private_urls governs this run's requests
    return path


def store_for(home: Path | None) -> EmbeddedStore:
    """Open the embedded store of the workspace (creating it on first use)."""
    path = home_path(home)
    path.mkdir(parents=True, exist_ok=True)
    store = open_store(path)
    sync_slices_of(store, path)
    return store


def sync_slices_of(store: Any, path: Path) -> None:
    """Bring the store's topic slices in step with the home's topics (hubbub.store.slices);
    a failure leaves figures unsliced (slower, same numbers) and is reported, not raised."""
    from hubbub.errors import StoreError
    from hubbub.store.slices import sync_home

    try:
        sync_home(store, path)
    except StoreError as exc:
        console.print(f"[yellow]topic slices not updated[/]: {exc}")


# The store keeps times as DateTime64(3, 'UTC'), which holds 1900-01-01 through 2299-12-31.
EARLIEST_DAY = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_DAY = datetime(2300, 1, 1, tzinfo=UTC)  # exclusive


def parse_day(value: str | None, option: str) -> datetime | None:
    """`2026-10-01` or a full ISO-8601 time, as an aware UTC datetime within the store's range."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date: use YYYY-MM-DD or ISO-8601") from None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        inside = EARLIEST_DAY <= parsed < LATEST_DAY
    except OverflowError:  # pragma: no cover - offsets at the edges of datetime's range
        inside = False
    if not inside:
        raise ConfigError(
            f"{option} {value!r} is outside the dates the store holds (1900-01-01 to 2299-12-31)"
        )
    return parsed


def check_window(
    since: datetime | None,
    until: datetime | None,
    since_option: str = "--since",
    until_option: str = "--until",
) -> None:
    """Refuse an empty time window: `since` must come before `until` (`until` is exclusive)."""
    if since is not None and until is not None and since >= until:
        raise ConfigError(
            f"{since_option} {since.isoformat()} is not before {until_option} "
            f"{until.isoformat()}: the window is empty ({until_option} is exclusive)"
        )
