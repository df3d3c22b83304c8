"""The bulk writes (contacts/bulk.py under bulk_create_contacts, bulk_update_contacts and the
import's change records) store exactly what the ORM would, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from calkeep.accounts.models import Workspace
from calkeep.contacts.actions import (
    bulk_create_contacts,
    bulk_update_contacts,
    create_contact,
    insert_contacts,
)
from calkeep.contacts.bulk import json_text
from calkeep.contacts.changes import created_record, updated_record, write_change_records
from calkeep.contacts.models import Contact, ContactChange, ContactKey, Operation
from tests.conftest import contact_values

ODD = contact_values(
    display_name="Zoë \"Z\" O'Brien", prefix="Dr.", middle_name="日本", suffix="Jr.",
    department="R&D", title="=SUM(1)", birthday="--02-29", notes="line one\nline two 😀",
    tags=["VIP", "vip ", "Clients"], urls=["https://acme.example/a,b;c"],
    emails=[
        {"value": "Ana@Example.COM", "label": "work", "primary": True},
        {"value": "ana@example.com", "label": "home", "primary": False},
    ],
    phones=[
        {"raw": "(201) 555-0123", "e164": "+12015550123", "label": "mobile", "extension": "45"},
        {"raw": "call me", "e164": None, "label": "", "extension": ""},
    ],
    addresses=[{"label": "work", "street": "1 Main St", "extended": "", "city": "Springfield",
                "region": "IL", "postcode": "62701", "country": "US"}],
)  # fmt: skip


def stored_row(contact_id: int) -> dict[str, Any]:
    return Contact.objects.filter(pk=contact_id).values().get()


def keys_of(contact_id: int) -> list[tuple[int, str, str]]:
    rows = ContactKey.objects.filter(contact_id=contact_id).values_list(
        "workspace_id", "kind", "value"
    )
    return sorted(rows)


def test_bulk_created_contacts_are_stored_as_create_contact_stores_them(
    workspace: Workspace, admin: User
) -> None:
    single = create_contact(workspace, admin, ODD, source="import")
    with transaction.atomic():
        many = bulk_create_contacts(workspace, admin, [ODD, contact_values(), ODD], "import")
    assert [c.pk for c in many] == sorted(c.pk for c in many) and single.pk < many[0].pk
    for contact in many:
        assert not contact._state.adding
        assert Contact.objects.get(pk=contact.pk).editable_values() == contact.editable_values()
    ignored = {"id", "created_at", "updated_at"}
    expected = {k: v for k, v in stored_row(single.pk).items() if k not in ignored}
    assert {k: v for k, v in stored_row(many[0].pk).items() if k not in ignored} == expected
    assert keys_of(many[0].pk) == keys_of(single.pk) and len(keys_of(single.pk)) == 4
    row = stored_row(many[1].pk)
    assert row["created_at"] == row["updated_at"] == many[1].created_at
    assert row["owner_id"] == admin.pk and row["version"] == 1


def test_bulk_created_contacts_may_have_no_owner(workspace: Workspace) -> None:
    with transaction.atomic():
        (contact,) = bulk_create_contacts(workspace, None, [contact_values()], "import")
    assert stored_row(contact.pk)["owner_id"] is None


def test_bulk_update_writes_values_version_and_new_keys(workspace: Workspace, admin: User) -> None:
    first = create_contact(workspace, admin, contact_values())
    second = create_contact(workspace, admin, ODD)
    changes = [
        (first, {"given_name": "Anna", "tags": ["New"], "emails": []}),
        (second, {"phones": [], "notes": ""}),
    ]
    with transaction.atomic():
        touched = bulk_update_contacts(changes)
    assert [c.version for c in touched] == [2, 2]
    fresh = Contact.objects.get(pk=first.pk)
    assert (fresh.given_name, fresh.tags, fresh.emails, fresh.version) == ("Anna", ["New"], [], 2)
    assert fresh.updated_at == touched[0].updated_at
    assert fresh.search_text == touched[0].search_text and "anna" in fresh.search_text
    assert keys_of(first.pk) == [
        (workspace.pk, "phone", "+12015550123"), (workspace.pk, "tag", "new")
    ]  # fmt: skip
    assert Contact.objects.get(pk=second.pk).phones == []
    assert ("phone", "+12015550123") not in [(k, v) for _, k, v in keys_of(second.pk)]


def test_bulk_change_records_hold_what_the_record_constructors_hold(
    workspace: Workspace, admin: User
) -> None:
    operation = Operation.objects.create(workspace=workspace, kind=Operation.Kind.IMPORT)
    created = create_contact(workspace, admin, ODD)
    updated = create_contact(workspace, admin, contact_values())
    before = updated.editable_values()
    (updated,) = bulk_update_contacts([(updated, {"family_name": "Souza"})])
    write_change_records(operation, [created], [(updated, before)])
    stored = list(
        ContactChange.objects.filter(operation=operation).order_by("pk").values(
            "contact_id", "contact_ref", "action", "before", "after", "version_after",
            "resolution", "resolved_at",
        )
    )  # fmt: skip
    expected = [created_record(operation, created), updated_record(operation, updated, before)]
    assert stored == [
        {
            "contact_id": r.contact_id, "contact_ref": r.contact_ref, "action": r.action,
            "before": r.before, "after": r.after, "version_after": r.version_after,
            "resolution": "", "resolved_at": None,
        }
        for r in expected
    ]  # fmt: skip
    assert stored[1]["before"]["family_name"] == "Lima"
    assert stored[1]["after"]["family_name"] == "Souza"


@pytest.mark.parametrize("count", [0, 1])
def test_bulk_create_of_nothing_or_one(workspace: Workspace, count: int) -> None:
    with transaction.atomic():
        made = bulk_create_contacts(workspace, None, [contact_values()] * count, "import")
    assert len(made) == count == Contact.objects.count()


def test_contacts_inserted_without_instances_are_what_the_orm_reads_back(
    workspace: Workspace, admin: User
) -> None:
    """insert_contacts (the import's path) stores what bulk_create_contacts stores, and
    hands the change records each contact's values as the very JSON text Django writes."""
    values = [ODD, contact_values(), {"given_name": "Bo", "birthday": None, "tags": ("x",)}]
    operation = Operation.objects.create(workspace=workspace, kind=Operation.Kind.IMPORT)
    with transaction.atomic():
        new = insert_contacts(workspace, admin, values, "import")
        write_change_records(operation, new, ())
    stored = [Contact.objects.get(pk=pk) for pk in new.ids]
    assert new.ids == sorted(new.ids)
    assert [c.editable_values() for c in stored] == [c.editable_values() for c in new.contacts()]
    assert [c.search_text for c in stored] == new.search_texts
    for contact, built in zip(stored, new.contacts(), strict=True):
        assert not built._state.adding and built.pk == contact.pk
        assert stored_row(contact.pk) == {
            f.attname: getattr(built, f.attname) for f in Contact._meta.concrete_fields
        }
        assert keys_of(contact.pk) == sorted(
            (workspace.pk, kind, value) for kind, value in contact.key_values()
        )
    assert new.after_texts == [json.dumps(c.editable_values()) for c in new.contacts()]
    assert [json.loads(text) for text in new.after_texts] == [c.editable_values() for c in stored]
    records = ContactChange.objects.filter(operation=operation).order_by("pk")
    assert [(r.contact_id, r.after, r.before, r.version_after) for r in records] == [
        (c.pk, c.editable_values(), None, 1) for c in stored
    ]
    if connection.vendor == "sqlite":  # the text itself, as Django's own adaptation writes it
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT after, emails FROM contacts_contactchange JOIN contacts_contact"
                " ON contacts_contact.id = contact_id ORDER BY contacts_contactchange.id"
            )
            texts = cursor.fetchall()
        adapt = connection.ops.adapt_json_value
        assert texts == [(adapt(c.editable_values(), None), adapt(c.emails, None)) for c in stored]


def test_an_unknown_field_is_refused_before_anything_is_written(workspace: Workspace) -> None:
    with pytest.raises(ValueError, match="shoe_size"), transaction.atomic():
        insert_contacts(workspace, None, [contact_values(), {"shoe_size": 44}], "import")
    assert not Contact.objects.exists()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_json_text_is_json_dumps(value: Any) -> None:
    assert json_text(value) == json.dumps(value)


def test_json_text_fails_as_json_dumps_does() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="Circular reference detected"):
        json_text({"a": cycle})
    with pytest.raises(TypeError, match="not JSON serializable"):
        json_text([object()])


def test_keys_carry_their_contacts_workspace_and_go_with_it(
    workspace: Workspace, other_workspace: Workspace, admin: User
) -> None:
    """ContactKey.workspace has no database constraint of its own (the contact's covers
    it): every write copies the contact's workspace, and deleting a workspace deletes them."""
    first = create_contact(workspace, admin, ODD)
    with transaction.atomic():
        bulk_create_contacts(other_workspace, None, [contact_values()], "import")
        insert_contacts(workspace, admin, [contact_values(tags=["x"])], "import")
        bulk_update_contacts([(first, {"tags": ["New"]})])
    keys = ContactKey.objects.select_related("contact")
    assert keys.count() == 8
    assert all(key.workspace_id == key.contact.workspace_id for key in keys)
    workspace.delete()
    assert (
        list(ContactKey.objects.values_list("workspace_id", flat=True)) == [other_workspace.pk] * 2
    )


def _cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db
def test_write_cache_enlarges_sqlites_page_cache_meanwhile_only() -> None:
    from calkeep.contacts.bulk import write_cache

    if connection.vendor != "sqlite":
        with write_cache():  # nothing to do elsewhere, and nothing fails
            assert Contact.objects.count() == 0
        return
    before = _cache_size()
    with write_cache(4096):
        assert _cache_size() == -4096
    assert _cache_size() == before
    with pytest.raises(RuntimeError), write_cache(4096):
        raise RuntimeError("the write failed")
    assert _cache_size() == before


def test_the_commit_of_an_analysed_import_writes_with_the_larger_cache(
    admin: User, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the analysis' reading taken back; a commit that reads the file itself (here
    `calkeep import`) is at its memory peak already and keeps SQLite's usual cache. Either
    way the connection's cache is as it was afterwards."""
    from calkeep.accounts.models import Membership
    from calkeep.contacts.bulk import WRITE_CACHE_KIB
    from calkeep.transfers import runs
    from calkeep.transfers.actions import ImportOptions
    from tests.transfers.test_import import google_csv

    seen: list[int] = []
    original = runs.write_plan

    def spying(*args: Any, **kwargs: Any) -> Any:
        if connection.vendor == "sqlite":
            seen.append(_cache_size())
        return original(*args, **kwargs)

    monkeypatch.setattr(runs, "write_plan", spying)
    viewer = Membership.objects.select_related("workspace", "user").get(user=admin)
    before = _cache_size() if connection.vendor == "sqlite" else None
    data = google_csv("Ana,,Lima,,,ana@example.com,,,")
    assert runs.import_now(viewer, "a.csv", data, ImportOptions()).summary()["create"] == 1
    run = runs.receive_upload(viewer, "b.csv", data.replace(b"ana", b"bo"), ImportOptions())
    assert runs.queue_commit(run, "skip") and runs.commit_run(run.pk) is not None
    if before is not None:
        assert seen == [before, -WRITE_CACHE_KIB]
        assert _cache_size() == before
