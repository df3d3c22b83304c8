"""Worker entry point for webhook deliveries. It runs when a change commits (outbox.py),
when `calkeep worker` starts (leases a dead worker left behind), and when it asks for
itself again: after sending what is due, it schedules its next run (django-tasks'
`run_after`) for the earliest retry or lease that falls due, unless a run is already
queued by then. Safe to run twice: deliveries are claimed under row locks."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult, get_date_max

from calkeep.webhooks import delivery


@task()
def deliver_webhooks_task() -> None:
    try:
        delivery.deliver_due()
    finally:
        schedule_next_run()


def schedule_next_run(now: datetime | None = None) -> None:
    due = delivery.next_due_time(now)
    if due is None or _run_queued_by(due):
        return
    if due <= (now or timezone.now()):
        deliver_webhooks_task.enqueue()
    else:
        deliver_webhooks_task.using(run_after=due).enqueue()


def _run_queued_by(moment: datetime) -> bool:
    queued = DBTaskResult.objects.filter(
        task_path=deliver_webhooks_task.module_path, status=TaskResultStatus.READY
    )
    # A task queued to run at once has run_after set to the far future (get_date_max).
    return queued.filter(Q(run_after__lte=moment) | Q(run_after=get_date_max())).exists()


def start_delivery() -> None:
    """`calkeep worker` at start: pick up what is due, including a dead worker's claims."""
    deliver_webhooks_task.enqueue()
