"""Reverting cleanup changes through the change records: one record, the whole run in the
worker, and a revert that meets later edits (shown, never clobbered, decided by a person)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from calkeep.accounts.models import Membership, Workspace
from calkeep.cleanup import jobs
from calkeep.cleanup.models import CleanupJob
from calkeep.cleanup.rules import RULES
from calkeep.contacts.actions import update_contact
from calkeep.contacts.models import Contact, ContactChange, Operation
from tests.cleanup.messy_contacts import MESSY, make_messy

ALL = list(RULES)


@pytest.fixture
def viewer(admin: User) -> Membership:
    return Membership.objects.select_related("workspace", "user").get(user=admin)


def record_of(job: CleanupJob, contact: Contact) -> ContactChange:
    return ContactChange.objects.get(operation_id=job.operation_id, contact_ref=contact.pk)


def test_one_record_reverts_one_contact(
    workspace: Workspace, admin: User, viewer: Membership
) -> None:
    made = make_messy(workspace)
    job = jobs.apply_now(viewer, ALL)
    dana = made["split_name_company"]
    outcome = jobs.revert_record(job, record_of(job, dana), admin)
    assert outcome.reverted == [dana.pk] and not outcome.conflicts
    dana.refresh_from_db()
    assert (dana.display_name, dana.organization) == ("Dana Whitfield (Globex Corp)", "")
    assert record_of(job, dana).resolution == "reverted"
    revert = Operation.objects.get(kind="revert")
    assert revert.actor == admin and revert.changes.get().contact_ref == dana.pk
    olga = Contact.objects.get(pk=made["strip_outlook_boilerplate"].pk)
    assert olga.notes == "Prefers email."  # the run's other changes stay
    assert Operation.objects.get(pk=job.operation_id).reverted_at is None


def test_the_whole_run_reverts_in_the_worker(
    transactional_db: Any, workspace: Workspace, admin: User, viewer: Membership,
    run_worker: Any,
) -> None:  # fmt: skip
    made = make_messy(workspace)
    job = jobs.apply_now(viewer, ALL)
    assert jobs.can_revert_run(job)
    assert jobs.request_revert(job, admin)
    job.refresh_from_db()
    assert job.is_reverting and job.is_active and not jobs.can_revert_run(job)
    run_worker()
    job.refresh_from_db()
    assert job.revert_finished_at and not job.conflict_ids
    for rule, contact in made.items():
        contact.refresh_from_db()
        if rule != "clean":
            assert contact.notes == MESSY[rule].get("notes", "")
            assert contact.phones == MESSY[rule]["phones"]
            assert contact.version == 3
    assert Operation.objects.get(pk=job.operation_id).reverted_at is not None
    assert Operation.objects.get(kind="revert").actor == admin
    assert not jobs.can_resume(job) and not jobs.can_retry(job)


def test_a_revert_that_meets_later_edits_leaves_the_contact_and_shows_the_difference(
    workspace: Workspace, viewer: Membership
) -> None:
    made = make_messy(workspace)
    job = jobs.apply_now(viewer, ALL)
    dana = made["split_name_company"]
    update_contact(dana, {"title": "CFO"})  # someone edits after the run
    outcome = jobs.revert_now(job)
    assert outcome is not None
    assert [c.contact.pk for c in outcome.conflicts] == [dana.pk]
    dana.refresh_from_db()
    assert (dana.organization, dana.title) == ("Globex Corp", "CFO")  # not clobbered
    (conflict,) = jobs.job_conflicts(job)
    assert [(d.field, d.recorded, d.current) for d in conflict.differences] == [
        ("title", "", "CFO")
    ]
    assert Operation.objects.get(pk=job.operation_id).reverted_at is None  # one left

    jobs.keep_record(job, conflict.change)
    assert not jobs.job_conflicts(job)
    assert record_of(job, dana).resolution == "kept"
    assert Operation.objects.get(pk=job.operation_id).reverted_at is not None


def test_revert_anyway_restores_the_contact_as_it_was_before_the_run(
    workspace: Workspace, admin: User, viewer: Membership
) -> None:
    made = make_messy(workspace)
    job = jobs.apply_now(viewer, ["split_name_company"])
    dana = made["split_name_company"]
    update_contact(dana, {"title": "CFO"})
    outcome = jobs.revert_record(job, record_of(job, dana), admin)
    assert outcome.conflicts and not outcome.reverted
    job.refresh_from_db()
    assert job.conflict_ids == [record_of(job, dana).pk]
    jobs.revert_record(job, record_of(job, dana), admin, force=True)
    dana.refresh_from_db()
    assert (dana.display_name, dana.organization, dana.title) == (
        "Dana Whitfield (Globex Corp)", "", "",
    )  # fmt: skip
    job.refresh_from_db()
    assert job.conflict_ids == [] and not jobs.job_conflicts(job)


def test_a_contact_deleted_since_is_reported_gone(workspace: Workspace, viewer: Membership) -> None:
    made = make_messy(workspace)
    job = jobs.apply_now(viewer, ALL)
    deleted = made["relabel_phones"].pk
    made["relabel_phones"].delete()
    outcome = jobs.revert_now(job)
    assert outcome is not None and outcome.gone == [deleted]
    assert len(outcome.reverted) == 4 and not outcome.conflicts
    assert record_of_ref(job, deleted).resolution == "gone"


def record_of_ref(job: CleanupJob, contact_id: int) -> ContactChange:
    return ContactChange.objects.get(operation_id=job.operation_id, contact_ref=contact_id)


def test_a_running_job_is_not_reverted_as_a_whole(workspace: Workspace, viewer: Membership) -> None:
    make_messy(workspace)
    job = jobs.start_job(viewer, ALL, enqueue=False)
    assert not jobs.request_revert(job)
    jobs._begin(job.pk)
    jobs.process_chunk(job.pk)
    job.refresh_from_db()
    assert not jobs.can_revert_run(job)
    jobs.pause_job(job)
    job.refresh_from_db()
    assert jobs.revert_now(job) is not None  # a paused run may be reverted: it stops there
    job.refresh_from_db()
    assert job.status == CleanupJob.Status.DONE and not jobs.can_resume(job)
