"""Every way a contact changes writes its event: pages, API, imports, merges, cleanup rules,
reverts; one event per changed contact, in the change's own transaction."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from calkeep.accounts.models import Membership, Workspace
from calkeep.cleanup.jobs import apply_now
from calkeep.cleanup.merging import merge_contacts, unmerge
from calkeep.contacts.actions import update_contact
from calkeep.contacts.models import Contact
from calkeep.transfers.actions import ImportOptions
from calkeep.transfers.runs import import_now
from calkeep.webhooks.models import Delivery, Event
from tests.api.conftest import ApiClient, token_for
from tests.contacts.formdata import edit_post
from tests.webhooks.helpers import endpoint_for
from tests.webhooks.receiver import Receiver

VCARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.com\r\nNOTE:imported\r\n"
    b"END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoe Park\r\nEMAIL:zoe@example.com\r\n"
    b"END:VCARD\r\n"
)


@pytest.fixture
def hooked(workspace: Workspace, receiver: Receiver) -> Receiver:
    endpoint_for(workspace, receiver.url)
    return receiver


def events() -> list[tuple[str, int]]:
    return list(Event.objects.order_by("created_at", "id").values_list("type", "contact_ref"))


def data_of(event: Event) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(event.body)
    return document["data"]


def test_the_api_writes_events_carrying_what_get_returns(
    hooked: Receiver, admin: User, workspace: Workspace
) -> None:
    api = ApiClient(token_for(admin, workspace))
    created = api.send("POST", "/contacts", {"given_name": "Ana"}).json()
    patched = api.send(
        "PATCH", f"/contacts/{created['id']}", {"family_name": "Lima"}, HTTP_IF_MATCH='"1"'
    ).json()
    assert events() == [("contact.created", created["id"]), ("contact.updated", created["id"])]
    first, second = Event.objects.order_by("created_at", "id")
    assert data_of(first) == created
    assert data_of(second) == patched == api.send("GET", f"/contacts/{created['id']}").json()
    assert Delivery.objects.count() == 2


def test_an_unchanged_save_writes_no_event(hooked: Receiver, make_contact: Any) -> None:
    contact = make_contact()
    update_contact(contact, {"given_name": contact.given_name})
    assert events() == [("contact.created", contact.pk)]


def test_the_edit_page_writes_an_event(
    hooked: Receiver, admin_client: Client, make_contact: Any
) -> None:
    contact = make_contact()
    response = admin_client.post(
        f"/w/acme/people/{contact.pk}/edit/", {**edit_post(contact), "given_name": "Bea"}
    )
    assert response.status_code == 302
    assert events()[-1] == ("contact.updated", contact.pk)
    assert data_of(Event.objects.get(type="contact.updated"))["given_name"] == "Bea"


def test_an_import_writes_one_event_per_contact(
    hooked: Receiver, admin: User, workspace: Workspace, make_contact: Any
) -> None:
    existing = make_contact(emails=[{"value": "ana@example.com", "label": "", "primary": True}])
    Event.objects.all().delete()
    viewer = Membership.objects.select_related("workspace", "user").get(user=admin)
    import_now(viewer, "two.vcf", VCARDS, ImportOptions(strategy="merge"))
    zoe = Contact.objects.get(emails__0__value="zoe@example.com")
    assert sorted(events()) == [("contact.created", zoe.pk), ("contact.updated", existing.pk)]
    assert data_of(Event.objects.get(type="contact.updated"))["notes"] == "imported"


def test_a_failed_import_writes_no_event(hooked: Receiver, admin: User, monkeypatch: Any) -> None:
    viewer = Membership.objects.select_related("workspace", "user").get(user=admin)

    def broken(*args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("calkeep.transfers.actions.write_change_records", broken)
    with pytest.raises(RuntimeError):
        import_now(viewer, "two.vcf", VCARDS, ImportOptions())
    assert not Contact.objects.exists()
    assert events() == [] and not Delivery.objects.exists()


def test_a_merge_updates_the_survivor_and_an_unmerge_brings_the_others_back(
    hooked: Receiver, admin: User, workspace: Workspace, make_contact: Any
) -> None:
    first = make_contact(owner=admin)
    second = make_contact(owner=admin, organization="Globex", notes="second")
    Event.objects.all().delete()
    operation = merge_contacts(workspace, [first.pk, second.pk], admin)
    assert events() == [("contact.updated", first.pk)]
    Event.objects.all().delete()
    assert unmerge(operation, admin).done
    assert sorted(events()) == [("contact.created", second.pk), ("contact.updated", first.pk)]
    restored = data_of(Event.objects.get(type="contact.created"))
    assert restored["notes"] == "second"
    assert restored["created_at"] == data_of_contact(second)["created_at"]


def data_of_contact(contact: Contact) -> dict[str, Any]:
    from calkeep.contacts.resource import contact_resource

    return contact_resource(Contact.objects.get(pk=contact.pk), None)


def test_cleanup_rules_write_one_event_per_changed_contact(
    hooked: Receiver, admin: User, make_contact: Any
) -> None:
    messy = make_contact(display_name="Dana Whitfield (Globex Corp)", organization="")
    make_contact(given_name="Clean")
    Event.objects.all().delete()
    viewer = Membership.objects.select_related("workspace", "user").get(user=admin)
    apply_now(viewer, ["split_name_company"])
    assert events() == [("contact.updated", messy.pk)]
