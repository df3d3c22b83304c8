"""Change records (the seed's DedupOperation) and reverting them. Imports, cleanup rules and
merges all write ContactChange rows through `record_*`; one record or a whole operation can
be reverted. A revert never clobbers an edit made since: a contact whose version moved on is
reported as a conflict with its differences, and left alone until the person decides."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from calkeep.accounts.models import Workspace
from calkeep.contacts.actions import NewContacts, bulk_update_contacts, restore_contact
from calkeep.contacts.bulk import insert_rows, json_text
from calkeep.contacts.links import describe_links, links_of, restore_merged_links
from calkeep.contacts.models import EDITABLE_FIELDS, Contact, ContactChange, Operation

Action = ContactChange.Action
Resolution = ContactChange.Resolution
_CHUNK = 500


def snapshot(contact: Contact) -> dict[str, Any]:
    """Everything needed to bring a deleted contact back as it was."""
    return {
        **contact.editable_values(),
        "_owner_id": contact.owner_id,
        "_source": contact.source,
        "_created_at": contact.created_at.isoformat() if contact.created_at else None,
        "_version": contact.version,
    }


def created_record(operation: Operation, contact: Contact) -> ContactChange:
    return ContactChange(
        operation=operation, contact=contact, contact_ref=contact.pk, action=Action.CREATE,
        before=None, after=contact.editable_values(), version_after=contact.version,
    )  # fmt: skip


def updated_record(operation: Operation, contact: Contact, before: dict[str, Any]) -> ContactChange:
    return ContactChange(
        operation=operation, contact=contact, contact_ref=contact.pk, action=Action.UPDATE,
        before=before, after=contact.editable_values(), version_after=contact.version,
    )  # fmt: skip


def deleted_record(operation: Operation, contact: Contact) -> ContactChange:
    return ContactChange(
        operation=operation, contact=None, contact_ref=contact.pk, action=Action.DELETE,
        before=snapshot(contact), after=None, version_after=None,
    )  # fmt: skip


_RECORD_COLUMNS = (
    "operation_id", "contact_id", "contact_ref", "action", "before", "after", "version_after",
    "created_at", "resolution", "resolved_at",
)  # fmt: skip


def write_change_records(
    operation: Operation,
    created: Iterable[Contact] | NewContacts,
    updated: Iterable[tuple[Contact, dict[str, Any]]],
) -> None:
    """What `created_record` and `updated_record` would hold for each contact, written
    straight away in bulk: an import makes tens of thousands (contacts/bulk.py). Contacts
    from `insert_contacts` bring their `after` as JSON text already."""
    now = timezone.now()
    if isinstance(created, NewContacts):
        creates: Iterable[tuple[int, str, int]] = zip(
            created.ids, created.after_texts, itertools.repeat(1)
        )
    else:
        creates = ((c.pk, json_text(c.editable_values()), c.version) for c in created)
    rows = itertools.chain(
        (
            (operation.pk, pk, pk, Action.CREATE, None, after, version, now, "", None)
            for pk, after, version in creates
        ),
        (
            (operation.pk, c.pk, c.pk, Action.UPDATE,
             None if before is None else json_text(before), json_text(c.editable_values()),
             c.version, now, "", None)
            for c, before in updated
        ),
    )  # fmt: skip
    insert_rows(ContactChange, _RECORD_COLUMNS, rows, encoded=("before", "after"))


@dataclass
class FieldDifference:
    field: str
    recorded: Any  # the value this change left
    current: Any  # the value now


@dataclass
class Conflict:
    change: ContactChange
    contact: Contact
    differences: list[FieldDifference]


@dataclass
class RevertOutcome:
    operation: Operation | None = None
    reverted: list[int] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def differences_since(change: ContactChange, contact: Contact) -> list[FieldDifference]:
    recorded = change.after or {}
    current = contact.editable_values()
    return [
        FieldDifference(name, recorded.get(name), current.get(name))
        for name in EDITABLE_FIELDS
        if (recorded.get(name) or None) != (current.get(name) or None)
    ]


def pending_changes(operation: Operation) -> list[ContactChange]:
    return list(operation.changes.filter(resolution="").order_by("-pk"))


def conflicts_of(operation: Operation) -> list[Conflict]:
    """Records of an operation a revert left alone because the contact changed since."""
    changes = [c for c in pending_changes(operation) if c.action != Action.DELETE]
    contacts = _contacts_by_id(operation.workspace, [c.contact_ref for c in changes], lock=False)
    created = [c.contact_ref for c in changes if c.action == Action.CREATE]
    linked = {cid: links for cid, links in links_of(created).items() if links}
    conflicts = []
    for change in changes:
        contact = contacts.get(change.contact_ref)
        if contact is None:
            continue
        differences = differences_since(change, contact)
        if change.action == Action.CREATE and contact.pk in linked:
            differences.append(FieldDifference("links", "", describe_links(linked[contact.pk])))
        elif contact.version == change.version_after:
            continue
        conflicts.append(Conflict(change, contact, differences))
    return conflicts


@transaction.atomic
def revert_changes(
    workspace: Workspace,
    changes: Sequence[ContactChange],
    actor: AbstractBaseUser | None,
    label: str,
    force: bool = False,
) -> RevertOutcome:
    """Undo these records, newest first. With `force`, later edits are overwritten too
    (the person saw the differences and chose to revert anyway)."""
    outcome = RevertOutcome()
    todo = sorted((c for c in changes if not c.resolution), key=lambda c: c.pk, reverse=True)
    if not todo:
        return outcome
    operation = Operation.objects.create(
        workspace=workspace, kind=Operation.Kind.REVERT, actor=actor, label=label[:300]
    )  # type: ignore[misc]
    outcome.operation = operation
    contacts = _contacts_by_id(workspace, [c.contact_ref for c in todo], lock=True)
    plan = _RevertPlan()
    for change in todo:
        _plan_revert(change, contacts.get(change.contact_ref), force, plan, outcome)
    if not force:
        _hold_linked_deletes(plan, outcome)
    _apply(operation, plan)
    _resolve(plan.reverted, Resolution.REVERTED)
    _resolve(plan.gone, Resolution.GONE)
    _close_finished_operations({c.operation_id for c in todo})
    return outcome


@dataclass
class _RevertPlan:
    deletes: list[Contact] = field(default_factory=list)
    delete_changes: dict[int, ContactChange] = field(default_factory=dict)
    updates: list[tuple[Contact, dict[str, Any]]] = field(default_factory=list)
    recreates: list[ContactChange] = field(default_factory=list)
    reverted: list[ContactChange] = field(default_factory=list)
    gone: list[ContactChange] = field(default_factory=list)


def _plan_revert(
    change: ContactChange, contact: Contact | None, force: bool, plan: _RevertPlan,
    outcome: RevertOutcome,
) -> None:  # fmt: skip
    if change.action == Action.DELETE:
        if contact is None:
            plan.recreates.append(change)
            plan.reverted.append(change)
            outcome.reverted.append(change.contact_ref)
        else:
            plan.gone.append(change)  # the id is in use again: nothing to bring back
            outcome.gone.append(change.contact_ref)
        return
    if contact is None:
        plan.gone.append(change)
        outcome.gone.append(change.contact_ref)
        return
    if contact.version != change.version_after and not force:
        outcome.conflicts.append(Conflict(change, contact, differences_since(change, contact)))
        return
    if change.action == Action.CREATE:
        plan.deletes.append(contact)
        plan.delete_changes[contact.pk] = change
    else:
        plan.updates.append((contact, _editable(change.before or {})))
    plan.reverted.append(change)
    outcome.reverted.append(change.contact_ref)


def _hold_linked_deletes(plan: _RevertPlan, outcome: RevertOutcome) -> None:
    """A contact created by the change that has gained bookings, tasks or other links since
    is not deleted without asking: its version does not move when a booking points at it,
    yet deleting it would cut those links."""
    linked = {cid: links for cid, links in links_of(c.pk for c in plan.deletes).items() if links}
    if not linked:
        return
    kept = []
    for contact in plan.deletes:
        if contact.pk not in linked:
            kept.append(contact)
            continue
        change = plan.delete_changes[contact.pk]
        plan.reverted.remove(change)
        outcome.reverted.remove(contact.pk)
        links = FieldDifference("links", "", describe_links(linked[contact.pk]))
        differences = [*differences_since(change, contact), links]
        outcome.conflicts.append(Conflict(change, contact, differences))
    plan.deletes = kept


def _editable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in EDITABLE_FIELDS if k in values}


def _apply(operation: Operation, plan: _RevertPlan) -> None:
    records = [deleted_record(operation, c) for c in plan.deletes]
    befores = {c.pk: c.editable_values() for c, _ in plan.updates}
    for contact in bulk_update_contacts(plan.updates):
        records.append(updated_record(operation, contact, befores[contact.pk]))
    for start in range(0, len(plan.deletes), _CHUNK):
        ids = [c.pk for c in plan.deletes[start : start + _CHUNK]]
        Contact.objects.filter(pk__in=ids).delete()
    for change in plan.recreates:
        contact = restore_contact(operation.workspace, change.contact_ref, change.before or {})
        restore_merged_links(change.before or {}, contact)
        records.append(created_record(operation, contact))
    ContactChange.objects.bulk_create(records, batch_size=1000)


def _resolve(changes: Iterable[ContactChange], resolution: str) -> None:
    now = timezone.now()
    ids = [c.pk for c in changes]
    for start in range(0, len(ids), _CHUNK):
        ContactChange.objects.filter(pk__in=ids[start : start + _CHUNK]).update(
            resolution=resolution, resolved_at=now
        )


def _close_finished_operations(operation_ids: set[int]) -> None:
    for operation_id in operation_ids:
        if not ContactChange.objects.filter(operation_id=operation_id, resolution="").exists():
            Operation.objects.filter(pk=operation_id, reverted_at=None).update(
                reverted_at=timezone.now()
            )


def _contacts_by_id(workspace: Workspace, ids: list[int], lock: bool) -> dict[int, Contact]:
    found: dict[int, Contact] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), _CHUNK):
        query = Contact.objects.filter(workspace=workspace, pk__in=unique[start : start + _CHUNK])
        if lock:
            query = query.select_for_update()
        found.update((c.pk, c) for c in query)
    return found


@transaction.atomic
def keep_change(change: ContactChange) -> None:
    """The person looked at a conflict and keeps the contact as it is now."""
    ContactChange.objects.filter(pk=change.pk, resolution="").update(
        resolution=Resolution.KEPT, resolved_at=timezone.now()
    )
    _close_finished_operations({change.operation_id})
