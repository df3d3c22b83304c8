"""Worker entry point for webhook deliveries. It runs when a change commits (outbox.py),
when `calkeep worker` starts (leases a dead worker left behind), and when it asks for
itself again: after sending what is due (or for RUN_SECONDS, so other tasks take turns
with a long backlog), it schedules its next run (django-tasks' `run_after`) for the
earliest retry or lease that falls due, at once when some are due already, unless a run is
already queued by then. Safe to run twice: deliveries are claimed under row locks.

A second task prunes the outbox (pruning.py) once a day: `calkeep worker` queues it at
start unless one is queued, and each run queues the next."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import get_date_max

from calkeep.lib.tasks import queue_unless_queued, queued
from calkeep.webhooks import delivery, pruning


@task()
def deliver_webhooks_task() -> None:
    try:
        delivery.deliver_due(max_seconds=delivery.RUN_SECONDS)
    finally:
        schedule_next_run()


def schedule_next_run(now: datetime | None = None) -> None:
    due = delivery.next_due_time(now)
    if due is None or run_queued_by(due):
        return
    if due <= (now or timezone.now()):
        deliver_webhooks_task.enqueue()
    else:
        deliver_webhooks_task.using(run_after=due).enqueue()


def run_queued_by(moment: datetime) -> bool:
    waiting = queued(deliver_webhooks_task)
    # A task queued to run at once has run_after set to the far future (get_date_max).
    return waiting.filter(Q(run_after__lte=moment) | Q(run_after=get_date_max())).exists()


@task()
def prune_webhook_events_task() -> None:
    try:
        pruning.prune_delivered_events()
        paths = [deliver_webhooks_task.module_path, prune_webhook_events_task.module_path]
        pruning.prune_finished_task_rows(paths)
    finally:
        run_after = timezone.now() + pruning.PRUNE_INTERVAL
        queue_unless_queued(prune_webhook_events_task, run_after)


def start_delivery() -> None:
    """`calkeep worker` at start: pick up what is due, including a dead worker's claims,
    and make sure the daily prune is queued."""
    deliver_webhooks_task.enqueue()
    queue_unless_queued(prune_webhook_events_task)
