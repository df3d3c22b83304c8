"""What an import keeps, and for how long: the upload goes with the commit; a dry run never
imported goes, with its reading and preview, after the retention; the daily prune."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from calkeep.accounts.models import Membership
from calkeep.transfers.actions import ImportOptions
from calkeep.transfers.models import ImportPreview, ImportPreviewChunk, ImportReading, ImportRun
from calkeep.transfers.retention import prune_abandoned_runs
from calkeep.transfers.runs import receive_upload
from calkeep.transfers.tasks import (
    commit_import_task,
    prune_import_runs_task,
    start_import_pruning,
)
from tests.transfers.test_import import commit, google_csv

Status = ImportRun.Status
ROWS = ("Ana,,Lima,,,ana@example.com,,,", "Bo,,Chen,,,bo@example.com,Mobile,2015550199,")


def uploaded(viewer: Membership, days_ago: int = 0, status: str | None = None) -> ImportRun:
    run = receive_upload(viewer, "people.csv", google_csv(*ROWS), ImportOptions())
    assert run.status == Status.PREVIEWED and run.preview_id is not None
    changes: dict[str, Any] = {"created_at": timezone.now() - timedelta(days=days_ago)}
    if status is not None:
        changes["status"] = status
    ImportRun.objects.filter(pk=run.pk).update(**changes)
    return ImportRun.objects.get(pk=run.pk)


def test_a_commit_drops_the_upload_and_keeps_the_record(viewer: Membership) -> None:
    run = commit(viewer, google_csv(*ROWS))
    assert run.status == Status.COMMITTED
    stored = ImportRun.objects.get(pk=run.pk)
    assert bytes(stored.data) == b"" and stored.size == len(google_csv(*ROWS))
    assert [i["outcome"] for i in stored.preview_items()] == ["create", "create"]
    assert not ImportReading.objects.filter(run=run).exists()


def test_dry_runs_never_imported_go_after_the_retention_with_their_data(
    viewer: Membership, settings: Any
) -> None:
    settings.IMPORT_RETENTION_DAYS = 30
    old = uploaded(viewer, days_ago=31)
    old_failed = uploaded(viewer, days_ago=31, status=Status.FAILED)
    old_mapping = uploaded(viewer, days_ago=45, status=Status.MAPPING)
    recent = uploaded(viewer, days_ago=29)
    queued = uploaded(viewer, days_ago=31, status=Status.QUEUED)  # the worker's now
    imported = commit(viewer, google_csv(*ROWS))
    ImportRun.objects.filter(pk=imported.pk).update(created_at=timezone.now() - timedelta(400))
    previews = {old.preview_id, old_failed.preview_id, old_mapping.preview_id}
    assert prune_abandoned_runs(batch=2) == 3
    left = set(ImportRun.objects.values_list("pk", flat=True))
    assert left == {recent.pk, queued.pk, imported.pk}
    assert not ImportPreview.objects.filter(pk__in=previews).exists()
    assert not ImportPreviewChunk.objects.filter(preview_id__in=previews).exists()
    assert ImportPreview.objects.filter(pk=recent.preview_id).exists()
    assert prune_abandoned_runs() == 0


def ready(task: Any) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY)
    )


def test_the_worker_start_queues_one_prune_and_each_prune_queues_the_next(db: Any) -> None:
    start_import_pruning()
    start_import_pruning()  # a second worker start adds no second prune
    [first] = ready(prune_import_runs_task)
    finished = commit_import_task.enqueue(0)  # an import task row that ended long ago
    DBTaskResult.objects.filter(pk=finished.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now() - timedelta(days=40)
    )
    DBTaskResult.objects.filter(pk=first.pk).delete()  # as if the worker had run it
    before = timezone.now()
    prune_import_runs_task.call()
    [following] = ready(prune_import_runs_task)
    assert following.run_after >= before + timedelta(days=1)
    assert not DBTaskResult.objects.filter(pk=finished.id).exists()
