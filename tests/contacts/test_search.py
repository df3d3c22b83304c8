from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from calkeep.accounts.models import Workspace
from calkeep.contacts.actions import bulk_create_contacts
from calkeep.contacts.models import Contact
from calkeep.contacts.search import order_by_name, tag_choices

LIST_URL = "/w/acme/people/"


def names(client: Client, **params: str) -> list[str]:
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return [c.name for c in response.context["page"].object_list]


@pytest.fixture
def book(admin: User, make_contact: Any) -> None:
    make_contact(owner=admin)  # Ana Lima, Acme, ana@example.com, (201) 555-0123
    make_contact(
        owner=admin, given_name="Jörg", family_name="Müller", organization="Initech",
        emails=[{"value": "joerg@initech.example", "label": "", "primary": True}],
        phones=[{"raw": "+12125550199", "e164": "+12125550199", "label": "", "extension": ""}],
    )  # fmt: skip
    make_contact(
        owner=admin, given_name="Bo", family_name="Kim", organization="", emails=[],
        phones=[{"raw": "030 1234567", "e164": "+49301234567", "label": "", "extension": ""}],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ana", ["Ana Lima"]),
        ("LIMA", ["Ana Lima"]),
        ("muller", ["Jörg Müller"]),
        ("Müller", ["Jörg Müller"]),
        ("ana@example.com", ["Ana Lima"]),
        ("initech.example", ["Jörg Müller"]),
        ("initech", ["Jörg Müller"]),
        ("acme", ["Ana Lima"]),
        ("jörg initech", ["Jörg Müller"]),
        ("nobody", []),
    ],
)
def test_search_by_name_email_and_organization(
    admin_client: Client, book: None, query: str, expected: list[str]
) -> None:
    assert names(admin_client, q=query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "(201) 555-0123",
        "201.555.0123",
        "+1 201 555 0123",
        "5550123",
        "2015550123",
        "+12015550123",
        "1-201-555-0123",
    ],
)
def test_search_a_phone_written_in_any_format(admin_client: Client, book: None, query: str) -> None:
    assert names(admin_client, q=query) == ["Ana Lima"]


@pytest.mark.parametrize("query", ["(212) 555-0199", "212.555.0199", "+1 212 555 0199", "5550199"])
def test_search_finds_a_number_stored_as_e164(admin_client: Client, book: None, query: str) -> None:
    assert names(admin_client, q=query) == ["Jörg Müller"]


@pytest.mark.parametrize("query", ["+49 30 1234567", "0049 30 1234567", "1234567"])
def test_search_finds_a_foreign_number(admin_client: Client, book: None, query: str) -> None:
    assert names(admin_client, q=query) == ["Bo Kim"]


def test_list_is_sorted_by_the_name_people_see(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    make_contact(owner=admin, given_name="zoe", family_name="", organization="")
    make_contact(owner=admin, given_name="", family_name="", organization="Beta Corp", emails=[])
    make_contact(owner=admin, display_name="Aaron (display)", given_name="Zed")
    make_contact(owner=admin, given_name="", family_name="", organization="", phones=[],
                 emails=[{"value": "carl@example.com", "label": "", "primary": True}])  # fmt: skip
    assert names(admin_client) == ["Aaron (display)", "Beta Corp", "carl@example.com", "zoe"]


def test_empty_search_says_nothing_matches(admin_client: Client, book: None) -> None:
    text = admin_client.get(LIST_URL, {"q": "zzz"}).content.decode()
    assert "No contact matches “zzz”" in text
    assert "No contacts yet" not in text


def test_tag_filter_lists_workspace_tags_with_their_casing(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    make_contact(owner=admin, tags=["VIP", "Lead"])
    make_contact(owner=admin, given_name="Bo", tags=["vip"])
    make_contact(owner=admin, given_name="Cy", tags=[])

    response = admin_client.get(LIST_URL)
    assert response.context["tags"] == [("lead", "Lead"), ("vip", "VIP")]
    assert '<option value="vip">VIP</option>' in response.content.decode()
    assert names(admin_client, tag="vip") == ["Ana Lima", "Bo Lima"]
    assert names(admin_client, tag="VIP") == ["Ana Lima", "Bo Lima"]
    assert names(admin_client, tag="lead") == ["Ana Lima"]
    assert names(admin_client, tag="lead", q="bo") == []
    text = admin_client.get(LIST_URL, {"tag": "lead", "q": "bo"}).content.decode()
    assert "No contact matches “bo” with the tag “Lead”" in text


def test_tag_choices_only_count_contacts_the_member_sees(
    member: User, admin: User, make_contact: Any, workspace: Workspace
) -> None:
    make_contact(owner=admin, tags=["Secret"])
    make_contact(owner=member, tags=["Mine"])
    membership = member.memberships.get()
    assert tag_choices(Contact.objects.visible_to(membership)) == [("mine", "Mine")]


def test_paging_fifty_a_page_keeps_query_and_tag(
    admin_client: Client, admin: User, workspace: Workspace
) -> None:
    values = [
        {"given_name": f"Person {i:03d}", "organization": "Paged", "tags": ["Bulk"]}
        for i in range(120)
    ]
    bulk_create_contacts(workspace, admin, values, source="import")

    first = admin_client.get(LIST_URL, {"q": "paged", "tag": "bulk"})
    page = first.context["page"]
    assert (len(page.object_list), page.paginator.num_pages) == (50, 3)
    assert page.object_list[0].name == "Person 000"
    text = first.content.decode()
    assert 'href="?q=paged&amp;tag=bulk&amp;page=2"' in text
    assert "Page 1 of 3" in text

    last = admin_client.get(LIST_URL, {"q": "paged", "tag": "bulk", "page": "3"})
    assert [c.name for c in last.context["page"].object_list][-1] == "Person 119"
    assert len(last.context["page"].object_list) == 20
    assert 'href="?q=paged&amp;tag=bulk&amp;page=2"' in last.content.decode()
    assert admin_client.get(LIST_URL, {"page": "999"}).context["page"].number == 3


def test_order_by_name_ties_break_on_id(admin: User, make_contact: Any) -> None:
    first, second = make_contact(owner=admin), make_contact(owner=admin)
    assert list(order_by_name(Contact.objects.all())) == [first, second]


def test_list_url_is_the_named_route() -> None:
    assert reverse("contacts:list", kwargs={"ws": "acme"}) == LIST_URL
