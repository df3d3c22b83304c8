"""A worker starting up takes over work a stopped worker left behind."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from calkeep.accounts.models import Membership, Workspace
from calkeep.contacts.models import Contact
from calkeep.transfers.actions import ImportOptions
from calkeep.transfers.models import ImportRun
from calkeep.transfers.runs import receive_upload
from calkeep.transfers.tasks import commit_import_task
from calkeep.worker import recover_interrupted_work

VCARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.com\r\nEND:VCARD\r\n"


def previewed_run(admin: User, workspace: Workspace) -> ImportRun:
    viewer = Membership.objects.get(user=admin, workspace=workspace)
    return receive_upload(viewer, "a.vcf", VCARD, ImportOptions())


def test_a_run_whose_task_was_lost_is_queued_again(
    transactional_db: Any, admin: User, workspace: Workspace, run_worker: Any
) -> None:
    run = previewed_run(admin, workspace)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)  # no task row
    assert recover_interrupted_work() == 1
    assert recover_interrupted_work() == 0  # its task is waiting now: nothing more to add
    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED and Contact.objects.count() == 1


def test_a_task_running_for_too_long_belongs_to_a_dead_worker(
    transactional_db: Any, admin: User, workspace: Workspace, run_worker: Any
) -> None:
    run = previewed_run(admin, workspace)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED)
    commit_import_task.enqueue(run.pk)
    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    assert recover_interrupted_work() == 1
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 1
    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED


def test_a_recently_started_task_is_left_to_its_worker(
    transactional_db: Any, admin: User, workspace: Workspace
) -> None:
    run = previewed_run(admin, workspace)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    commit_import_task.enqueue(run.pk)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert recover_interrupted_work() == 0


def test_a_cleanup_revert_left_pending_is_queued_again(
    transactional_db: Any, admin: User, workspace: Workspace, make_contact: Any, run_worker: Any
) -> None:
    from calkeep.cleanup import jobs

    make_contact(owner=admin, notes="Call back.\n\nCall back.")
    viewer = Membership.objects.get(user=admin, workspace=workspace)
    job = jobs.apply_now(viewer, ["dedupe_note_paragraphs"])
    assert job.changed == 1
    assert jobs.request_revert(job, admin, enqueue=False)  # as if the enqueue was lost
    assert recover_interrupted_work() == 1
    run_worker()
    job.refresh_from_db()
    assert job.revert_finished_at is not None
    assert Contact.objects.get().notes == "Call back.\n\nCall back."
