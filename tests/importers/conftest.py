"""Helpers for importer tests: run a format over a fixture as the pipeline would, minus the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hubbub.connectors.importers.base import ImportFormat
from hubbub.connectors.importers.detect import open_stream
from hubbub.errors import HubbubError
from hubbub.models import Post

DATA = Path(__file__).parent.parent / "data" / "importers"


@dataclass
class Outcome:
    posts: list[Post] = field(default_factory=list)
    rejects: list[tuple[int, str]] = field(default_factory=list)
    skipped: int = 0

    def by_id(self) -> dict[str, Post]:
        return {p.platform_id: p for p in self.posts}


def run_format(fmt: ImportFormat, path: Path) -> Outcome:
    """Units → parse → map → validate, collecting rejects by line like the pipeline does."""
    out = Outcome()
    with open_stream(path) as stream:
        for line, unit in fmt.units(stream):
            try:
                items = fmt.parse(unit)
            except (HubbubError, ValueError) as exc:
                out.rejects.append((line, str(exc)))
                continue
            for item in items:
                try:
                    post = fmt.map(item)
                    if post is None:
                        out.skipped += 1
                        continue
                    post.validate()
                except (HubbubError, ValueError) as exc:
                    out.rejects.append((line, str(exc)))
                    continue
                out.posts.append(post)
    return out


@pytest.fixture
def data_dir() -> Path:
    return DATA
