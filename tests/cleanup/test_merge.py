"""Merging duplicates into the oldest contact, links moving along, and unmerging."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from calkeep.accounts.models import Workspace
from calkeep.bookings.models import Booking, FollowUpTask
from calkeep.cleanup.merging import (
    MergeChoices,
    MergeRefused,
    merge_contacts,
    merged_values,
    unmerge,
)
from calkeep.contacts.actions import VersionConflict, update_contact
from calkeep.contacts.links import link_fields
from calkeep.contacts.models import Contact, ContactChange, ContactKey, Operation


def email(value: str, primary: bool = False) -> dict[str, Any]:
    return {"value": value, "label": "", "primary": primary}


def booking(workspace: Workspace, contact: Contact, title: str) -> Booking:
    return Booking.objects.create(
        workspace=workspace, contact=contact, title=title, attendee_name=contact.name,
        attendee_email=contact.primary_email(),
        starts_at=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip


def task(workspace: Workspace, contact: Contact, title: str) -> FollowUpTask:
    return FollowUpTask.objects.create(workspace=workspace, contact=contact, title=title)


@pytest.fixture
def trio(workspace: Workspace, admin: User, make_contact: Any) -> tuple[Contact, Contact, Contact]:
    """The same person three times; created in this order, so `first` is the oldest."""
    first = make_contact(owner=admin, organization="", emails=[email("ana@example.com", True)])
    second = make_contact(
        owner=admin, organization="Acme Robotics", notes="Met in Lisbon", phones=[],
        emails=[email("ANA@example.com"), email("ana@home.example", True)],
    )  # fmt: skip
    third = make_contact(owner=None, given_name="Anna", tags=["VIP"])
    return first, second, third


def test_links_are_found_by_introspection() -> None:
    labels = {f"{m._meta.label_lower}.{f}" for m, f in link_fields()}
    assert labels == {"bookings.booking.contact", "bookings.followuptask.contact"}


def test_merge_keeps_the_oldest_fills_blanks_and_unions_lists(
    workspace: Workspace, admin: User, trio: tuple[Contact, Contact, Contact]
) -> None:
    first, second, third = trio
    operation = merge_contacts(workspace, [third.pk, second.pk, first.pk], admin)

    survivor = Contact.objects.get()
    assert survivor.pk == first.pk
    assert survivor.given_name == "Ana"  # the survivor's own value wins
    assert survivor.organization == "Acme Robotics"  # a blank takes the oldest other value
    assert survivor.notes == "Met in Lisbon"
    assert [e["value"] for e in survivor.emails] == ["ana@example.com", "ana@home.example"]
    assert [e["primary"] for e in survivor.emails] == [True, False]
    assert len(survivor.phones) == 1 and survivor.tags == ["VIP"]
    assert survivor.version == 2
    keys = set(ContactKey.objects.values_list("contact_id", "value"))
    assert (first.pk, "ana@home.example") in keys and (first.pk, "vip") in keys

    assert operation.kind == Operation.Kind.MERGE
    records = list(operation.changes.order_by("pk"))
    assert [(r.action, r.contact_ref) for r in records] == [
        ("update", first.pk), ("delete", second.pk), ("delete", third.pk),
    ]  # fmt: skip
    assert records[0].before["organization"] == "" and records[0].after["organization"]
    assert records[1].before["_merged_into"] == first.pk


def test_chosen_values_win(workspace: Workspace, admin: User, trio: Any) -> None:
    first, second, third = trio
    choices = MergeChoices(
        scalars={"given_name": third.pk, "organization": first.pk},
        lists={"emails": [(second.pk, 1)], "tags": []},
    )
    values = merged_values([first, second, third], choices)
    assert values["given_name"] == "Anna" and values["organization"] == ""
    assert values["emails"] == [email("ana@home.example", True)]
    assert values["tags"] == []


def test_bookings_and_tasks_move_to_the_survivor_and_back_on_unmerge(
    workspace: Workspace, admin: User, trio: Any
) -> None:
    first, second, third = trio
    kept_booking = booking(workspace, first, "Kept")
    moved_booking = booking(workspace, second, "Moved")
    moved_task = task(workspace, third, "Call back")
    operation = merge_contacts(workspace, [first.pk, second.pk, third.pk], admin)

    assert set(first.bookings.values_list("title", flat=True)) == {"Kept", "Moved"}
    assert list(first.tasks.values_list("title", flat=True)) == ["Call back"]

    result = unmerge(operation, admin)

    assert result.done and not result.conflicts
    assert Contact.objects.count() == 3
    for contact, original in zip(Contact.objects.order_by("pk"), trio, strict=True):
        assert contact.pk == original.pk
        assert contact.editable_values() == original.editable_values()
        assert contact.owner_id == original.owner_id
        assert contact.created_at == original.created_at
    assert Booking.objects.get(pk=kept_booking.pk).contact_id == first.pk
    assert Booking.objects.get(pk=moved_booking.pk).contact_id == second.pk
    assert FollowUpTask.objects.get(pk=moved_task.pk).contact_id == third.pk
    assert set(ContactKey.objects.filter(contact=second).values_list("value", flat=True)) == {
        "ana@example.com", "ana@home.example",
    }  # fmt: skip
    operation.refresh_from_db()
    assert operation.reverted_at is not None
    assert unmerge(operation, admin).done is False  # a second unmerge does nothing


def test_a_link_made_after_the_merge_stays_with_the_survivor(
    workspace: Workspace, admin: User, trio: Any
) -> None:
    first, second, _ = trio
    operation = merge_contacts(workspace, [first.pk, second.pk], admin)
    later = booking(workspace, first, "After the merge")
    unmerge(operation, admin)
    assert Booking.objects.get(pk=later.pk).contact_id == first.pk


def test_unmerge_asks_when_the_survivor_was_edited_since(
    workspace: Workspace, admin: User, trio: Any
) -> None:
    first, second, _ = trio
    moved = booking(workspace, second, "Moved")
    operation = merge_contacts(workspace, [first.pk, second.pk], admin)
    update_contact(Contact.objects.get(pk=first.pk), {"title": "CTO"})

    asked = unmerge(operation, admin)

    assert not asked.done
    assert [d.field for d in asked.conflicts[0].differences] == ["title"]
    assert not Contact.objects.filter(pk=second.pk).exists()  # nothing changed yet

    kept = unmerge(operation, admin, decision="keep")

    assert kept.done and Contact.objects.filter(pk=second.pk).exists()
    survivor = Contact.objects.get(pk=first.pk)
    assert survivor.title == "CTO" and survivor.organization == "Acme Robotics"
    assert Booking.objects.get(pk=moved.pk).contact_id == second.pk
    assert ContactChange.objects.get(operation=operation, action="update").resolution == "kept"


def test_unmerge_anyway_restores_the_survivor(workspace: Workspace, admin: User, trio: Any) -> None:
    first, second, _ = trio
    operation = merge_contacts(workspace, [first.pk, second.pk], admin)
    update_contact(Contact.objects.get(pk=first.pk), {"title": "CTO"})

    assert unmerge(operation, admin, decision="revert").done
    survivor = Contact.objects.get(pk=first.pk)
    assert survivor.title == "" and survivor.organization == ""
    assert Contact.objects.filter(pk=second.pk).exists()


def test_unmerge_after_the_survivor_was_deleted_brings_the_others_back_with_their_links(
    workspace: Workspace, admin: User, trio: Any
) -> None:
    first, second, _ = trio
    moved = booking(workspace, second, "Moved")
    operation = merge_contacts(workspace, [first.pk, second.pk], admin)
    Contact.objects.get(pk=first.pk).delete()

    result = unmerge(operation, admin)

    assert result.done and result.outcome is not None
    assert result.outcome.gone == [first.pk]
    assert Booking.objects.get(pk=moved.pk).contact_id == second.pk


def test_merge_refuses_stale_views_and_foreign_or_missing_contacts(
    workspace: Workspace, other_workspace: Workspace, admin: User, trio: Any, make_contact: Any
) -> None:
    first, second, _ = trio
    update_contact(second, {"title": "CTO"})
    with pytest.raises(VersionConflict):
        merge_contacts(workspace, [first.pk, second.pk], admin, expected_versions={second.pk: 1})
    foreign = make_contact(ws=other_workspace)
    with pytest.raises(MergeRefused):
        merge_contacts(workspace, [first.pk, foreign.pk], admin)
    with pytest.raises(MergeRefused):
        merge_contacts(workspace, [first.pk], admin)
    assert Contact.objects.filter(workspace=workspace).count() == 3
    assert not Operation.objects.filter(kind="merge").exists()
