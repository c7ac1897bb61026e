"""Nothing from ../shared/data (public labelled datasets) may be committed: fixtures are our own.

Compares the tracked text files (test fixtures, gazetteers, model cards, code) with the shared
datasets in shingles: every run of 8 words, and of 12 Han characters, of a dataset's lines. A
post copied whole, cut down, or pasted into a longer fixture shares such a run; two texts
written apart almost never do. The datasets' own documentation (README, SOURCE) is not data.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
SHARED = REPO.parent / "shared" / "data"
WORDS = 8
HAN = 12
_DOCS = re.compile(r"^(readme|source)\b", re.IGNORECASE)


def shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    out = {" ".join(words[i : i + WORDS]) for i in range(len(words) - WORDS + 1)}
    han = re.sub(r"[^\u4e00-\u9fff]", "", text)
    out.update(han[i : i + HAN] for i in range(len(han) - HAN + 1))
    return out


def _shared_shingles() -> dict[str, str]:
    found: dict[str, str] = {}
    for root, _, files in os.walk(SHARED):
        for name in files:
            path = Path(root) / name
            if _DOCS.match(name) or path.stat().st_size > 300_000_000:
                continue
            with open(path, encoding="utf-8", errors="ignore") as handle:
                for line in handle:
                    for shingle in shingles(line):
                        found.setdefault(shingle, str(path.relative_to(SHARED)))
    return found


def test_shingles_find_a_post_pasted_into_a_longer_text() -> None:
    post = "the battery on this phone died after two hours of light use"
    assert shingles(post) & shingles(f'{{"text": "lol {post}!!"}}')
    assert not shingles(post) & shingles("the battery on this phone lasts two full days of use")
    assert shingles("极光手机发布会今天晚上八点开始直播") & shingles(
        "转发：极光手机发布会今天晚上八点开始"
    )


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside this checkout")
def test_no_tracked_file_carries_text_of_the_shared_datasets() -> None:
    shared = _shared_shingles()
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    found = []
    for name in tracked:
        if name.endswith(".npz"):
            continue  # trained weights: numbers, no text
        text = (REPO / name).read_text("utf-8", errors="ignore")
        for line in text.splitlines():
            for shingle in sorted(shingles(line) & shared.keys())[:1]:
                found.append(f"{name}: {shingle!r} (in {shared[shingle]})")
    assert not found, "text copied from ../shared/data:\n" + "\n".join(found[:20])
