"""The `hubbub` command. Each command group lives in its own module; this one wires them.

Every HubbubError becomes one line on stderr and exit code 2; a stack trace is a bug.
"""

from __future__ import annotations

import sys

import typer

from hubbub.cli import (
    alert_cmd,
    analytics_cmd,
    archive_cmd,
    backup_cmd,
    data_cmd,
    demo_cmd,
    enrich_cmd,
    import_cmd,
    migrate_cmd,
    replay_cmd,
    serve_cmd,
    source_cmd,
    token_cmd,
    topic_cmd,
    user_cmd,
    worker_cmd,
    workspace_cmd,
)
from hubbub.cli.query_cmd import query_app
from hubbub.errors import HubbubError, QueryError
from hubbub.logs import install as install_redaction
from hubbub.logs import redact

app = typer.Typer(
    name="hubbub",
    help="Hubbub: social listening and consumer insight, in English and Chinese.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
workspace_cmd.register(app)
import_cmd.register(app)
data_cmd.register(app)
demo_cmd.register(app)
enrich_cmd.register(app)
topic_cmd.register(app)
token_cmd.register(app)
user_cmd.register(app)
serve_cmd.register(app)
analytics_cmd.register(app)
source_cmd.register(app)
alert_cmd.register(app)
replay_cmd.register(app)
backup_cmd.register(app)
archive_cmd.register(app)
worker_cmd.register(app)
migrate_cmd.register(app)

app.add_typer(query_app, name="query", help="Check, explain and lint boolean queries.")


def run() -> None:
    """Console entry point."""
    install_redaction()  # no secret in any log line (hubbub.logs)
    try:
        app()
    except QueryError as exc:
        # The query, a caret under the offending part, the message and a hint.
        print(exc.render(exc.query) if exc.query else f"hubbub: {exc}", file=sys.stderr)
        sys.exit(2)
    except HubbubError as exc:
        print(f"hubbub: {redact(str(exc))}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("hubbub: interrupted; whatever was stored before stays stored", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    run()
