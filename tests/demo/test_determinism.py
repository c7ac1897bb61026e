from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime
from itertools import islice

from hubbub.demo import generate

_DIGEST = """
import hashlib, orjson
from hubbub.demo import generate
h = hashlib.sha256()
for p in generate(posts=3000, seed=7):
    h.update(orjson.dumps(p.to_dict()))
print(h.hexdigest())
"""


def _dicts(**kwargs):  # type: ignore[no-untyped-def]
    return [p.to_dict() for p in generate(**kwargs)]


def test_same_seed_same_posts() -> None:
    assert _dicts(posts=5000, seed=3) == _dicts(posts=5000, seed=3)


def test_different_seed_different_posts() -> None:
    a, b = _dicts(posts=2000, seed=3), _dicts(posts=2000, seed=4)
    assert len(a) == len(b) == 2000
    assert sum(x["text"] == y["text"] for x, y in zip(a, b, strict=True)) < 200


def test_independent_of_hash_randomization() -> None:
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", _DIGEST], env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_streams_lazily() -> None:
    # Taking a few posts from a huge run must not build the whole run first.
    first = list(islice(generate(posts=10_000_000, seed=1), 5))
    assert len(first) == 5


def test_start_and_days_move_the_window() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    posts = list(generate(posts=3000, seed=1, start=start, days=7))
    assert len(posts) == 3000
    assert all(start <= p.created_at < datetime(2025, 1, 8, tzinfo=UTC) for p in posts)
    h = hashlib.sha256(str([p.to_dict() for p in posts[:50]]).encode()).hexdigest()
    assert h  # smoke: small windows still produce posts and stories
