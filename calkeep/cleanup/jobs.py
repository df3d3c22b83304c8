"""A bulk-rules job's life: queued → running (chunk after chunk) → done, with pause, resume,
retry of the contacts that failed, and revert (one record or the whole run).

Each chunk is its own transaction: it locks the job row and its contacts, reads the
contacts as they are now (a contact edited since the preview is judged on its present
values, and no edit can slip in between reading and writing), writes the changed ones with
a change record each, and moves the job's counts and cursor on. So a page sees progress
chunk by chunk, a pause takes effect at the next chunk, and a worker that died mid-way
leaves a job that resumes after the last finished chunk. Two workers on one job take
turns: the job row lock orders the chunks. The page, the task and `calkeep cleanup` call
these functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction
from django.utils import timezone

from calkeep.accounts.models import Membership
from calkeep.cleanup.engine import run_rules
from calkeep.cleanup.models import CleanupJob
from calkeep.cleanup.rules import Rule, rules_named
from calkeep.contacts.actions import bulk_update_contacts
from calkeep.contacts.changes import (
    Conflict,
    RevertOutcome,
    differences_since,
    keep_change,
    pending_changes,
    revert_changes,
    updated_record,
)
from calkeep.contacts.models import Contact, ContactChange, Operation

Status = CleanupJob.Status
CHUNK = 500
# A running job whose row has not moved for this long has lost its worker.
STALE_AFTER = timedelta(minutes=2)
MAX_FAILURE_MESSAGES = 1000


class NotAllowed(Exception):
    """Cleanup changes everyone's contacts: only a workspace admin may run it."""


# -- start ----------------------------------------------------------------------------------
def start_job(viewer: Membership, rule_names: Sequence[str], enqueue: bool = True) -> CleanupJob:
    """A job over every contact of the workspace that exists now. Unknown rule names raise
    UnknownRule before anything is written."""
    if not viewer.is_admin:
        raise NotAllowed("only workspace admins can run cleanup rules")
    rules = rules_named(rule_names)
    if not rules:
        raise ValueError("choose at least one rule")
    workspace = viewer.workspace
    contacts = Contact.objects.filter(workspace=workspace)
    with transaction.atomic():
        last_id = contacts.order_by("-pk").values_list("pk", flat=True).first() or 0
        operation = Operation.objects.create(
            workspace=workspace, kind=Operation.Kind.CLEANUP, actor=viewer.user,
            label=("Cleanup: " + ", ".join(r.title for r in rules))[:300],
        )  # fmt: skip
        job = CleanupJob.objects.create(
            workspace=workspace, rules=[r.name for r in rules], region=workspace.default_region,
            total=contacts.filter(pk__lte=last_id).count(), last_id=last_id, operation=operation,
            created_by=viewer.user,
        )  # fmt: skip
        if enqueue:
            _enqueue(job.pk)
    return job


def _enqueue(job_id: int) -> None:
    from calkeep.cleanup.rule_tasks import run_cleanup_task

    transaction.on_commit(lambda: run_cleanup_task.enqueue(job_id))


def apply_now(viewer: Membership, rule_names: Sequence[str]) -> CleanupJob:
    """`calkeep cleanup apply`: the same job, run to the end in this process."""
    job = start_job(viewer, rule_names, enqueue=False)
    run_job(job.pk)
    job.refresh_from_db()
    return job


# -- the worker -----------------------------------------------------------------------------
def run_job(job_id: int) -> None:
    """Chunk after chunk until the job is done, paused, or fails as a whole. Safe to run
    twice, and to run on a job a dead worker left "running"."""
    if not _begin(job_id):
        return
    try:
        while process_chunk(job_id):
            pass
    except Exception as error:
        CleanupJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
            status=Status.FAILED,
            error_message=f"The job stopped ({type(error).__name__}: {error}). The chunks "
            "before this one are saved; resume to go on from there.",
        )
        raise


def _begin(job_id: int) -> bool:
    with transaction.atomic():
        job = CleanupJob.objects.select_for_update().get(pk=job_id)
        if job.status == Status.RUNNING:
            return True
        if job.status != Status.QUEUED:
            return False
        job.status = Status.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.error_message = ""
        job.save(update_fields=["status", "started_at", "error_message", "updated_at"])
    return True


def process_chunk(job_id: int) -> bool:
    """One chunk in one transaction. False when there is nothing more to do now."""
    with transaction.atomic():
        job = CleanupJob.objects.select_for_update().get(pk=job_id)
        if job.status != Status.RUNNING:
            return False  # paused (or finished by another worker)
        contacts, covered = _next_contacts(job)
        if not covered:
            job.status = Status.DONE
            job.finished_at = timezone.now()
            job.save()
            return False
        result = _apply_rules(job, contacts)
        _count(job, covered, result)
        job.save()
    return True


def _next_contacts(job: CleanupJob) -> tuple[list[Contact], int]:
    """The chunk's contacts, locked, and how many ids it covers (deleted ones included)."""
    contacts = Contact.objects.select_for_update().filter(workspace_id=job.workspace_id)
    if job.retry_ids:
        ids = job.retry_ids[:CHUNK]
        job.retry_ids = job.retry_ids[CHUNK:]
        return list(contacts.filter(pk__in=ids).order_by("pk")), len(ids)
    chunk = list(contacts.filter(pk__gt=job.cursor, pk__lte=job.last_id).order_by("pk")[:CHUNK])
    if chunk:
        job.cursor = chunk[-1].pk
    return chunk, len(chunk)


@dataclass
class _ChunkResult:
    changed: list[tuple[Contact, list[str]]] = field(default_factory=list)
    failures: dict[int, str] = field(default_factory=dict)


def _apply_rules(job: CleanupJob, contacts: list[Contact]) -> _ChunkResult:
    rules = rules_named(job.rules)
    result = _ChunkResult()
    planned: list[tuple[Contact, dict[str, Any], list[str]]] = []
    for contact in contacts:
        try:
            outcome = run_rules(contact.editable_values(), rules, job.region)
        except Exception as error:  # one contact's odd data must not stop the job
            result.failures[contact.pk] = _reason(error)
            continue
        if outcome.changed:
            planned.append((contact, outcome.changed_fields(), outcome.rules))
    assert job.operation is not None
    try:
        with transaction.atomic():
            _write(job.operation, planned)
        result.changed = [(c, names) for c, _, names in planned]
    except DatabaseError:
        _write_one_by_one(job, planned, rules, result)
    return result


def _write(operation: Operation, planned: list[tuple[Contact, dict[str, Any], list[str]]]) -> None:
    befores = {contact.pk: contact.editable_values() for contact, _, _ in planned}
    touched = bulk_update_contacts([(contact, values) for contact, values, _ in planned])
    ContactChange.objects.bulk_create(
        [updated_record(operation, c, befores[c.pk]) for c in touched], batch_size=500
    )


def _write_one_by_one(
    job: CleanupJob,
    planned: list[tuple[Contact, dict[str, Any], list[str]]],
    rules: list[Rule],
    result: _ChunkResult,
) -> None:
    """The chunk's write failed as a whole (a value the database refuses): each contact
    again on its own, from the database's copy, so one bad contact fails alone."""
    assert job.operation is not None
    for contact, _, _ in planned:
        try:
            with transaction.atomic():
                fresh = Contact.objects.select_for_update().get(pk=contact.pk)
                outcome = run_rules(fresh.editable_values(), rules, job.region)
                if outcome.changed:
                    _write(job.operation, [(fresh, outcome.changed_fields(), outcome.rules)])
                    result.changed.append((fresh, outcome.rules))
        except DatabaseError as error:
            result.failures[contact.pk] = _reason(error)


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _count(job: CleanupJob, covered: int, result: _ChunkResult) -> None:
    job.done += covered
    job.changed += len(result.changed)
    for _, names in result.changed:
        for name in names:
            job.rule_counts[name] = job.rule_counts.get(name, 0) + 1
    job.failed += len(result.failures)
    job.failed_ids = [*job.failed_ids, *result.failures]
    for contact_id, message in result.failures.items():
        if len(job.failure_messages) < MAX_FAILURE_MESSAGES:
            job.failure_messages[str(contact_id)] = message


# -- pause, resume, retry ---------------------------------------------------------------------
def pause_job(job: CleanupJob) -> bool:
    """Stop after the chunk in progress."""
    return _move(job, (Status.QUEUED, Status.RUNNING), Status.PAUSED)


def can_resume(job: CleanupJob) -> bool:
    if job.revert_requested_at is not None:
        return False
    if job.status in (Status.PAUSED, Status.FAILED):
        return True
    return job.status in (Status.QUEUED, Status.RUNNING) and is_stalled(job)


def is_stalled(job: CleanupJob) -> bool:
    return job.updated_at is not None and timezone.now() - job.updated_at > STALE_AFTER


def resume_job(job: CleanupJob) -> bool:
    """Go on after the last finished chunk: a paused job, a failed one, or one whose
    worker stopped answering."""
    with transaction.atomic():
        locked = CleanupJob.objects.select_for_update().get(pk=job.pk)
        if not can_resume(locked):
            return False
        locked.status = Status.QUEUED
        locked.error_message = ""
        locked.save(update_fields=["status", "error_message", "updated_at"])
        _enqueue(locked.pk)
    return True


def can_retry(job: CleanupJob) -> bool:
    return job.status == Status.DONE and bool(job.failed_ids) and job.revert_requested_at is None


def retry_failed(job: CleanupJob) -> bool:
    """Run the rules again on the contacts that failed (and only those)."""
    with transaction.atomic():
        locked = CleanupJob.objects.select_for_update().get(pk=job.pk)
        if not can_retry(locked):
            return False
        locked.retry_ids = sorted(set(locked.failed_ids))
        locked.done = max(0, locked.done - len(locked.failed_ids))
        locked.failed, locked.failed_ids, locked.failure_messages = 0, [], {}
        locked.status, locked.finished_at = Status.QUEUED, None
        locked.save()
        _enqueue(locked.pk)
    return True


def _move(job: CleanupJob, sources: tuple[str, ...], target: str) -> bool:
    with transaction.atomic():
        locked = CleanupJob.objects.select_for_update().get(pk=job.pk)
        if locked.status not in sources:
            return False
        locked.status = target
        locked.save(update_fields=["status", "updated_at"])
    return True


# -- revert -----------------------------------------------------------------------------------
def can_revert_run(job: CleanupJob) -> bool:
    return (
        job.status in (Status.DONE, Status.PAUSED, Status.FAILED)
        and job.revert_requested_at is None
        and job.changed > 0
    )


def request_revert(
    job: CleanupJob, actor: AbstractBaseUser | None = None, enqueue: bool = True
) -> bool:
    """Revert the whole run in the worker. A paused or failed job stops here for good."""
    from calkeep.cleanup.rule_tasks import revert_cleanup_task

    with transaction.atomic():
        locked = CleanupJob.objects.select_for_update().get(pk=job.pk)
        if not can_revert_run(locked):
            return False
        locked.revert_requested_at = timezone.now()
        if locked.status != Status.DONE:
            locked.status, locked.finished_at = Status.DONE, timezone.now()
        locked.save()
        if enqueue:
            actor_id = actor.pk if actor is not None else None
            transaction.on_commit(lambda: revert_cleanup_task.enqueue(locked.pk, actor_id))
    return True


def revert_run(job_id: int, actor: AbstractBaseUser | None = None) -> RevertOutcome | None:
    """Revert every record of the run not yet reverted. Contacts edited since are left
    alone and listed as conflicts for a person to decide."""
    with transaction.atomic():
        job = CleanupJob.objects.select_for_update().get(pk=job_id)
        if not job.is_reverting or job.operation_id is None:
            return None
        operation = Operation.objects.get(pk=job.operation_id)
        outcome = revert_changes(
            job.workspace, pending_changes(operation), actor or job.created_by,
            label=f"Revert of cleanup run {job.pk}",
        )  # fmt: skip
        job.conflict_ids = sorted({*job.conflict_ids, *(c.change.pk for c in outcome.conflicts)})
        job.revert_finished_at = timezone.now()
        job.save(update_fields=["conflict_ids", "revert_finished_at", "updated_at"])
    return outcome


def revert_now(job: CleanupJob, actor: AbstractBaseUser | None = None) -> RevertOutcome | None:
    """`calkeep cleanup revert`: the whole run, in this process."""
    if not request_revert(job, actor, enqueue=False):
        return None
    outcome = revert_run(job.pk, actor)
    job.refresh_from_db()
    return outcome


def revert_record(
    job: CleanupJob, change: ContactChange, actor: AbstractBaseUser | None, force: bool = False
) -> RevertOutcome:
    """One contact back to how it was before the run. With later edits and without
    `force`, nothing changes and the record waits in the job's conflicts."""
    with transaction.atomic():
        locked = CleanupJob.objects.select_for_update().get(pk=job.pk)
        outcome = revert_changes(
            locked.workspace, [change], actor, f"Revert of a cleanup change (run {job.pk})", force
        )
        waiting = set(locked.conflict_ids) - {change.pk}
        locked.conflict_ids = sorted(waiting | {c.change.pk for c in outcome.conflicts})
        locked.save(update_fields=["conflict_ids", "updated_at"])
    job.conflict_ids = locked.conflict_ids
    return outcome


def keep_record(job: CleanupJob, change: ContactChange) -> None:
    """The person looked at the later edits and keeps the contact as it is now."""
    with transaction.atomic():
        locked = CleanupJob.objects.select_for_update().get(pk=job.pk)
        keep_change(change)
        locked.conflict_ids = [i for i in locked.conflict_ids if i != change.pk]
        locked.save(update_fields=["conflict_ids", "updated_at"])
    job.conflict_ids = locked.conflict_ids


def job_conflicts(job: CleanupJob) -> list[Conflict]:
    """Records whose revert met later edits and still wait for a decision."""
    if not job.conflict_ids or job.operation_id is None:
        return []
    changes = list(
        ContactChange.objects.filter(
            operation_id=job.operation_id, pk__in=job.conflict_ids, resolution=""
        ).order_by("pk")
    )
    contacts = Contact.objects.in_bulk([c.contact_ref for c in changes])
    found = []
    for change in changes:
        contact = contacts.get(change.contact_ref)
        if contact is not None and contact.version != change.version_after:
            found.append(Conflict(change, contact, differences_since(change, contact)))
    return found


def interrupted_jobs() -> list[tuple[object, list[object]]]:
    """(task, its arguments) for jobs a worker should be running or reverting:
    calkeep/worker.py re-queues those whose task is gone."""
    from calkeep.cleanup.rule_tasks import revert_cleanup_task, run_cleanup_task

    running = CleanupJob.objects.filter(status__in=[Status.QUEUED, Status.RUNNING])
    reverting = CleanupJob.objects.filter(
        revert_requested_at__isnull=False, revert_finished_at__isnull=True
    )
    found: list[tuple[object, list[object]]] = [
        (run_cleanup_task, [pk]) for pk in running.values_list("pk", flat=True)
    ]
    for pk, actor_id in reverting.values_list("pk", "created_by_id"):
        found.append((revert_cleanup_task, [pk, actor_id]))
    return found
