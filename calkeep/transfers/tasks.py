from __future__ import annotations

from django_tasks import task

from calkeep.transfers.actions import commit_run


@task()
def commit_import_task(run_id: int) -> None:
    """Commit a queued import. Takes an id, and is safe to run twice (see commit_run)."""
    commit_run(run_id)
