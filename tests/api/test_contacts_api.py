"""The contacts API: what it writes and returns, through the same actions as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from calkeep.contacts.models import Contact
from tests.api.conftest import ApiClient

ANA = {
    "given_name": "Ana", "family_name": "Lima", "organization": "Acme",
    "emails": [{"value": "Ana@Example.com", "label": "work"}],
    "phones": [{"raw": "(201) 555-0123", "label": "mobile"}],
    "tags": ["Client", "client", "VIP"],
}  # fmt: skip
PRIMARY = {"value": "a@b.com", "primary": True}


def test_create_returns_the_contact_with_etag_and_location(api: ApiClient, admin: User) -> None:
    response = api.send("POST", "/contacts", ANA)
    assert response.status_code == 201
    body = response.json()
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"/api/v1/contacts/{body['id']}"
    assert body["source"] == "api" and body["version"] == 1
    assert body["owner"] == {"id": admin.pk, "email": admin.email}
    assert body["display_name"] == "Ana Lima"
    assert body["emails"] == [{"value": "Ana@Example.com", "label": "work", "primary": True}]
    assert body["phones"] == [
        {"raw": "(201) 555-0123", "e164": "+12015550123", "label": "mobile", "extension": ""}
    ]
    assert body["tags"] == ["Client", "VIP"]
    contact = Contact.objects.get(pk=body["id"])
    assert contact.owner == admin and contact.display_name == ""  # derived, not frozen
    assert ("email", "ana@example.com") in contact.key_values()


def test_an_unreadable_phone_is_kept_with_e164_null(api: ApiClient) -> None:
    body = api.send("POST", "/contacts", {"phones": [{"raw": "12 ext 3"}]}).json()
    assert body["phones"][0]["raw"] == "12 ext 3" and body["phones"][0]["e164"] is None


def test_phones_are_read_in_the_address_country_else_the_workspace_region(
    api: ApiClient,
) -> None:
    german = {
        "given_name": "Jörg",
        "addresses": [{"city": "Berlin", "country": "Germany"}],
        "phones": [{"raw": "030 1234567"}, {"raw": "tel:+1-201-555-0123;ext=45"}],
    }
    body = api.send("POST", "/contacts", german).json()
    assert [p["e164"] for p in body["phones"]] == ["+49301234567", "+12015550123"]
    assert body["phones"][1]["raw"] == "+1-201-555-0123"
    assert body["phones"][1]["extension"] == "45"


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"emails": [{"value": "ana@"}]}, "emails[0].value", "invalid_email"),
        ({"emails": [{"label": "work"}]}, "emails[0].value", "missing"),
        ({"given_name": "A", "emial": "x"}, "emial", "extra_forbidden"),
        ({"given_name": "A", "birthday": "2023-02-30"}, "birthday", "invalid_date"),
        ({"given_name": "A", "birthday": "23-02-03"}, "birthday", "string_pattern_mismatch"),
        ({"given_name": "A", "urls": ["not a url"]}, "urls[0]", "invalid_url"),
        ({"given_name": "A", "tags": ["x" * 101]}, "tags[0]", "too_long"),
        ({"given_name": "\ud800"}, "given_name", "string_unicode"),
        ({"notes": "only notes"}, None, "identity_required"),
        ({"emails": [PRIMARY, {**PRIMARY, "value": "c@d.com"}]}, "emails", "several_primary"),
    ],
)
def test_validation_errors_are_422_naming_the_field(
    api: ApiClient, payload: dict[str, Any], field: str | None, code: str
) -> None:
    response = api.send("POST", "/contacts", payload)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert (field, code) in [(e["field"], e["code"]) for e in errors]
    assert all(e["message"] for e in errors)
    assert not Contact.objects.exists()


def test_special_use_domains_are_kept_like_on_the_pages(api: ApiClient) -> None:
    response = api.send("POST", "/contacts", {"emails": [{"value": "root@localhost"}]})
    assert response.status_code == 201


def test_text_is_cleaned_like_the_form_cleans_it(api: ApiClient) -> None:
    body = api.send("POST", "/contacts", {"given_name": " Ana\x00 ", "notes": "a\r\nb"}).json()
    assert body["given_name"] == "Ana" and body["notes"] == "a\nb"


def test_a_body_that_is_not_json_is_400(api: ApiClient) -> None:
    response = api.post("/api/v1/contacts", "{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bad_request"


def test_get_returns_the_contact_with_its_etag(api: ApiClient, make_contact: Any) -> None:
    contact = make_contact(given_name="Bea")
    response = api.send("GET", f"/contacts/{contact.pk}")
    assert response.status_code == 200
    assert response["ETag"] == f'"{contact.version}"'
    assert response.json()["given_name"] == "Bea"
    assert response.json()["owner"] is None


def test_patch_needs_if_match(api: ApiClient, make_contact: Any) -> None:
    contact = make_contact()
    response = api.send("PATCH", f"/contacts/{contact.pk}", {"given_name": "X"})
    assert response.status_code == 428
    assert response.json()["errors"][0]["code"] == "if_match_required"
    contact.refresh_from_db()
    assert contact.given_name == "Ana"


def test_a_stale_if_match_gets_412_with_the_current_contact(
    api: ApiClient, make_contact: Any
) -> None:
    contact = make_contact()
    first = api.send("PATCH", f"/contacts/{contact.pk}", {"given_name": "Bo"}, HTTP_IF_MATCH='"1"')
    assert first.status_code == 200 and first["ETag"] == '"2"'
    stale = api.send("PATCH", f"/contacts/{contact.pk}", {"given_name": "Cy"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale["ETag"] == '"2"'
    assert stale.json()["current"]["given_name"] == "Bo"
    assert stale.json()["errors"][0]["code"] == "version_conflict"
    weak = api.send("PATCH", f"/contacts/{contact.pk}", {"given_name": "Cy"}, HTTP_IF_MATCH='W/"2"')
    assert weak.status_code == 412


def test_patch_changes_only_the_fields_sent(api: ApiClient, make_contact: Any) -> None:
    contact = make_contact(tags=["a"])
    response = api.send(
        "PATCH", f"/contacts/{contact.pk}", {"tags": ["b"], "birthday": "--02-29"},
        HTTP_IF_MATCH=f'"{contact.version}"',
    )  # fmt: skip
    body = response.json()
    assert response.status_code == 200
    assert body["tags"] == ["b"] and body["birthday"] == "--02-29"
    assert body["given_name"] == "Ana" and body["emails"][0]["value"] == "ana@example.com"
    assert body["version"] == contact.version + 1


def test_patch_with_nothing_new_keeps_the_version(api: ApiClient, make_contact: Any) -> None:
    contact = make_contact()
    body = api.send(
        "PATCH", f"/contacts/{contact.pk}", {"given_name": "Ana"}, HTTP_IF_MATCH="*"
    ).json()
    assert body["version"] == contact.version


def test_a_contact_read_can_be_sent_back_as_a_patch(api: ApiClient, make_contact: Any) -> None:
    contact = make_contact()
    read = api.send("GET", f"/contacts/{contact.pk}").json()
    editable = {k: v for k, v in read.items() if k not in ("id", "version", "created_at",
                "updated_at", "source", "owner")}  # fmt: skip
    response = api.send("PATCH", f"/contacts/{contact.pk}", editable, HTTP_IF_MATCH=read and '"1"')
    assert response.status_code == 200
    assert response.json()["version"] == 1  # nothing changed
    contact.refresh_from_db()
    assert contact.display_name == ""


def test_patch_cannot_remove_the_last_identity(api: ApiClient, make_contact: Any) -> None:
    contact = make_contact(organization="")
    response = api.send(
        "PATCH", f"/contacts/{contact.pk}",
        {"given_name": "", "family_name": "", "emails": [], "phones": []}, HTTP_IF_MATCH='"1"',
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "identity_required"


def test_a_member_token_sees_only_the_members_contacts(
    member_api: ApiClient, member: User, admin: User, make_contact: Any
) -> None:
    own = make_contact(owner=member, given_name="Mia")
    hidden = make_contact(owner=admin, given_name="Adam")
    listed = member_api.send("GET", "/contacts").json()["data"]
    assert [c["id"] for c in listed] == [own.pk]
    assert member_api.send("GET", f"/contacts/{hidden.pk}").status_code == 404
    created = member_api.send("POST", "/contacts", {"given_name": "New"}).json()
    assert created["owner"]["id"] == member.pk
