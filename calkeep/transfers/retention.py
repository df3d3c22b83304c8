"""How long an import's data stays. The upload goes when the import is committed (runs.py);
a dry run that was never imported (waiting at the mapping step or for its Import click, or
stopped by an error: nothing of it was written) is deleted with its upload, stored
reading and preview IMPORT_RETENTION_DAYS (30) after it was uploaded. Committed and undone
imports stay, with their per-row preview and change records, for the record and for undo.
The worker runs the prune once a day (tasks.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from calkeep.transfers.models import ImportRun

PRUNE_INTERVAL = timedelta(days=1)
PRUNE_BATCH = 100  # runs a transaction: each may hold a 10 MB upload and its preview
NEVER_IMPORTED = (ImportRun.Status.MAPPING, ImportRun.Status.PREVIEWED, ImportRun.Status.FAILED)


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.IMPORT_RETENTION_DAYS)


def prune_abandoned_runs(now: datetime | None = None, batch: int = PRUNE_BATCH) -> int:
    """Delete the dry runs never imported that are older than the retention; how many went.
    A run the worker is on (analysing, queued, importing, undoing) or that wrote anything
    (it has an operation) is never one of them."""
    stale = ImportRun.objects.filter(
        status__in=NEVER_IMPORTED, operation__isnull=True, created_at__lt=retention_cutoff(now)
    )
    removed = 0
    while ids := list(stale.order_by("created_at").values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            # Locked and checked again: a click on Import meanwhile wins over the prune.
            locked = stale.select_for_update().filter(pk__in=ids).values_list("pk", flat=True)
            gone = list(locked)
            ImportRun.objects.filter(pk__in=gone).delete()  # readings, previews with it
        removed += len(gone)
        if len(gone) < len(ids):
            break  # the rest changed meanwhile; the next day's prune looks again
    return removed
