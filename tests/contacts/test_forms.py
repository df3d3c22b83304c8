from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from calkeep.contacts.actions import update_contact
from calkeep.contacts.forms import NEED_IDENTITY, ContactEditor
from tests.contacts.formdata import edit_post, new_contact_post


def editor_for(data: dict[str, str], **kwargs: Any) -> ContactEditor:
    query = QueryDict(mutable=True)
    query.update(data)
    return ContactEditor("US", query, **kwargs)


def test_email_syntax_error_is_reported_on_the_email_field() -> None:
    editor = editor_for(new_contact_post(emails=[{"value": "ana@"}]))
    assert not editor.is_valid()
    assert editor.emails.forms[0].errors["value"]


@pytest.mark.parametrize("email", ["x@host.invalid", "x@localhost", "Ana@Example.com "])
def test_odd_but_real_emails_are_accepted(email: str) -> None:
    editor = editor_for(new_contact_post(emails=[{"value": email}]))
    assert editor.is_valid(), editor.emails.errors
    assert editor.values()["emails"] == [{"value": email.strip(), "label": "", "primary": True}]


def test_special_use_domain_gives_a_notice_not_an_error() -> None:
    editor = editor_for(new_contact_post(emails=[{"value": "x@host.invalid"}]))
    assert editor.is_valid()
    editor.values()
    assert "special-use" in editor.email_notices[0]


def test_no_name_org_email_or_phone_is_refused() -> None:
    editor = editor_for(new_contact_post(department="Sales", notes="hello"))
    assert not editor.is_valid()
    assert editor.form.non_field_errors() == [NEED_IDENTITY]


@pytest.mark.parametrize(
    "fields",
    [{"given_name": "Ana"}, {"organization": "Acme"}, {"display_name": "Dr. A"}],
)
def test_a_name_or_organization_is_enough(fields: dict[str, str]) -> None:
    assert editor_for(new_contact_post(**fields)).is_valid()


def test_a_phone_alone_is_enough_even_unparseable() -> None:
    editor = editor_for(new_contact_post(phones=[{"raw": "call reception"}]))
    assert editor.is_valid()
    assert editor.values()["phones"] == [
        {"raw": "call reception", "e164": None, "label": "", "extension": ""}
    ]
    assert editor.phone_warnings == ["'call reception' is not a phone number"]


def test_a_removed_email_does_not_count() -> None:
    editor = editor_for(new_contact_post(emails=[{"value": "a@example.com", "DELETE": "on"}]))
    assert not editor.is_valid()
    assert editor.form.non_field_errors() == [NEED_IDENTITY]


def test_exactly_one_primary_email_after_save() -> None:
    editor = editor_for(
        new_contact_post(emails=[{"value": "a@example.com"}, {"value": "b@example.com"}])
    )
    assert editor.is_valid()
    assert [e["primary"] for e in editor.values()["emails"]] == [True, False]

    editor = editor_for(
        new_contact_post(
            emails=[{"value": "a@example.com"}, {"value": "b@example.com", "primary": "on"}]
        )
    )
    assert editor.is_valid()
    assert [e["primary"] for e in editor.values()["emails"]] == [False, True]


def test_two_primary_emails_are_refused() -> None:
    rows = [
        {"value": "a@example.com", "primary": "on"},
        {"value": "b@example.com", "primary": "on"},
    ]
    editor = editor_for(new_contact_post(emails=rows))
    assert not editor.is_valid()
    assert editor.emails.non_form_errors() == ["Mark only one email as primary."]


def test_custom_labels_are_kept_as_written_and_must_be_typed() -> None:
    rows = [{"raw": "+49 30 1234567", "label": "custom", "custom_label": "Fax (Büro)"}]
    editor = editor_for(new_contact_post(given_name="A", phones=rows))
    assert editor.is_valid()
    assert editor.values()["phones"][0]["label"] == "Fax (Büro)"

    editor = editor_for(new_contact_post(given_name="A", phones=[{"raw": "1", "label": "custom"}]))
    assert not editor.is_valid()
    assert editor.phones.forms[0].errors["custom_label"]


def test_phones_are_read_with_the_workspace_region_or_the_address_country() -> None:
    editor = editor_for(new_contact_post(phones=[{"raw": "030 1234567"}]))
    assert editor.is_valid()
    assert editor.values()["phones"][0]["e164"] is None

    editor = editor_for(
        new_contact_post(phones=[{"raw": "030 1234567"}], addresses=[{"country": "Germany"}])
    )
    assert editor.is_valid()
    assert editor.values()["phones"][0]["e164"] == "+49301234567"


def test_tel_uri_and_written_extensions_are_split_off() -> None:
    editor = editor_for(
        new_contact_post(
            phones=[{"raw": "tel:+1-201-555-0123;ext=45"}, {"raw": "201 555 0199 x12"}]
        )
    )
    assert editor.is_valid()
    first, second = editor.values()["phones"]
    assert (first["raw"], first["e164"], first["extension"]) == (
        "+1-201-555-0123",
        "+12015550123",
        "45",
    )
    assert (second["e164"], second["extension"]) == ("+12015550199", "12")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1990-04-23", "1990-04-23"), ("--04-23", "--04-23"), ("1990-4-3", "1990-04-03"),
     ("--02-29", "--02-29"), ("", "")],
)  # fmt: skip
def test_birthdays_with_or_without_year(typed: str, stored: str) -> None:
    editor = editor_for(new_contact_post(given_name="A", birthday=typed))
    assert editor.is_valid()
    assert editor.values()["birthday"] == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [("2023-02-30", "not a date in the calendar"), ("23/04/1990", "YYYY-MM-DD"),
     ("--13-01", "not a date in the calendar"), ("0000-01-01", "not a date in the calendar")],
)  # fmt: skip
def test_invalid_birthdays_say_why(typed: str, message: str) -> None:
    editor = editor_for(new_contact_post(given_name="A", birthday=typed))
    assert not editor.is_valid()
    assert message in editor.form.errors["birthday"][0]


def test_urls_must_be_web_addresses_with_or_without_scheme() -> None:
    editor = editor_for(new_contact_post(given_name="A", urls="https://a.example\n\nnot a site"))
    assert not editor.is_valid()
    assert editor.form.errors["urls"] == [
        "Line 3: “not a site” is not a web address, such as https://example.com or www.example.com."
    ]
    editor = editor_for(new_contact_post(given_name="A", urls="www.b.example"))
    assert editor.is_valid()
    assert editor.values()["urls"] == ["www.b.example"]

    editor = editor_for(
        new_contact_post(given_name="A", urls="https://a.example\nhttp://b.example/x")
    )
    assert editor.is_valid()
    assert editor.values()["urls"] == ["https://a.example", "http://b.example/x"]


def test_tags_are_split_trimmed_and_deduplicated() -> None:
    editor = editor_for(new_contact_post(given_name="A", tags=" VIP, lead,, vip ,Lead "))
    assert editor.is_valid()
    assert editor.values()["tags"] == ["VIP", "lead"]


def test_edit_keeps_an_imported_numbers_e164_while_its_text_is_unchanged(
    admin: User, make_contact: Any
) -> None:
    contact = make_contact(
        owner=admin,
        phones=[{"raw": "030 1234567", "e164": "+49301234567", "label": "", "extension": ""}],
    )
    editor = editor_for(edit_post(contact), contact=contact)
    assert editor.is_valid()
    assert editor.values()["phones"][0]["e164"] == "+49301234567"


def test_version_conflict_shows_what_changed_and_keeps_the_input(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    contact = make_contact(owner=admin)
    data = edit_post(contact)  # the page as the user opened it, at version 1
    update_contact(contact, {"organization": "Globex", "tags": ["moved"], "given_name": "Anna"})
    data["given_name"] = "Anabel"
    data["notes"] = "Prefers mornings"
    edit_url = reverse("contacts:edit", kwargs={"ws": "acme", "contact_id": contact.pk})

    response = admin_client.post(edit_url, data)

    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else saved this contact" in text
    assert "<dt>Organization</dt><dd>Globex</dd>" in text
    assert "<dt>Tags</dt><dd>moved</dd>" in text
    assert "<dt>Given name</dt><dd>Anna <strong>— you changed this too" in text
    assert "<dt>Notes</dt>" not in text
    assert 'value="Anabel"' in text and "Prefers mornings" in text
    contact.refresh_from_db()
    assert (contact.given_name, contact.notes, contact.version) == ("Anna", "", 2)

    # The re-shown form, saved as it stands, keeps both people's changes.
    form = response.context["editor"].form
    data.update(
        version=form["version"].value(), snapshot=form["snapshot"].value(),
        organization=form["organization"].value(), tags=form["tags"].value(),
    )  # fmt: skip
    assert admin_client.post(edit_url, data).status_code == 302
    contact.refresh_from_db()
    assert (contact.given_name, contact.notes) == ("Anabel", "Prefers mornings")
    assert (contact.organization, contact.tags, contact.version) == ("Globex", ["moved"], 3)


def test_conflict_without_a_snapshot_still_lists_the_differences(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    contact = make_contact(owner=admin)
    data = edit_post(contact)
    data["snapshot"] = "tampered"
    update_contact(contact, {"organization": "Globex"})
    edit_url = reverse("contacts:edit", kwargs={"ws": "acme", "contact_id": contact.pk})

    response = admin_client.post(edit_url, data)

    assert response.status_code == 409
    assert "<dt>Organization</dt><dd>Globex</dd>" in response.content.decode()
    assert response.context["editor"].form["organization"].value() == "Acme"


def test_saving_an_untouched_form_from_a_browser_changes_nothing(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    contact = make_contact(owner=admin, notes="Met at the fair.\nLikes mornings.", tags=["VIP"])
    data = edit_post(contact)
    data["notes"] = data["notes"].replace("\n", "\r\n")  # what a browser's textarea posts
    edit_url = reverse("contacts:edit", kwargs={"ws": "acme", "contact_id": contact.pk})

    assert admin_client.post(edit_url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.version == 1
    assert contact.notes == "Met at the fair.\nLikes mornings."
