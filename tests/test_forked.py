"""map_in_two gives [f(x) for x in items] whether or not it forks, and whatever the child does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from calkeep.lib import forked
from calkeep.lib.forked import map_in_two


def test_small_or_threaded_work_stays_in_this_process() -> None:
    # pytest-xdist runs threads in its workers: no fork here, the same answer.
    assert map_in_two(lambda x: x * 2, [1, 2, 3], min_items=2) == [2, 4, 6]
    assert map_in_two(lambda x: x, [], min_items=0) == []


def test_progress_is_told_every_thousand_items_in_one_process() -> None:
    told: list[int] = []
    assert map_in_two(lambda x: x, list(range(2500)), 10_000, told.append) == list(range(2500))
    assert told == [1000, 2000, 2500]


def _run(script: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_forked_halves_come_back_in_order() -> None:
    out = _run("""
        import os
        from calkeep.lib import forked
        assert forked.can_fork(), "needs two cores and one thread"
        pids = forked.map_in_two(lambda x: os.getpid(), list(range(1000)), min_items=10)
        squares = forked.map_in_two(lambda x: x * x, list(range(1001)), min_items=10)
        assert squares == [x * x for x in range(1001)]
        assert pids[0] == os.getpid() and pids[-1] != os.getpid()
        print("ok")
    """)
    assert out == "ok"


def test_a_failing_child_leaves_its_half_to_the_parent() -> None:
    out = _run("""
        import os
        from calkeep.lib import forked
        parent = os.getpid()
        def picky(x):
            if os.getpid() != parent:
                raise RuntimeError("the child fails")
            return x + 1
        assert forked.map_in_two(picky, list(range(100)), min_items=10) == list(range(1, 101))
        def unpicklable(x):
            return (lambda: x) if os.getpid() != parent else x
        result = forked.map_in_two(unpicklable, list(range(10)), min_items=2)
        assert result == list(range(10))
        print("ok")
    """)
    assert out == "ok"


def test_can_fork_needs_one_thread() -> None:
    # The test process runs other threads under xdist; without xdist it may not.
    import threading

    assert forked.can_fork() is (
        hasattr(os, "fork") and threading.active_count() == 1 and len(os.sched_getaffinity(0)) >= 2
    )


def test_in_two_processes_progress_counts_both_halves() -> None:
    out = _run("""
        from calkeep.lib import forked
        assert forked.can_fork(), "needs two cores and one thread"
        told = []
        assert forked.map_in_two(lambda x: -x, list(range(4001)), 10, told.append) == [
            -x for x in range(4001)
        ]
        print(told)
    """)
    assert out == "[2000, 4000, 4001]"  # this process's half, doubled; then all of them


def test_background_work_without_a_fork_is_done_when_asked_for() -> None:
    done: list[int] = []

    def work() -> int:
        done.append(1)
        return 42

    pending = forked.Background(work, fork=False)
    assert not pending.forked and done == []
    assert pending.result() == 42 and done == [1]
    with forked.Background(work) as threaded:  # xdist's threads: no fork here either
        assert threaded.result() == 42


def test_background_work_runs_in_a_child_meanwhile() -> None:
    out = _run("""
        import os, time
        from calkeep.lib import forked
        assert forked.can_fork(), "needs two cores and one thread"
        parent = os.getpid()
        started = time.monotonic()
        with forked.Background(lambda: (os.getpid(), time.sleep(1), b"x" * 300_000)) as work:
            assert work.forked
            busy = sum(i * i for i in range(10**6))  # this process goes on meanwhile
            pid, _, data = work.result()
        assert pid != parent and data == b"x" * 300_000  # more than a pipe holds at once
        assert time.monotonic() - started < 5
        print("ok")
    """)
    assert out == "ok"


def test_a_failing_or_abandoned_background_child_changes_nothing() -> None:
    out = _run("""
        import os
        from calkeep.lib import forked
        parent = os.getpid()
        def picky():
            if os.getpid() != parent:
                raise RuntimeError("the child fails")
            return "done here"
        work = forked.Background(picky)
        assert work.forked and work.result() == "done here"
        unpicklable = forked.Background(lambda: (lambda: 1) if os.getpid() != parent else 2)
        assert unpicklable.result() == 2
        abandoned = forked.Background(lambda: __import__("time").sleep(60))
        pid = abandoned._child[0]
        abandoned.cancel()
        try:
            os.kill(pid, 0)
            print("the child lives on")
        except ProcessLookupError:
            print("ok")
    """)
    assert out == "ok"


def test_an_answer_cut_short_or_late_is_worked_out_here() -> None:
    """The results are unpickled as they come through the pipe: a child that sends half of
    them and ends, or stops answering, counts as failed and its share is done here."""
    out = _run("""
        import os, pickle, time
        from calkeep.lib import forked
        parent = os.getpid()
        def half_then_exit(function, items, unused, out):
            os.close(unused)
            payload = pickle.dumps([function(item) for item in items], pickle.HIGHEST_PROTOCOL)
            os.write(out, payload[: len(payload) // 2])
            os._exit(0)
        forked._run_child = half_then_exit
        assert forked.map_in_two(lambda x: x * 3, list(range(4000)), 10) == [
            x * 3 for x in range(4000)
        ]
        assert forked.Background(lambda: os.getpid()).result() == parent
        def silent(function, items, unused, out):
            time.sleep(30)
            os._exit(0)
        forked._run_child = silent
        forked._CHILD_TIMEOUT_SECONDS = 0.5
        started = time.monotonic()
        assert forked.Background(lambda: os.getpid()).result() == parent
        assert time.monotonic() - started < 10
        print("ok")
    """)
    assert out == "ok"
