"""Worker entry points. Each takes an id and is safe to run twice (see runs.py); the daily
prune of dry runs never imported (retention.py), and of these tasks' finished rows after
as long, queues its next run itself; the worker queues one at start-up unless one waits."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from calkeep.lib.tasks import delete_finished_task_rows, queue_unless_queued
from calkeep.transfers import retention, runs


@task()
def analyze_import_task(run_id: int) -> None:
    runs.analyze_run(run_id)


@task()
def commit_import_task(run_id: int) -> None:
    runs.commit_run(run_id)


@task()
def undo_import_task(run_id: int) -> None:
    runs.undo_run(run_id)


@task()
def prune_import_runs_task() -> None:
    try:
        retention.prune_abandoned_runs()
        paths = [
            analyze_import_task.module_path, commit_import_task.module_path,
            undo_import_task.module_path, prune_import_runs_task.module_path,
        ]  # fmt: skip
        delete_finished_task_rows(paths, retention.retention_cutoff())
    finally:
        queue_unless_queued(prune_import_runs_task, timezone.now() + retention.PRUNE_INTERVAL)


def start_import_pruning() -> None:
    """`calkeep worker` at start: make sure the daily prune is queued."""
    queue_unless_queued(prune_import_runs_task)
