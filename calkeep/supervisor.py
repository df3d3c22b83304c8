"""`calkeep run` keeps its task worker alive: a worker that dies is started again (after a
pause that grows while it keeps dying), so imports never wait for a worker that is gone."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading

logger = logging.getLogger(__name__)
COMMAND = [sys.executable, "-m", "calkeep.cli", "worker"]
MAX_PAUSE = 30.0


class WorkerSupervisor:
    def __init__(self, command: list[str] | None = None, poll_seconds: float = 1.0) -> None:
        self.command = command or COMMAND
        self.poll_seconds = poll_seconds
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True, name="worker-watch")

    def start(self) -> None:
        self.process = subprocess.Popen(self.command)
        self._thread.start()

    def _watch(self) -> None:
        pause = 1.0
        while not self._stopping.wait(self.poll_seconds):
            assert self.process is not None
            code = self.process.poll()
            if code is None:
                pause = 1.0
                continue
            logger.warning("The task worker stopped (exit %s); starting it again in %.0f s",
                           code, pause)  # fmt: skip
            if self._stopping.wait(pause):
                return
            self.process = subprocess.Popen(self.command)
            self.restarts += 1
            pause = min(pause * 2, MAX_PAUSE)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._thread.join(timeout)
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
