"""Shared fuzzing settings: a few examples per target in the normal suite, >= 10,000 in the slow lane.

Each target is written once and turned into two tests by `lanes`: `test_x` (fast, derandomized
so the normal suite is deterministic) and `test_x_10k`, marked slow and run only when
HUBBUB_FUZZ_EXAMPLES is set (it is the example count), so a plain `pytest` stays bounded:

    HUBBUB_FUZZ_EXAMPLES=10000 python3 -m pytest -m slow tests/reliability    # the fuzz lane
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SLOW_EXAMPLES = int(os.environ.get("HUBBUB_FUZZ_EXAMPLES") or 0)
_LANE_OFF = pytest.mark.skipif(
    SLOW_EXAMPLES <= 0, reason="the fuzz lane: set HUBBUB_FUZZ_EXAMPLES=10000 to run it"
)
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def lanes(
    fast: int, **strategies: st.SearchStrategy[Any]
) -> Callable[[Callable[..., None]], tuple[Callable[..., None], Callable[..., None]]]:
    """Decorate a check into (fast test, slow test) over the same strategies."""

    def make(check: Callable[..., None]) -> tuple[Callable[..., None], Callable[..., None]]:
        quick = settings(
            max_examples=fast, deadline=None, derandomize=True, suppress_health_check=_QUIET
        )(given(**strategies)(check))
        thorough = settings(
            max_examples=max(SLOW_EXAMPLES, 1), deadline=None, suppress_health_check=_QUIET
        )(given(**strategies)(check))
        return quick, _LANE_OFF(pytest.mark.slow(thorough))

    return make


@cache
def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any JSON value, with the awkward ones: huge integers, long strings, deep nesting.

    Built once per size: hypothesis caches what it learns about a strategy (emptiness,
    validation) on the object, so a strategy rebuilt inside a test costs more than the test
    itself (it was ~70% of the slow lane's time)."""
    leaves = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**70), max_value=2**70)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=40)
        | st.sampled_from(["", " ", "2024-13-45T99:00:00Z", "1e999", "\u202e", "\x00", "null"])
    )
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


def one_line(message: str) -> bool:
    return bool(message.strip()) and "\n" not in message and "Traceback" not in message
