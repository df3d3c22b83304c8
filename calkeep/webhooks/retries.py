"""When a failed delivery is tried again. Pure.

Attempt 1 goes out as soon as the change commits. After a failure the next attempt waits
5 s, 5 min, 30 min, 2 h, 5 h, then 10 h seven times: 13 attempts over 77 h 35 min, so a
receiver that is down for a long weekend (72 h) still gets every event. Each wait is
lengthened by up to 10 % at random, so deliveries that failed together (a receiver's
outage) do not all come back in the same second; the jitter only adds, so the whole
schedule never shrinks below 77 h."""

from __future__ import annotations

import random
from datetime import timedelta

RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    *[timedelta(hours=10)] * 7,
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.10


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta | None:
    """The wait after the `attempts`-th failed attempt; None when that was the last."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    base = RETRY_DELAYS[attempts - 1]
    return base * (1 + (rng or random).random() * JITTER)


def total_schedule() -> timedelta:
    return sum(RETRY_DELAYS, timedelta())
