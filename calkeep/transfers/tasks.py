"""Worker entry points. Each takes an id and is safe to run twice (see runs.py)."""

from __future__ import annotations

from django_tasks import task

from calkeep.transfers import runs


@task()
def analyze_import_task(run_id: int) -> None:
    runs.analyze_run(run_id)


@task()
def commit_import_task(run_id: int) -> None:
    runs.commit_run(run_id)


@task()
def undo_import_task(run_id: int) -> None:
    runs.undo_run(run_id)
