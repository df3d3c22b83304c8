"""Every write to contacts goes through here (pages, API, CLI, tasks and imports alike)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from calkeep.accounts.models import Membership, Workspace
from calkeep.contacts.bulk import insert_rows, json_text, reserve_ids, update_rows
from calkeep.contacts.models import (
    EDITABLE_FIELDS,
    Contact,
    ContactKey,
    key_values_of,
    search_text_of,
)
from calkeep.formats.draft import LIST_FIELDS, ContactDraft, stored_display_name
from calkeep.formats.draft_dicts import draft_to_dict
from calkeep.webhooks.outbox import contacts_created, contacts_updated, new_contacts_created

# The columns a new contact is written with (every one: bulk inserts fill no defaults).
_INSERT_COLUMNS = (
    "workspace_id", "owner_id", "source", *EDITABLE_FIELDS, "search_text", "created_at",
    "updated_at", "version",
)  # fmt: skip
_UPDATE_COLUMNS = (*EDITABLE_FIELDS, "search_text", "version", "updated_at")
_KEY_COLUMNS = ("workspace_id", "contact_id", "kind", "value")
_DELETE_CHUNK = 900


class VersionConflict(Exception):
    """The contact changed since the caller read it (its version moved on)."""

    def __init__(self, contact: Contact) -> None:
        super().__init__(f"contact {contact.pk} is at version {contact.version}")
        self.contact = contact


def values_from_draft(draft: ContactDraft) -> dict[str, Any]:
    data = draft_to_dict(draft)
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
        ids = [c.pk for c in contacts]
        for start in range(0, len(ids), _DELETE_CHUNK):
            ContactKey.objects.filter(contact_id__in=ids[start : start + _DELETE_CHUNK]).delete()
    rows = ((c.workspace_id, c.pk, kind, value) for c in contacts for kind, value in c.key_values())
    insert_rows(ContactKey, _KEY_COLUMNS, rows)


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
    contacts_created([contact])
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
    contacts_updated([current])
    return current


def _stored(field: str, value: Any) -> Any:
    return list(value) if field in LIST_FIELDS else (value or "")


def bulk_create_contacts(
    workspace: Workspace,
    owner: AbstractBaseUser | None,
    values_list: Iterable[dict[str, Any]],
    source: str,
) -> list[Contact]:
    """Many new contacts written the fastest way the backend has (contacts/bulk.py), as
    model instances; the caller holds the transaction."""
    return insert_contacts(workspace, owner, values_list, source).contacts()


def insert_contacts(
    workspace: Workspace,
    owner: AbstractBaseUser | None,
    values_list: Iterable[dict[str, Any]],
    source: str,
    endpoints: Sequence[int] | None = None,
) -> NewContacts:
    """`bulk_create_contacts` without model instances (an import's tens of thousands: a
    third of the time of writing them). Each contact's lists are encoded as JSON once, for
    its row and for its change record (`NewContacts.after_texts`). `endpoints`: the
    webhook endpoints listening for new contacts, when the caller looked them up already
    (webhooks.outbox.new_contacts_created)."""
    now = timezone.now()
    new = NewContacts(workspace, owner, source, now)
    owner_id = owner.pk if owner is not None else None
    rows = []
    for values in values_list:
        stored = _stored_values(values)
        columns, after = _columns_and_json(stored)
        search_text = search_text_of(stored)
        # The id (first) comes from reserve_ids below.
        rows.append([0, workspace.pk, owner_id, source, *columns, search_text, now, now, 1])
        new.values.append(stored)
        new.search_texts.append(search_text)
        new.after_texts.append(after)
    new.ids = reserve_ids(Contact, len(rows))
    for row, pk in zip(rows, new.ids, strict=True):
        row[0] = pk
    insert_rows(Contact, ("id", *_INSERT_COLUMNS), rows, encoded=LIST_FIELDS)
    del rows
    keys = (
        (workspace.pk, pk, kind, value)
        for pk, stored in zip(new.ids, new.values, strict=True)
        for kind, value in key_values_of(stored)
    )
    insert_rows(ContactKey, _KEY_COLUMNS, keys)
    new_contacts_created(workspace.pk, new.contacts, endpoints)
    return new


@dataclasses.dataclass
class NewContacts:
    """Contacts `insert_contacts` wrote, in the order of the values it was given: ids,
    the values as stored, and each contact's editable values as JSON text, exactly
    `json_text(contact.editable_values())` (what its change record's `after` holds)."""

    workspace: Workspace
    owner: AbstractBaseUser | None
    source: str
    created_at: datetime
    ids: list[int] = dataclasses.field(default_factory=list)
    values: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    search_texts: list[str] = dataclasses.field(default_factory=list)
    after_texts: list[str] = dataclasses.field(default_factory=list)
    _contacts: list[Contact] | None = None

    def contacts(self) -> list[Contact]:
        """The model instances, as `Contact.objects.get` would give them (built once)."""
        if self._contacts is None:
            self._contacts = [
                self._contact(pk, values, search_text)
                for pk, values, search_text in zip(
                    self.ids, self.values, self.search_texts, strict=True
                )
            ]
        return self._contacts

    def _contact(self, pk: int, values: dict[str, Any], search_text: str) -> Contact:
        data = {
            **values, "id": pk, "workspace_id": self.workspace.pk,
            "owner_id": self.owner.pk if self.owner is not None else None,
            "source": self.source, "search_text": search_text, "created_at": self.created_at,
            "updated_at": self.created_at, "version": 1,
        }  # fmt: skip
        contact = Contact.from_db(
            connection.alias, _CONTACT_ATTNAMES, [data[a] for a in _CONTACT_ATTNAMES]
        )
        Contact.workspace.field.set_cached_value(contact, self.workspace)
        if self.owner is not None:
            Contact.owner.field.set_cached_value(contact, self.owner)
        return contact


_CONTACT_ATTNAMES = [f.attname for f in Contact._meta.concrete_fields]
_EDITABLE = frozenset(EDITABLE_FIELDS)
_TEXT_FIELDS = tuple(f for f in EDITABLE_FIELDS if f not in LIST_FIELDS)
# Each editable field: whether it holds a list, and its key as json.dumps writes it.
_JSON_FIELDS = tuple((f, f in LIST_FIELDS, json_text(f) + ": ") for f in EDITABLE_FIELDS)
_json_string = json.encoder.encode_basestring_ascii  # json.dumps of a str, in C
_MISSING = object()


def _stored_values(values: dict[str, Any]) -> dict[str, Any]:
    """Every editable field as `_apply` sets it on a new contact (fresh lists, "" for a
    missing or empty text)."""
    if not values.keys() <= _EDITABLE:
        name = next(n for n in values if n not in _EDITABLE)
        raise ValueError(f"{name!r} is not an editable contact field")
    get = values.get
    stored = {name: get(name) or "" for name in _TEXT_FIELDS}
    for name in LIST_FIELDS:
        value = get(name, _MISSING)
        stored[name] = [] if value is _MISSING else list(value)
    return stored


def _columns_and_json(stored: dict[str, Any]) -> tuple[list[Any], str]:
    """The editable columns of the contact's row (lists as JSON text) and
    `json_text({f: stored[f] for f in EDITABLE_FIELDS})`, each list encoded once."""
    columns = []
    parts = []
    for name, is_list, key in _JSON_FIELDS:
        value = stored[name]
        if is_list:
            text = json_text(value) if value else "[]"
            columns.append(text)
        else:
            columns.append(value)
            text = _json_string(value) if type(value) is str else json_text(value)
        parts.append(key + text)
    return columns, "{" + ", ".join(parts) + "}"


def bulk_update_contacts(changes: Sequence[tuple[Contact, dict[str, Any]]]) -> list[Contact]:
    """Apply new values to many contacts, each version + 1; the caller holds the transaction."""
    now = timezone.now()
    touched = []
    for contact, values in changes:
        _apply(contact, values)
        contact.version += 1
        contact.updated_at = now
        touched.append(contact)
    rows = ([*(getattr(c, column) for column in _UPDATE_COLUMNS), c.pk] for c in touched)
    update_rows(Contact, _UPDATE_COLUMNS, rows)
    _write_keys(touched, replace=True)
    contacts_updated(touched)
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
        contact.created_at = datetime.fromisoformat(created)
    _write_keys([contact], replace=False)
    contacts_created([contact])
    return contact
