"""The People list's "No email or phone" filter (PRODUCT.md "Junk contacts")."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client


def test_people_list_filters_contacts_without_email_or_phone(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    make_contact(owner=admin)
    make_contact(owner=admin, given_name="Only", family_name="Email", phones=[])
    make_contact(owner=admin, given_name="Stub", family_name="Entry", emails=[], phones=[])
    make_contact(owner=admin, given_name="Odd", family_name="Phone", emails=[],
                 phones=[{"raw": "12345", "e164": None, "label": "", "extension": ""}])  # fmt: skip
    text = admin_client.get("/w/acme/people/?junk=1").content.decode()
    assert "Stub Entry" in text and "1 contact found" in text
    assert "Ana Lima" not in text and "Only Email" not in text and "Odd Phone" not in text
    assert 'name="junk" value="1" checked' in text
    all_text = admin_client.get("/w/acme/people/").content.decode()
    assert "4 contacts" in all_text


def test_junk_filter_with_nothing_to_show(admin_client: Client, make_contact: Any) -> None:
    make_contact()
    text = admin_client.get("/w/acme/people/?junk=1").content.decode()
    assert "Every contact has an email or a phone." in text
