"""Using the machine's second core for a long, pure, CPU-bound map.

`map_in_two` hands the second half of the items to a forked copy of this process and works
through the first half meanwhile. A forked child starts with everything already loaded
(the phone metadata, its compiled patterns), so it costs milliseconds, and only the results
travel back, pickled, through a pipe. It falls back to one process whenever forking is not
safe or not worth it: no os.fork, one core, other threads running (a thread could hold a
lock the child would then wait on forever), or few items. If the child fails for any
reason its half is simply done here as well, so the answer never depends on the fork."""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import select
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, NoReturn, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# A child that has not answered by then is presumed stuck; its half is done here instead.
_CHILD_TIMEOUT_SECONDS = 120.0
_PROGRESS_EVERY = 1000
# Bytes read from a child's pipe at a time.
_READ_SIZE = 1 << 16


def can_fork() -> bool:
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) >= 2


def map_in_two(
    function: Callable[[T], R],
    items: Sequence[T],
    min_items: int,
    progress: Callable[[int], None] | None = None,
) -> list[R]:
    """[function(item) for item in items], in two processes when there are at least
    `min_items` items and forking is safe. `function` must be pure computation: no
    database, files or sockets (the child shares the parent's connections), no state the
    parent needs afterwards (the child's changes are lost); its results must pickle.
    `progress` hears every _PROGRESS_EVERY items how many are done; in two processes that
    is twice what this one has done, the child working through its half at the same pace
    and telling nothing until it ends (so no second fork just to count)."""
    if len(items) < max(min_items, 2) or not can_fork():
        return _map(function, items, progress, 1, len(items))
    middle = len(items) // 2
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its half, pickled into the pipe, then out without cleanup
        _run_child(function, items[middle:], read_end, write_end)
    os.close(write_end)
    try:
        first = _map(function, items[:middle], progress, 2, len(items))
    except BaseException:
        _abandon(pid, read_end)
        raise
    second = _child_results(pid, read_end)
    if second is None or len(second) != len(items) - middle:
        second = [function(item) for item in items[middle:]]
    if progress is not None:
        progress(len(items))
    return first + second


class Background(Generic[R]):
    """`function()` computed in a forked child while this process goes on with other work;
    `result()` waits for it (the child's answer, pickled through a pipe). Same rules as
    `map_in_two`: `function` is pure computation, its result pickles. Where forking is not
    safe, or the child fails, `result()` computes it here instead; the answer never depends
    on the fork. Use it as a context manager, or call `cancel()`, so that a child whose
    result is never asked for is not left behind. With `fork` false (work too small to be
    worth a process) it is computed here, when asked for."""

    def __init__(self, function: Callable[[], R], fork: bool = True) -> None:
        self._function = function
        self._child: tuple[int, int] | None = None
        if fork and can_fork():
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                _run_child(lambda _: function(), [None], read_end, write_end)
            os.close(write_end)
            self._child = (pid, read_end)

    @property
    def forked(self) -> bool:
        return self._child is not None

    def result(self) -> R:
        if self._child is not None:
            pid, read_end = self._child
            self._child = None
            answer = _child_results(pid, read_end)
            if answer is not None and len(answer) == 1:
                return answer[0]
        return self._function()

    def cancel(self) -> None:
        if self._child is not None:
            _abandon(*self._child)
            self._child = None

    def __enter__(self) -> Background[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def _map(
    function: Callable[[T], R],
    items: Sequence[T],
    progress: Callable[[int], None] | None,
    scale: int,
    total: int,
) -> list[R]:
    if progress is None:
        return [function(item) for item in items]
    results: list[R] = []
    for start in range(0, len(items), _PROGRESS_EVERY):
        results += [function(item) for item in items[start : start + _PROGRESS_EVERY]]
        progress(min(len(results) * scale, total))
    return results


def _run_child(
    function: Callable[[Any], Any], items: Sequence[Any], unused: int, out: int
) -> NoReturn:
    status = 1
    try:
        os.close(unused)
        payload = pickle.dumps([function(item) for item in items], pickle.HIGHEST_PROTOCOL)
        view = memoryview(payload)
        while view:
            view = view[os.write(out, view) :]
        status = 0
    finally:
        # No atexit handlers, no flushing of inherited buffers, no closing of the parent's
        # database connections: the child leaves as if it had never been.
        os._exit(status)


def _abandon(pid: int, read_end: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.close(read_end)
    os.waitpid(pid, 0)


class _Pipe(io.RawIOBase):
    """The read end of a child's pipe as a file, each read waiting at most
    _CHILD_TIMEOUT_SECONDS for the child."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        ready, _, _ = select.select([self._fd], [], [], _CHILD_TIMEOUT_SECONDS)
        if not ready:
            raise TimeoutError("the child did not answer")
        return os.readv(self._fd, [buffer])


def _child_results(pid: int, read_end: int) -> list[Any] | None:
    """What the child sent, unpickled as it comes through the pipe: the results alone are
    ever in memory, not also the pickled bytes (for a 10 MB import's packed preview, 9 MB
    more at the commit's peak). None when the child is stuck, failed, or sent something
    cut short or not unpickling (it is killed if it still runs)."""
    results = None
    loaded = False
    try:
        results = pickle.load(io.BufferedReader(_Pipe(read_end), _READ_SIZE))
        loaded = True
    except Exception:
        results = None
    finally:
        if not loaded:  # stuck, cut short, or this process interrupted: not waited for
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    return results if isinstance(results, list) else None
