from __future__ import annotations

import random
from datetime import timedelta

from calkeep.webhooks.retries import MAX_ATTEMPTS, RETRY_DELAYS, retry_delay, total_schedule


def test_retries_span_more_than_72_hours() -> None:
    assert total_schedule() >= timedelta(hours=72)
    assert MAX_ATTEMPTS == 13
    assert RETRY_DELAYS[:5] == (
        timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
        timedelta(hours=2), timedelta(hours=5),
    )  # fmt: skip


def test_jitter_only_lengthens_a_wait_by_up_to_ten_percent() -> None:
    rng = random.Random(7)
    for attempt, base in enumerate(RETRY_DELAYS, start=1):
        for _ in range(20):
            delay = retry_delay(attempt, rng)
            assert delay is not None and base <= delay <= base * 1.1


def test_no_retry_after_the_last_attempt() -> None:
    assert retry_delay(MAX_ATTEMPTS) is None
    assert retry_delay(0) is None
