"""When a waiting gate looks again: one poll schedule per gate, anchored on its first association time (pure).

Every poller of a (card, stage) polls at the same moments: ``run_gate``'s loop, the Step Functions wait (the
check_gate Lambda's ``next_check_seconds``) and the gate watcher's SQS redelivery. (The event path's re-check
schedule is the stack's ``GateRecheckRate``, for every registered gate at once.) The moments are a grid that starts
at the *anchor*, when the stage's first pending association was created (``Decision.waiting_since``; the poller's
own start when RAM reports none):
``t_0 = anchor``, ``t_k+1 = t_k + gap(t_k - anchor)``, with ``gap(e) = min(cap, max(interval, GROWTH * e))``.
So a poller that starts late (a new Lambda, a redelivered message) continues the schedule instead of restarting
its back-off, and a flip is seen within one poll interval during the first ``1 / GROWTH`` intervals, then within
``GROWTH`` of the time waited so far, never later than ``backoff_cap_seconds`` (plus the jitter).

Jitter: each poll comes up to ``JITTER`` of its gap after its grid point, by an amount derived from the gate's key
(card ARN and stage) and the poll's index: gates waiting on one flip do not poll together, and one gate polls at
the same moments whoever polls it.
"""

from __future__ import annotations

import hashlib
import math

GROWTH = 0.1
"""After the first ``1 / GROWTH`` poll intervals, the gap is this share of the time waited since the anchor."""
JITTER = 0.1
"""Each poll comes up to this share of its gap after its grid point."""
_AFTER = 1e-3  # a poll made at a grid point's moment (float rounding included) looks to the next grid point


def poll_gap(elapsed: float, interval: float, cap: float) -> float:
    """The gap after a grid point ``elapsed`` seconds past the anchor: ``min(cap, max(interval, GROWTH * e))``."""
    return min(cap, max(interval, GROWTH * max(0.0, elapsed)))


def _jitter(key: str, index: int) -> float:
    """A value in [0, 1) fixed by the gate's key and the poll's index."""
    digest = hashlib.sha256(f"{key}#{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def next_poll_at(anchor: float, now: float, interval: float, cap: float, key: str) -> float:
    """The moment (epoch seconds) of the gate's next poll after ``now``: the first grid point after ``now``
    plus its jitter. ``interval`` and ``cap`` are the policy's ``poll_interval_seconds`` and
    ``backoff_cap_seconds``; ``key`` names the gate (``gate_key``)."""
    interval = max(interval, 1e-3)
    cap = max(cap, interval)
    point, index = anchor, 0
    while True:
        gap = poll_gap(point - anchor, interval, cap)
        if gap >= cap:  # every later gap is the cap: jump to the first grid point after now
            steps = max(1, math.floor((now + _AFTER - point) / cap) + 1)
            return point + steps * cap + JITTER * cap * _jitter(key, index + steps)
        point, index = point + gap, index + 1
        if point > now + _AFTER:
            return point + JITTER * gap * _jitter(key, index)


def next_poll_delay(anchor: float, now: float, interval: float, cap: float, key: str) -> float:
    """Seconds from ``now`` to the gate's next poll (``next_poll_at``)."""
    return max(0.0, next_poll_at(anchor, now, interval, cap, key) - now)


def gate_key(card_arn: str, stage: str) -> str:
    """The key a gate's jitter derives from."""
    return f"{card_arn}|{stage}"
