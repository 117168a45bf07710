"""Capped exponential backoff with full jitter, used between BatchGetItem retries of UnprocessedKeys (DESIGN 3.1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from early_learning.store.base import backoff_delay

BASE = 0.05
CAP = 1.0


def test_with_the_largest_jitter_the_delay_doubles_each_attempt_until_the_cap() -> None:
    delays = [backoff_delay(attempt, BASE, CAP, rand=lambda: 1.0) for attempt in range(8)]
    assert delays == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0])


def test_full_jitter_scales_the_ceiling_by_the_random_draw() -> None:
    assert backoff_delay(0, BASE, CAP, rand=lambda: 0.0) == 0.0
    assert backoff_delay(3, BASE, CAP, rand=lambda: 0.5) == pytest.approx(0.2)
    assert backoff_delay(10, BASE, CAP, rand=lambda: 0.25) == pytest.approx(0.25)


@pytest.mark.parametrize("attempt", [64, 1_000, 1_100, 100_000])
def test_very_late_attempts_stay_at_the_cap(attempt: int) -> None:
    assert backoff_delay(attempt, BASE, CAP, rand=lambda: 1.0) == CAP


@given(
    attempt=st.integers(min_value=0, max_value=5_000),
    draw=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
)
def test_the_delay_is_never_negative_and_never_above_the_ceiling_of_its_attempt(attempt: int, draw: float) -> None:
    delay = backoff_delay(attempt, BASE, CAP, rand=lambda: draw)
    assert 0.0 <= delay <= CAP
    assert delay <= BASE * 2 ** min(attempt, 64)


def test_without_an_injected_draw_the_delay_is_random_within_the_ceiling() -> None:
    delays = {backoff_delay(2, BASE, CAP) for _ in range(50)}
    assert all(0.0 <= d <= 0.2 for d in delays)
    assert len(delays) > 1
