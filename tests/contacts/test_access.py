from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import Http404
from django.test import Client
from django.urls import reverse

from calkeep.accounts.models import Workspace
from calkeep.bookings.actions import add_task
from calkeep.contacts.access import get_contact_for_user
from calkeep.contacts.models import Contact
from tests.contacts.formdata import edit_post

CONTACT_PAGES = ["detail", "edit", "delete"]


def url(name: str, ws: str = "acme", **kwargs: Any) -> str:
    return reverse(f"contacts:{name}", kwargs={"ws": ws, **kwargs})


def listed(client: Client) -> set[str]:
    return {c.name for c in client.get(url("list")).context["page"].object_list}


@pytest.fixture
def contacts(admin: User, member: User, make_contact: Any) -> dict[str, Contact]:
    return {
        "admin": make_contact(owner=admin, given_name="Adam"),
        "member": make_contact(owner=member, given_name="Mia"),
        "orphan": make_contact(owner=None, given_name="Olaf"),
    }


def test_admin_sees_every_workspace_contact(
    admin_client: Client, contacts: dict[str, Contact]
) -> None:
    assert listed(admin_client) == {"Adam Lima", "Mia Lima", "Olaf Lima"}


def test_member_sees_only_own_contacts(member_client: Client, contacts: dict[str, Contact]) -> None:
    assert listed(member_client) == {"Mia Lima"}
    assert member_client.get(url("list"), {"q": "adam"}).context["page"].paginator.count == 0


@pytest.mark.parametrize("page", CONTACT_PAGES)
def test_member_gets_404_for_someone_elses_contact(
    member_client: Client, contacts: dict[str, Contact], page: str
) -> None:
    assert member_client.get(url(page, contact_id=contacts["admin"].pk)).status_code == 404
    assert member_client.get(url(page, contact_id=contacts["member"].pk)).status_code == 200


def test_member_cannot_edit_delete_or_add_tasks_to_hidden_contacts(
    member_client: Client, admin: User, contacts: dict[str, Contact]
) -> None:
    hidden = contacts["admin"]
    task = add_task(hidden, admin, "Call", None)
    posts = [
        (url("edit", contact_id=hidden.pk), edit_post(hidden)),
        (url("delete", contact_id=hidden.pk), {}),
        (url("task_create", contact_id=hidden.pk), {"title": "Sneaky"}),
        (url("task_done", contact_id=hidden.pk, task_id=task.pk), {}),
    ]
    for target, data in posts:
        assert member_client.post(target, data).status_code == 404
    hidden.refresh_from_db()
    task.refresh_from_db()
    assert hidden.version == 1 and task.done_at is None
    assert hidden.tasks.count() == 1


@pytest.mark.parametrize("page", CONTACT_PAGES)
def test_outsider_gets_404_for_acme_contacts(
    outsider_client: Client, contacts: dict[str, Contact], page: str
) -> None:
    contact = contacts["admin"]
    assert outsider_client.get(url(page, contact_id=contact.pk)).status_code == 404
    # Their own workspace's URL with acme's id: still 404, never 403.
    assert outsider_client.get(url(page, ws="globex", contact_id=contact.pk)).status_code == 404


def test_outsider_posts_to_acme_contacts_change_nothing(
    outsider_client: Client, contacts: dict[str, Contact]
) -> None:
    contact = contacts["admin"]
    data = edit_post(contact) | {"organization": "Globex"}
    for ws in ("acme", "globex"):
        assert (
            outsider_client.post(url("edit", ws=ws, contact_id=contact.pk), data).status_code == 404
        )
        assert outsider_client.post(url("delete", ws=ws, contact_id=contact.pk)).status_code == 404
    contact.refresh_from_db()
    assert contact.organization == "Acme"


@pytest.mark.parametrize(
    "path", ["/w/acme/people/", "/w/acme/people/new/", "/w/acme/bookings/", "/w/acme/bookings/new/"]
)
def test_outsider_gets_404_for_acme_pages(outsider_client: Client, path: str) -> None:
    assert outsider_client.get(path).status_code == 404


def test_outsider_sees_only_their_workspace(
    outsider_client: Client,
    outsider: User,
    contacts: dict[str, Contact],
    other_workspace: Workspace,
    make_contact: Any,
) -> None:
    make_contact(owner=outsider, ws=other_workspace, given_name="Greta")
    response = outsider_client.get(url("list", ws="globex"))
    assert {c.name for c in response.context["page"].object_list} == {"Greta Lima"}


def test_anonymous_visitors_are_sent_to_login(client: Client, contacts: dict[str, Contact]) -> None:
    response = client.get(url("detail", contact_id=contacts["admin"].pk))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_new_contacts_belong_to_their_creator(
    member_client: Client, member: User, contacts: dict[str, Contact]
) -> None:
    from tests.contacts.formdata import new_contact_post

    member_client.post(url("create"), new_contact_post(given_name="Nora"))
    nora = Contact.objects.get(given_name="Nora")
    assert (nora.owner, nora.source, nora.workspace.slug) == (member, "manual", "acme")
    assert "Nora" in {
        c.given_name for c in member_client.get(url("list")).context["page"].object_list
    }


def test_get_contact_for_user_raises_404_across_workspaces(
    outsider: User, admin: User, contacts: dict[str, Contact]
) -> None:
    with pytest.raises(Http404):
        get_contact_for_user(outsider.memberships.get(), contacts["admin"].pk)
    assert (
        get_contact_for_user(admin.memberships.get(), contacts["member"].pk) == contacts["member"]
    )
