"""Nothing from ../shared/data (public labelled datasets) may be committed: fixtures are our own.

Compares every line of 40+ characters in the tracked text files (test fixtures, gazetteers,
model cards, code) with the lines and tab/comma-separated fields of the shared datasets.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
SHARED = REPO.parent / "shared" / "data"
MIN_CHARS = 40


def _shared_snippets() -> set[str]:
    snippets: set[str] = set()
    for root, _, files in os.walk(SHARED):
        for name in files:
            path = Path(root) / name
            if path.stat().st_size > 300_000_000:
                continue
            with open(path, encoding="utf-8", errors="ignore") as handle:
                for line in handle:
                    line = line.strip()
                    if len(line) < MIN_CHARS:
                        continue
                    snippets.add(line)
                    for field in re.split(r"\t|,(?=\S)", line):
                        field = field.strip().strip('"')
                        if len(field) >= MIN_CHARS:
                            snippets.add(field)
    return snippets


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside this checkout")
def test_no_tracked_file_carries_lines_of_the_shared_datasets():
    snippets = _shared_snippets()
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    found = []
    for name in tracked:
        if name.endswith(".npz"):
            continue  # trained weights: numbers, no text
        text = (REPO / name).read_text("utf-8", errors="ignore")
        for line in text.splitlines():
            line = line.strip().strip('",')
            if len(line) >= MIN_CHARS and line in snippets:
                found.append(f"{name}: {line[:60]}")
    assert not found, "lines copied from ../shared/data:\n" + "\n".join(found[:20])
