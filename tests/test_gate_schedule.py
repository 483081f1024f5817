"""The gate's poll schedule (pure): anchored on the first association time, backing off, jittered, continued by
whoever polls."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mcgov.steps.gate.schedule import GROWTH, JITTER, gate_key, next_poll_at, next_poll_delay, poll_gap

KEY = gate_key("arn:aws:sagemaker:us-east-1:111111111111:model-card/churn", "prod")
ANCHOR = 1_800_000_000.0


def polls(anchor: float, start: float, interval: float, cap: float, until: float, key: str = KEY) -> list[float]:
    """The moments a poller started at ``start`` polls, each computed from the previous one."""
    out, now = [], start
    while now < until:
        now = next_poll_at(anchor, now, interval, cap, key)
        out.append(now)
    return out


def test_gaps_are_one_interval_while_young_then_grow_to_the_cap() -> None:
    assert poll_gap(0, 5, 60) == 5 and poll_gap(49, 5, 60) == 5
    assert poll_gap(100, 5, 60) == 100 * GROWTH
    assert poll_gap(10_000, 5, 60) == 60
    assert poll_gap(-30, 5, 60) == 5  # an anchor ahead of the clock (skew): the interval


def test_young_associations_are_polled_once_per_interval_after_the_grid_point() -> None:
    moments = polls(ANCHOR, ANCHOR, 5, 60, ANCHOR + 50)
    assert len(moments) == 10
    for index, moment in enumerate(moments, start=1):
        assert 0 <= moment - (ANCHOR + 5 * index) < 5 * JITTER


def test_a_late_poller_continues_the_schedule_at_the_same_moments() -> None:
    """A new Lambda, a redelivered message or the scheduled re-check polls when the first poller would have."""
    from_start = polls(ANCHOR, ANCHOR, 5, 60, ANCHOR + 3600)
    for late in (7.0, 137.5, 1234.0, 3000.0):
        joined = polls(ANCHOR, ANCHOR + late, 5, 60, ANCHOR + 3600)
        assert joined == [m for m in from_start if m > ANCHOR + late][: len(joined)]


def test_the_jitter_is_fixed_per_gate_and_spreads_gates() -> None:
    other = gate_key("arn:aws:sagemaker:us-east-1:111111111111:model-card/other", "prod")
    now = ANCHOR + 400
    assert next_poll_at(ANCHOR, now, 5, 60, KEY) == next_poll_at(ANCHOR, now, 5, 60, KEY)
    spread = {round(next_poll_at(ANCHOR, now, 5, 60, gate_key(f"card-{i}", "prod")), 3) for i in range(50)}
    assert len(spread) > 40 and next_poll_at(ANCHOR, now, 5, 60, KEY) != next_poll_at(ANCHOR, now, 5, 60, other)


@given(
    flip=st.floats(min_value=0, max_value=20_000),
    interval=st.floats(min_value=1, max_value=600),
    cap_factor=st.floats(min_value=1, max_value=50),
)
def test_a_flip_is_seen_within_the_gap_of_its_moment(flip: float, interval: float, cap_factor: float) -> None:
    """The poll after a flip at ``flip`` seconds comes within gap(flip) (one interval while young, GROWTH of the
    time waited later, at most the cap) plus the jitter."""
    cap = interval * cap_factor
    moments = polls(ANCHOR, ANCHOR, interval, cap, ANCHOR + flip + 1e-6)
    seen = next(m for m in moments if m > ANCHOR + flip)
    assert seen - (ANCHOR + flip) <= poll_gap(flip, interval, cap) * (1 + JITTER) + 1e-6


def test_the_delay_is_never_negative_and_an_old_anchor_polls_within_the_cap() -> None:
    assert next_poll_delay(ANCHOR, ANCHOR - 100, 5, 60, KEY) >= 0
    assert 0 < next_poll_delay(ANCHOR - 86_400, ANCHOR, 5, 60, KEY) <= 60 * (1 + JITTER)
