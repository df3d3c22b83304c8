"""GET /contacts: cursor pages and filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from calkeep.contacts.actions import bulk_create_contacts
from calkeep.contacts.models import Contact
from tests.api.conftest import ApiClient
from tests.conftest import contact_values


def ids(response: Any) -> list[int]:
    return [c["id"] for c in response.json()["data"]]


def test_pages_of_100_by_default_and_the_cursor_walks_them_all(
    api: ApiClient, workspace: Any
) -> None:
    made = bulk_create_contacts(
        workspace, None, (contact_values(given_name=f"P{i}") for i in range(250)), "import"
    )
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        query = f"?cursor={cursor}" if cursor else ""
        response = api.send("GET", f"/contacts{query}")
        assert response.status_code == 200
        seen += ids(response)
        pages += 1
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted(c.pk for c in made)


def test_limit_is_at_most_1000(api: ApiClient, workspace: Any) -> None:
    bulk_create_contacts(workspace, None, (contact_values() for _ in range(1001)), "import")
    full = api.send("GET", "/contacts?limit=1000")
    assert len(ids(full)) == 1000 and full.json()["next_cursor"]
    too_many = api.send("GET", "/contacts?limit=1001")
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "limit"


def test_a_cursor_not_given_out_is_422(api: ApiClient) -> None:
    for cursor in ["nope", "YWZ0ZXI6LTE", "%00"]:
        response = api.send("GET", f"/contacts?cursor={cursor}")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "cursor"


def test_filters(api: ApiClient, make_contact: Any) -> None:
    ana = make_contact(tags=["VIP"])
    bob = make_contact(
        given_name="Bob", family_name="Stone", emails=[{"value": "bob@example.org"}],
        phones=[{"raw": "+49 30 1234567", "e164": "+49301234567"}],
    )  # fmt: skip
    assert ids(api.send("GET", "/contacts?q=stone")) == [bob.pk]
    assert ids(api.send("GET", "/contacts?email=BOB@example.org")) == [bob.pk]
    assert ids(api.send("GET", "/contacts?phone=%2B49%2030%20123%204567")) == [bob.pk]
    assert ids(api.send("GET", "/contacts?phone=201-555-0123")) == [ana.pk]
    assert ids(api.send("GET", "/contacts?tag=vip")) == [ana.pk]
    assert ids(api.send("GET", "/contacts?tag=vip&email=bob@example.org")) == []
    unreadable = api.send("GET", "/contacts?phone=abc")
    assert unreadable.status_code == 422 and unreadable.json()["errors"][0]["field"] == "phone"


def test_updated_since(api: ApiClient, make_contact: Any) -> None:
    old = make_contact()
    new = make_contact()
    Contact.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=2))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    response = api.get("/api/v1/contacts", {"updated_since": since})
    assert ids(response) == [new.pk]
    assert ids(api.get("/api/v1/contacts", {"updated_since": "2000-01-01T00:00:00Z"})) == [
        old.pk,
        new.pk,
    ]
    naive = (timezone.now() - timedelta(days=1)).replace(tzinfo=None).isoformat()
    for wrong in (naive, "yesterday", "0.5", "2026-01-31", "2026-13-01T00:00:00Z"):
        response = api.get("/api/v1/contacts", {"updated_since": wrong})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "updated_since"


def test_an_unknown_query_parameter_is_422(api: ApiClient, make_contact: Any) -> None:
    contact = make_contact()
    response = api.send("GET", "/contacts?emial=ana@example.com")
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "emial", "code": "unknown",
        "message": "'emial' is not a parameter of this operation.",
    }  # fmt: skip
    assert api.send("GET", f"/contacts/{contact.pk}?x=1").status_code == 422
