"""docs/api.md must not drift from the app: every route is documented (the datasette habit)."""

from __future__ import annotations

import re
from pathlib import Path

from hubbub.api.app import create_app

DOC = (Path(__file__).parents[2] / "docs" / "api.md").read_text("utf-8")


def test_every_route_is_in_docs_api_md(tmp_path):
    paths = create_app(tmp_path).openapi()["paths"]
    for path, item in paths.items():
        for method in item:
            pattern = rf"`{method.upper()} {re.escape(path)}[`\[?]"
            assert re.search(pattern, DOC), f"{method.upper()} {path}"
