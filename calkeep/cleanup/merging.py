"""Merging duplicate contacts, and unmerging (PRODUCT.md "Cleanup": reviewed by a person,
merged into the oldest contact, links move along; every change is a record that reverts).

A merge is one Operation (kind "merge"): an UPDATE record for the contact that stays (its
values before and after) and a DELETE record for each absorbed contact, whose snapshot also
lists the links (bookings, tasks, ...) moved to the survivor and the survivor's id. Unmerge
reverts that operation through `contacts.changes`: the survivor gets its values back, the
absorbed contacts come back under their ids, and their links move back to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from calkeep.accounts.models import Workspace
from calkeep.contacts.actions import VersionConflict, bulk_update_contacts
from calkeep.contacts.changes import (
    Conflict,
    RevertOutcome,
    conflicts_of,
    deleted_record,
    keep_change,
    pending_changes,
    revert_changes,
    updated_record,
)
from calkeep.contacts.combining import SCALAR_FIELDS, concat_unique
from calkeep.contacts.links import links_of, move_links
from calkeep.contacts.models import Contact, ContactChange, Operation
from calkeep.formats.draft import LIST_FIELDS

Action = ContactChange.Action


class MergeRefused(Exception):
    """The contacts cannot be merged as asked (too few, gone, another workspace)."""


@dataclass
class MergeChoices:
    """What the person picked: for each scalar field the contact whose value to keep, for
    each list field the (contact id, position) of the entries to keep. Missing fields take
    the default (`default_choices`)."""

    scalars: dict[str, int] = field(default_factory=dict)
    lists: dict[str, list[tuple[int, int]]] = field(default_factory=dict)


def survivor_of(contacts: Sequence[Contact]) -> Contact:
    """The contact a merge keeps: the oldest (lowest created_at, then id)."""
    return min(contacts, key=lambda c: (c.created_at, c.pk))


def in_merge_order(contacts: Sequence[Contact]) -> list[Contact]:
    return sorted(contacts, key=lambda c: (c.created_at, c.pk))


def default_choices(contacts: Sequence[Contact]) -> MergeChoices:
    """The survivor's value for each field, or the oldest non-empty one when it has none;
    every list entry (repeats by normalized value are dropped when merging)."""
    ordered = in_merge_order(contacts)
    choices = MergeChoices()
    for name in SCALAR_FIELDS:
        holder = next((c for c in ordered if getattr(c, name)), ordered[0])
        choices.scalars[name] = holder.pk
    for name in LIST_FIELDS:
        choices.lists[name] = [(c.pk, i) for c in ordered for i in range(len(getattr(c, name)))]
    return choices


def merged_values(contacts: Sequence[Contact], choices: MergeChoices) -> dict[str, Any]:
    """The survivor's values after the merge."""
    by_id = {c.pk: c for c in contacts}
    defaults = default_choices(contacts)
    values: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        holder = by_id.get(choices.scalars.get(name, defaults.scalars[name]))
        values[name] = getattr(holder or by_id[defaults.scalars[name]], name)
    for name in LIST_FIELDS:
        picked = choices.lists.get(name, defaults.lists[name])
        entries = [
            getattr(by_id[cid], name)[i]
            for cid, i in picked
            if cid in by_id and 0 <= i < len(getattr(by_id[cid], name))
        ]
        values[name] = concat_unique(name, [], entries)
    values["emails"] = _one_primary(values["emails"])
    return values


def _one_primary(emails: list[dict[str, Any]]) -> list[dict[str, Any]]:
    first = next((i for i, e in enumerate(emails) if e.get("primary")), 0 if emails else None)
    return [{**e, "primary": i == first} for i, e in enumerate(emails)]


@transaction.atomic
def merge_contacts(
    workspace: Workspace,
    contact_ids: Sequence[int],
    actor: AbstractBaseUser | None,
    choices: MergeChoices | None = None,
    expected_versions: Mapping[int, int] | None = None,
) -> Operation:
    """Merge the contacts into the oldest one; with `expected_versions`, refuse (raise
    VersionConflict) when one changed since the person looked at them."""
    contacts = _lock(workspace, contact_ids)
    for contact in contacts:
        expected = (expected_versions or {}).get(contact.pk)
        if expected is not None and contact.version != expected:
            raise VersionConflict(contact)
    survivor = survivor_of(contacts)
    absorbed = [c for c in in_merge_order(contacts) if c.pk != survivor.pk]
    values = merged_values(contacts, choices or default_choices(contacts))
    label = (
        f"Merged {len(absorbed)} contact{'s' if len(absorbed) != 1 else ''} into {survivor.name}"
    )
    operation = Operation.objects.create(
        workspace=workspace, kind=Operation.Kind.MERGE, actor=actor, label=label[:300]
    )  # type: ignore[misc]
    records = _absorb(operation, survivor, absorbed)
    before = survivor.editable_values()
    bulk_update_contacts([(survivor, values)])
    records.insert(0, updated_record(operation, survivor, before))
    ContactChange.objects.bulk_create(records)
    return operation


def _lock(workspace: Workspace, contact_ids: Sequence[int]) -> list[Contact]:
    ids = sorted(set(contact_ids))
    if len(ids) < 2:
        raise MergeRefused("Choose at least two contacts to merge.")
    contacts = list(
        Contact.objects.select_for_update().filter(workspace=workspace, pk__in=ids).order_by("pk")
    )
    if len(contacts) != len(ids):
        raise MergeRefused("One of these contacts was deleted or merged meanwhile.")
    return contacts


def _absorb(operation: Operation, survivor: Contact, absorbed: list[Contact]) -> list[Any]:
    """Move each absorbed contact's links to the survivor, then delete it; its DELETE
    record remembers the links and where they went."""
    links = links_of(c.pk for c in absorbed)
    records = []
    for contact in absorbed:
        record = deleted_record(operation, contact)
        record.before = {**(record.before or {}), "_merged_into": survivor.pk,
                         "_links": links[contact.pk]}  # fmt: skip
        records.append(record)
        move_links(links[contact.pk], contact.pk, survivor.pk)
    Contact.objects.filter(pk__in=[c.pk for c in absorbed]).delete()
    return records


# -- unmerge -----------------------------------------------------------------------------------
@dataclass
class UnmergeResult:
    done: bool  # False: nothing changed, the survivor was edited since (see conflicts)
    conflicts: list[Conflict]
    outcome: RevertOutcome | None = None


def merge_conflicts(operation: Operation) -> list[Conflict]:
    """The survivor, when it was edited after the merge: its differences since."""
    return conflicts_of(operation)


def unmerge(
    operation: Operation, actor: AbstractBaseUser | None, decision: str | None = None
) -> UnmergeResult:
    """Revert a merge. When the survivor was edited since, nothing happens until the person
    decides: "revert" (the survivor goes back to its values before the merge; the later
    edits are lost) or "keep" (the survivor stays as it is; the others still come back)."""
    with transaction.atomic():
        operation = Operation.objects.select_for_update().get(pk=operation.pk)
        if operation.kind != Operation.Kind.MERGE or operation.reverted_at is not None:
            return UnmergeResult(done=False, conflicts=[])
        conflicts = merge_conflicts(operation)
        if conflicts and decision not in ("revert", "keep"):
            return UnmergeResult(done=False, conflicts=conflicts)
        if conflicts and decision == "keep":
            for conflict in conflicts:
                keep_change(conflict.change)
        outcome = revert_changes(
            operation.workspace, pending_changes(operation), actor,
            f"Unmerge: {operation.label}", force=decision == "revert",
        )  # fmt: skip
    return UnmergeResult(done=True, conflicts=[], outcome=outcome)


def merge_summary(operation: Operation) -> dict[str, Any]:
    """What a merge did, for its page: the survivor and the absorbed contacts' names."""
    changes = list(operation.changes.order_by("pk"))
    survivor = next((c for c in changes if c.action == Action.UPDATE), None)
    absorbed = [c for c in changes if c.action == Action.DELETE]
    return {
        "survivor": survivor,
        "survivor_contact": Contact.objects.filter(pk=survivor.contact_ref).first()
        if survivor
        else None,
        "absorbed": [
            {"id": c.contact_ref, "name": _snapshot_name(c.before or {}),
             "links": sum(len(v) for v in (c.before or {}).get("_links", {}).values()),
             "resolution": c.resolution}
            for c in absorbed
        ],
    }  # fmt: skip


def _snapshot_name(values: Mapping[str, Any]) -> str:
    name = values.get("display_name") or " ".join(
        p for p in (values.get("given_name"), values.get("family_name")) if p
    )
    emails = values.get("emails") or []
    return str(name or values.get("organization") or (emails[0].get("value") if emails else ""))
