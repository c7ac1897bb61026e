from __future__ import annotations

import pytest

from hubbub.demo import LabeledPost, generate_labeled

N = 20_000


@pytest.fixture(scope="session")
def labeled() -> list[LabeledPost]:
    """One small demo month shared by the demo tests (generation takes well under a second)."""
    return list(generate_labeled(posts=N, seed=42))
