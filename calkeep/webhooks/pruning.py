"""Forgetting what the outbox no longer needs. An event stays while one of its deliveries
may still be sent (pending, also for a disabled endpoint, which sends them when enabled
again), and for WEBHOOK_RETENTION_DAYS (30) after it was written, so the endpoint's
delivery log and its Redeliver button reach back that far; then it goes with its
deliveries and their logged attempts. An event whose endpoint was deleted goes too. The
worker prunes once a day (tasks.py); the webhook tasks' own finished task rows go with
the same retention."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from calkeep.lib.tasks import delete_finished_task_rows
from calkeep.webhooks.models import Delivery, DeliveryAttempt, Event

PRUNE_INTERVAL = timedelta(days=1)
PRUNE_BATCH = 500


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.WEBHOOK_RETENTION_DAYS)


def prune_delivered_events(now: datetime | None = None, batch: int = PRUNE_BATCH) -> int:
    """Delete finished events older than the retention; how many went."""
    cutoff = retention_cutoff(now)
    pending = Delivery.objects.filter(event_id=OuterRef("pk"), status=Delivery.Status.PENDING)
    finished = Event.objects.filter(created_at__lt=cutoff).exclude(Exists(pending))
    removed = 0
    while ids := list(finished.order_by("created_at").values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            DeliveryAttempt.objects.filter(delivery__event_id__in=ids).delete()
            Delivery.objects.filter(event_id__in=ids).delete()
            Event.objects.filter(pk__in=ids).delete()
        removed += len(ids)
    return removed


def prune_finished_task_rows(task_paths: list[str], now: datetime | None = None) -> int:
    """The webhook tasks' finished rows in django-tasks' table (one per committed change)."""
    return delete_finished_task_rows(task_paths, retention_cutoff(now))
