"""`calkeep run` starts its task worker again when it dies."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from calkeep.supervisor import WorkerSupervisor


def eventually(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_worker_that_dies_is_started_again() -> None:
    dies_at_once = [sys.executable, "-c", "import sys; sys.exit(3)"]
    supervisor = WorkerSupervisor(dies_at_once, poll_seconds=0.05)
    supervisor.start()
    try:
        assert eventually(lambda: supervisor.restarts >= 2)
    finally:
        supervisor.stop()


def test_stopping_ends_a_running_worker() -> None:
    runs_forever = [sys.executable, "-c", "import time; time.sleep(60)"]
    supervisor = WorkerSupervisor(runs_forever, poll_seconds=0.05)
    supervisor.start()
    process = supervisor.process
    assert process is not None and process.poll() is None
    supervisor.stop()
    assert process.poll() is not None and supervisor.restarts == 0
