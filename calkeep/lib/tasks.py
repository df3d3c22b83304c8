"""Helpers for tasks the worker runs on a schedule (django-tasks' database backend)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def queued(queued_task: object) -> QuerySet[DBTaskResult]:
    """The task's rows waiting to run (not started)."""
    path = queued_task.module_path  # type: ignore[attr-defined]
    return DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY)


def queue_unless_queued(queued_task: object, run_after: datetime | None = None) -> None:
    """Queue the task (at `run_after`, else at once) unless a run of it is waiting already:
    a daily task asks for its next run at the end of each, and the worker at start-up."""
    if queued(queued_task).exists():
        return
    if run_after is None:
        queued_task.enqueue()  # type: ignore[attr-defined]
    else:
        queued_task.using(run_after=run_after).enqueue()  # type: ignore[attr-defined]


def delete_finished_task_rows(task_paths: list[str], before: datetime) -> int:
    """The finished (successful or failed) rows of these tasks that ended before `before`:
    django-tasks keeps every row, one per run."""
    old = DBTaskResult.objects.filter(
        task_path__in=task_paths,
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=before,
    )
    deleted, _ = old.delete()
    return deleted
