"""The task worker's start-up: pick up work a stopped worker left behind.

Work state is a row (an import run, a cleanup job) and every task is safe to run twice, so
recovery is simply enqueueing the task again for each row that is still in progress but
has no live task: its task row is gone, finished, or RUNNING for longer than any real run
takes (the worker that claimed it was killed; django-tasks has no lease of its own)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)
# A commit of a 10 MB file takes seconds and a cleanup chunk well under a minute: a task
# RUNNING this long belongs to a worker that is gone.
LOST_AFTER = timedelta(minutes=15)


def recover_interrupted_work() -> int:
    """Enqueue again every task of work left in progress. Returns how many."""
    from calkeep.cleanup.jobs import interrupted_jobs
    from calkeep.transfers.runs import interrupted_runs

    requeued = 0
    for task, args in [*interrupted_runs(), *interrupted_jobs()]:
        requeued += _requeue(task, args)
    if requeued:
        logger.info("Re-queued %d interrupted task(s)", requeued)
    return requeued


def _requeue(task: object, args: list[object]) -> int:
    module_path = task.module_path  # type: ignore[attr-defined]
    # Tasks are told apart by their first argument, the id of the row they work on.
    live = DBTaskResult.objects.filter(task_path=module_path, args_kwargs__args__0=args[0])
    lost = live.filter(status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - LOST_AFTER)
    lost.update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now(),
        exception_class_path="calkeep.worker.WorkerLost",
        traceback="The worker running this task stopped; the task was queued again.",
    )  # fmt: skip
    if live.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists():
        return 0
    task.enqueue(*args)  # type: ignore[attr-defined]
    return 1
