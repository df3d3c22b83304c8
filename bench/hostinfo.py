"""What the benchmarks print about the machine, so figures from different runs compare."""

from __future__ import annotations

import os
import time


def core_speed() -> str:
    """The same host can be twice as slow from one day to the next (a shared vCPU): a fixed
    pure-Python loop, timed here, says how fast this run's core was, so runs compare."""
    best = min(_timed_loop() for _ in range(3))
    return f"core: sum of 10**7 squares in {best:.2f} s"


def _timed_loop() -> float:
    start = time.perf_counter()
    sum(i * i for i in range(10**7))
    return time.perf_counter() - start


def load() -> str:
    """Other work on the machine slows the wall-clock figures; the CPU seconds much less."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
