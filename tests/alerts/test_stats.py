"""The detectors' statistics against closed forms."""

from __future__ import annotations

import math

import pytest

from hubbub.alerts.stats import (
    binomial_sf,
    g_squared,
    mad_sigma,
    median,
    negative_binomial_sf,
    poisson_sf,
    score,
)


def test_poisson_tail_closed_forms():
    assert poisson_sf(0, 3.0) == 1.0
    assert poisson_sf(1, 3.0) == pytest.approx(1 - math.exp(-3.0))
    two_or_more = 1 - math.exp(-3.0) * (1 + 3.0)
    assert poisson_sf(2, 3.0) == pytest.approx(two_or_more)
    assert 0 < poisson_sf(200, 20.0) < 1e-80  # far tails stay positive, never 0


def test_negative_binomial_is_wider_than_poisson_and_tends_to_it():
    assert negative_binomial_sf(40, 20.0, 0.1) > poisson_sf(40, 20.0)
    assert negative_binomial_sf(40, 20.0, 1e-12) == pytest.approx(poisson_sf(40, 20.0))
    # r = 1 is the geometric distribution: P(X ≥ k) = (1 - p)^k with p = 1 / (1 + mean)
    assert negative_binomial_sf(3, 4.0, 1.0) == pytest.approx((4 / 5) ** 3)


def test_binomial_tail_closed_forms():
    assert binomial_sf(5, 5, 0.5) == pytest.approx(0.5**5)
    assert binomial_sf(1, 4, 0.25) == pytest.approx(1 - 0.75**4)
    assert binomial_sf(6, 5, 0.5) == 0.0


def test_robust_spread_and_scores():
    assert median([3, 1, 2]) == 2 and median([1, 2, 3, 10]) == 2.5
    assert mad_sigma([1, 2, 3, 4, 1000]) == pytest.approx(1.4826)  # the outlier does not count
    assert score(1e-4) == pytest.approx(4.0) and score(0.0) == 300.0


def test_g_squared_is_zero_when_shares_are_equal_and_grows_with_the_difference():
    assert g_squared(10, 100, 100, 1000) == pytest.approx(0.0, abs=1e-9)
    assert g_squared(30, 100, 100, 1000) > 10.83 > g_squared(20, 100, 100, 1000) > 0
