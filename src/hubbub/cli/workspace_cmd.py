"""`hubbub init`: create a workspace home with its store and a commented config file."""

from __future__ import annotations

import typer

from hubbub import settings
from hubbub.cli.common import HomeOption, console, home_path, store_for


def register(app: typer.Typer) -> None:
    app.command("init")(init)


def init(home: HomeOption = None) -> None:
    """Create the workspace home: the embedded store, the raw archive and hubbub.toml."""
    path = home_path(home)
    path.mkdir(parents=True, exist_ok=True)
    config = path / "hubbub.toml"
    if not config.exists():
        lines = ["# Hubbub workspace settings; HUBBUB_<NAME> environment variables override them."]
        for setting in settings.SETTINGS:
            if setting.name == "home":
                continue
            value = settings.toml_value(setting.default)
            lines.append(f"# {setting.help}\n# {setting.name} = {value}")
        config.write_text("\n".join(lines) + "\n", "utf-8")
    with store_for(path) as store:
        count = store.count()
    console.print(f"Workspace ready in [bold]{path}[/] ({count:,} posts stored).")
