"""Every write to contacts goes through here (pages, API, CLI, tasks and imports alike)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from calkeep.accounts.models import Membership, Workspace
from calkeep.contacts.models import EDITABLE_FIELDS, Contact, ContactKey
from calkeep.formats.draft import LIST_FIELDS, ContactDraft, stored_display_name


class VersionConflict(Exception):
    """The contact changed since the caller read it (its version moved on)."""

    def __init__(self, contact: Contact) -> None:
        super().__init__(f"contact {contact.pk} is at version {contact.version}")
        self.contact = contact


def values_from_draft(draft: ContactDraft) -> dict[str, Any]:
    data = draft.to_dict()
    values = {f: data[f] for f in EDITABLE_FIELDS}
    values["birthday"] = values["birthday"] or ""
    values["display_name"] = stored_display_name(values)
    return values


def contact_to_dict(contact: Contact) -> dict[str, Any]:
    """A stored contact in the contract's shape (display_name is the effective one)."""
    values = contact.editable_values()
    values["display_name"] = contact.display_name or contact.derived_display_name()
    values["birthday"] = contact.birthday or None
    return values


def _apply(contact: Contact, values: dict[str, Any]) -> None:
    for field, value in values.items():
        if field not in EDITABLE_FIELDS:
            raise ValueError(f"{field!r} is not an editable contact field")
        setattr(contact, field, list(value) if field in LIST_FIELDS else (value or ""))
    contact.refresh_derived()


def _write_keys(contacts: Sequence[Contact], replace: bool) -> None:
    if replace:
        ContactKey.objects.filter(contact__in=[c.pk for c in contacts]).delete()
    ContactKey.objects.bulk_create([key for c in contacts for key in c.key_rows()], batch_size=2000)


@transaction.atomic
def create_contact(
    workspace: Workspace,
    owner: AbstractBaseUser | None,
    values: dict[str, Any],
    source: str = "manual",
) -> Contact:
    contact = Contact(workspace=workspace, owner=owner, source=source)  # type: ignore[misc]
    _apply(contact, values)
    contact.save()
    _write_keys([contact], replace=False)
    return contact


@transaction.atomic
def update_contact(
    contact: Contact, values: dict[str, Any], expected_version: int | None = None
) -> Contact:
    """Save changed fields; with `expected_version`, refuse when someone saved in between."""
    current = Contact.objects.select_for_update().get(pk=contact.pk)
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict(current)
    changed = {f: v for f, v in values.items() if getattr(current, f) != _stored(f, v)}
    if not changed:
        return current
    _apply(current, changed)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _write_keys([current], replace=True)
    return current


def _stored(field: str, value: Any) -> Any:
    return list(value) if field in LIST_FIELDS else (value or "")


def bulk_create_contacts(
    workspace: Workspace,
    owner: AbstractBaseUser | None,
    values_list: Iterable[dict[str, Any]],
    source: str,
) -> list[Contact]:
    """Many new contacts in few statements; the caller holds the transaction."""
    now = timezone.now()
    contacts = []
    for values in values_list:
        contact = Contact(workspace=workspace, owner=owner, source=source)  # type: ignore[misc]
        _apply(contact, values)
        contact.created_at = contact.updated_at = now
        contacts.append(contact)
    Contact.objects.bulk_create(contacts, batch_size=1000)
    _write_keys(contacts, replace=False)
    return contacts


def bulk_update_contacts(changes: Sequence[tuple[Contact, dict[str, Any]]]) -> list[Contact]:
    """Apply new values to many contacts, each version + 1; the caller holds the transaction."""
    now = timezone.now()
    touched = []
    for contact, values in changes:
        _apply(contact, values)
        contact.version += 1
        contact.updated_at = now
        touched.append(contact)
    Contact.objects.bulk_update(
        touched, [*EDITABLE_FIELDS, "search_text", "version", "updated_at"], batch_size=500
    )
    _write_keys(touched, replace=True)
    return touched


@transaction.atomic
def delete_contact(contact: Contact) -> None:
    contact.delete()


@transaction.atomic
def restore_contact(workspace: Workspace, contact_id: int, values: dict[str, Any]) -> Contact:
    """Bring a deleted contact back under its old id (undoing a delete or a merge)."""
    owner_id = values.get("_owner_id")
    if (
        owner_id is not None
        and not Membership.objects.filter(workspace=workspace, user_id=owner_id).exists()
    ):
        owner_id = None  # the owner left the workspace; the contact stays, unowned
    source = values.get("_source") or "manual"
    contact = Contact(pk=contact_id, workspace=workspace, owner_id=owner_id, source=source)
    _apply(contact, {k: v for k, v in values.items() if k in EDITABLE_FIELDS})
    contact.version = int(values.get("_version") or 0) + 1
    contact.save(force_insert=True)
    created = values.get("_created_at")
    if created:
        Contact.objects.filter(pk=contact.pk).update(created_at=datetime.fromisoformat(created))
    _write_keys([contact], replace=False)
    return contact
