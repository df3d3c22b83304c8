"""Worker entry points of the bulk rules. Each takes an id and is safe to run twice
(see jobs.py)."""

from __future__ import annotations

from django_tasks import task

from calkeep.cleanup import jobs


@task()
def run_cleanup_task(job_id: int) -> None:
    jobs.run_job(job_id)


@task()
def revert_cleanup_task(job_id: int, actor_id: int | None = None) -> None:
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    jobs.revert_run(job_id, actor)
