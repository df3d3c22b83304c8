"""The bulk-rules job with the real task worker: chunks, counts, pause and resume, a worker
that died mid-way, per-contact failures and their retry, edits made after the preview."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError
from django.utils import timezone

from calkeep.accounts.models import Membership, Workspace
from calkeep.cleanup import jobs
from calkeep.cleanup.models import CleanupJob
from calkeep.cleanup.rules import RULES, Rule, UnknownRule
from calkeep.contacts.actions import update_contact
from calkeep.contacts.models import Contact, ContactChange, Operation
from tests.cleanup.messy_contacts import make_messy

Status = CleanupJob.Status
ALL = list(RULES)


@pytest.fixture
def viewer(admin: User) -> Membership:
    return Membership.objects.select_related("workspace", "user").get(user=admin)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "CHUNK", 2)


def records_of(job: CleanupJob) -> list[ContactChange]:
    return list(ContactChange.objects.filter(operation_id=job.operation_id).order_by("pk"))


def failing(name: str, when: Any) -> Rule:
    """The rule, raising for the contacts `when` picks (odd data a rule chokes on)."""
    rule = RULES[name]

    def apply(values: Any, region: str) -> Any:
        if when(values):
            raise ValueError("unexpected value")
        return rule.apply(values, region)

    return Rule(rule.name, rule.title, rule.description, rule.reads, apply)


def test_the_job_waits_for_the_worker_then_runs_in_chunks_and_records_every_change(
    transactional_db: Any, workspace: Workspace, admin: User, viewer: Membership,
    run_worker: Any, small_chunks: None,
) -> None:  # fmt: skip
    made = make_messy(workspace, admin)
    job = jobs.start_job(viewer, ALL)
    assert (job.status, job.total, job.done) == (Status.QUEUED, 6, 0)
    assert not records_of(job)

    run_worker()
    job.refresh_from_db()
    assert (job.status, job.done, job.changed, job.failed) == (Status.DONE, 6, 5, 0)
    assert job.rule_counts == dict.fromkeys(RULES, 1)
    assert job.started_at and job.finished_at
    operation = Operation.objects.get(pk=job.operation_id)
    assert (operation.kind, operation.actor, operation.workspace) == ("cleanup", admin, workspace)
    records = records_of(job)
    assert sorted(r.contact_ref for r in records) == sorted(
        c.pk for k, c in made.items() if k != "clean"
    )
    dana = Contact.objects.get(pk=made["split_name_company"].pk)
    record = next(r for r in records if r.contact_ref == dana.pk)
    assert record.action == "update" and record.version_after == dana.version == 2
    assert record.before["display_name"] == "Dana Whitfield (Globex Corp)"
    assert record.after == dana.editable_values()
    assert (dana.display_name, dana.organization) == ("Dana Whitfield", "Globex Corp")
    assert Contact.objects.get(pk=made["clean"].pk).version == 1


def test_each_chunk_moves_the_counts_and_the_cursor(
    workspace: Workspace, viewer: Membership, small_chunks: None
) -> None:
    made = make_messy(workspace)
    job = jobs.start_job(viewer, ["strip_outlook_boilerplate"], enqueue=False)
    assert jobs._begin(job.pk)
    assert jobs.process_chunk(job.pk)
    job.refresh_from_db()
    ids = sorted(c.pk for c in made.values())
    assert (job.status, job.done, job.changed, job.cursor) == (Status.RUNNING, 2, 1, ids[1])
    while jobs.process_chunk(job.pk):
        pass
    job.refresh_from_db()
    assert (job.status, job.done, job.changed) == (Status.DONE, 6, 1)


def test_a_paused_job_stops_after_its_chunk_and_resumes_where_it_stopped(
    transactional_db: Any, workspace: Workspace, viewer: Membership, run_worker: Any,
    small_chunks: None, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    make_messy(workspace)
    job = jobs.start_job(viewer, ALL)
    original = jobs.process_chunk

    def then_pause(job_id: int) -> bool:
        more = original(job_id)
        jobs.pause_job(CleanupJob.objects.get(pk=job_id))  # the person clicks Pause
        return more

    monkeypatch.setattr(jobs, "process_chunk", then_pause)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.done) == (Status.PAUSED, 2)
    assert len(records_of(job)) == 2
    assert not jobs.pause_job(job) and jobs.can_resume(job)

    monkeypatch.setattr(jobs, "process_chunk", original)
    assert jobs.resume_job(job)
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.done, job.changed) == (Status.DONE, 6, 5)
    assert len({r.contact_ref for r in records_of(job)}) == len(records_of(job)) == 5


def test_a_job_whose_worker_died_resumes_after_the_last_finished_chunk(
    transactional_db: Any, workspace: Workspace, viewer: Membership, run_worker: Any,
    small_chunks: None,
) -> None:  # fmt: skip
    make_messy(workspace)
    job = jobs.start_job(viewer, ALL, enqueue=False)
    jobs._begin(job.pk)
    jobs.process_chunk(job.pk)  # then the worker process is killed
    job.refresh_from_db()
    assert job.status == Status.RUNNING and not jobs.can_resume(job)
    CleanupJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - jobs.STALE_AFTER * 2)
    job.refresh_from_db()
    assert jobs.is_stalled(job) and jobs.can_resume(job)
    assert jobs.resume_job(job)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.done, job.changed) == (Status.DONE, 6, 5)
    assert len({r.contact_ref for r in records_of(job)}) == len(records_of(job)) == 5


def test_a_contact_a_rule_fails_on_is_recorded_and_retried_later(
    transactional_db: Any, workspace: Workspace, viewer: Membership, run_worker: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    made = make_messy(workspace)
    dana = made["split_name_company"]
    monkeypatch.setitem(
        RULES, "split_name_company",
        failing("split_name_company", lambda v: v.get("given_name") == "Dana"),
    )  # fmt: skip
    job = jobs.start_job(viewer, ALL)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.done, job.changed, job.failed) == (Status.DONE, 6, 4, 1)
    assert job.failed_ids == [dana.pk]
    assert "ValueError: unexpected value" in job.failure_messages[str(dana.pk)]
    assert Contact.objects.get(pk=dana.pk).version == 1  # left exactly as it was
    assert jobs.can_retry(job)

    monkeypatch.undo()  # the cause is fixed
    assert jobs.retry_failed(job)
    job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.retry_ids) == (Status.QUEUED, 5, 0, [dana.pk])
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.done, job.changed, job.failed) == (Status.DONE, 6, 5, 0)
    assert Contact.objects.get(pk=dana.pk).organization == "Globex Corp"
    assert not jobs.can_retry(job)


def test_a_value_the_database_refuses_fails_that_contact_alone(
    workspace: Workspace, viewer: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = make_messy(workspace)
    bad = made["relabel_phones"].pk
    write = jobs._write

    def refusing(operation: Any, planned: list) -> None:
        if any(contact.pk == bad for contact, _, _ in planned):
            raise DatabaseError("value too long")
        write(operation, planned)

    monkeypatch.setattr(jobs, "_write", refusing)
    job = jobs.apply_now(viewer, ALL)
    assert (job.status, job.changed, job.failed, job.failed_ids) == (Status.DONE, 4, 1, [bad])
    assert Contact.objects.get(pk=bad).version == 1
    assert Contact.objects.get(pk=made["split_name_company"].pk).version == 2


def test_a_job_that_breaks_down_fails_whole_chunks_only_and_can_be_resumed(
    transactional_db: Any, workspace: Workspace, viewer: Membership, run_worker: Any,
    small_chunks: None, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    make_messy(workspace)
    calls = {"n": 0}
    count = jobs._count

    def breaking(job: CleanupJob, covered: int, result: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise DatabaseError("connection lost")
        count(job, covered, result)

    monkeypatch.setattr(jobs, "_count", breaking)
    job = jobs.start_job(viewer, ALL)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.done) == (Status.FAILED, 2)
    assert "connection lost" in job.error_message
    assert len(records_of(job)) == 2  # the broken chunk wrote nothing
    assert jobs.resume_job(job)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.done, job.changed) == (Status.DONE, 6, 5)


def test_a_contact_edited_after_the_preview_is_judged_on_its_present_values(
    workspace: Workspace, viewer: Membership
) -> None:
    made = make_messy(workspace)
    dana = made["split_name_company"]
    update_contact(dana, {"organization": "Initech"})  # fixed by hand meanwhile
    cleo = made["clean"]
    update_contact(cleo, {"notes": "Call back.\n\n.\n\n."})  # new junk since the preview
    job = jobs.apply_now(viewer, ["split_name_company", "strip_outlook_boilerplate"])
    dana.refresh_from_db()
    assert (dana.display_name, dana.organization) == ("Dana Whitfield (Globex Corp)", "Initech")
    cleo.refresh_from_db()
    assert cleo.notes == "Call back." and cleo.version == 3
    record = ContactChange.objects.get(operation_id=job.operation_id, contact_ref=cleo.pk)
    assert record.before["notes"] == "Call back.\n\n.\n\n." and record.version_after == 3


def test_only_admins_start_jobs_and_unknown_rules_are_refused(
    workspace: Workspace, member: User, viewer: Membership
) -> None:
    with pytest.raises(jobs.NotAllowed):
        jobs.start_job(Membership.objects.get(user=member), ALL)
    with pytest.raises(UnknownRule):
        jobs.start_job(viewer, ["relabel_phones", "tidy"])
    with pytest.raises(ValueError):
        jobs.start_job(viewer, [])
    assert not CleanupJob.objects.exists() and not Operation.objects.exists()


def test_the_job_covers_the_contacts_that_existed_when_it_started(
    workspace: Workspace, viewer: Membership
) -> None:
    make_messy(workspace)
    job = jobs.start_job(viewer, ALL, enqueue=False)
    later = Contact.objects.create(workspace=workspace, notes="Late.\n\n.\n\n.")
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert (job.done, job.total) == (6, 6)
    later.refresh_from_db()
    assert later.version == 1
