from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from calkeep.bookings.actions import add_task
from calkeep.bookings.models import FollowUpTask
from calkeep.contacts.models import Contact, Source
from tests.conftest import PASSWORD
from tests.contacts.formdata import new_contact_post


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"contacts:{name}", kwargs={"ws": "acme", **kwargs})


def test_login_page_renders_and_logs_in_to_the_first_workspace(admin: User) -> None:
    client = Client()
    page = client.get("/login/")
    assert page.status_code == 200
    assert b"Log in to CalKeep" in page.content

    response = client.post(
        "/login/", {"username": admin.username, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == url("list")
    assert b"People" in response.content


def test_home_redirects_an_anonymous_visitor_to_login(db: Any) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_empty_book_invites_to_add_or_import(admin_client: Client) -> None:
    page = admin_client.get(url("list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "No contacts yet" in text
    assert "add one" in text and "import a file" in text
    assert reverse("transfers:upload", kwargs={"ws": "acme"}) in text
    assert url("create") in text


def test_list_shows_columns_and_flags_unreadable_phones(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    make_contact(owner=admin, tags=["VIP", "Lead"])
    make_contact(
        owner=admin, given_name="Bo", family_name="Kim", emails=[],
        phones=[{"raw": "12345", "e164": None, "label": "", "extension": ""}],
    )  # fmt: skip
    text = admin_client.get(url("list")).content.decode()
    assert "Ana Lima" in text and "Acme" in text and "ana@example.com" in text
    assert "(201) 555-0123" in text
    assert 'class="tag"' in text and "VIP" in text
    assert text.count("invalid phone") == 1


def test_detail_shows_every_field(admin_client: Client, admin: User, make_contact: Any) -> None:
    contact = make_contact(
        owner=admin,
        emails=[
            {"value": "ana@example.com", "label": "work", "primary": False},
            {"value": "ana@home.example", "label": "home", "primary": True},
        ],
        phones=[
            {"raw": "(201) 555-0123", "e164": "+12015550123", "label": "mobile", "extension": "7"},
            {"raw": "12345", "e164": None, "label": "fax", "extension": ""},
        ],
        addresses=[{"label": "work", "street": "1 Main St", "extended": "", "city": "Springfield",
                    "region": "NJ", "postcode": "07081", "country": "USA"}],
        birthday="--04-23", notes="Met at the fair",
        urls=["https://ana.example", "javascript:alert(1)"],
    )  # fmt: skip
    text = admin_client.get(url("detail", contact_id=contact.pk)).content.decode()
    assert 'ana@home.example</a> <span class="muted">home</span> <span class="tag">primary' in text
    assert "(201) 555-0123" in text and "ext. 7" in text and "+12015550123" in text
    assert "not a valid number — kept as written" in text
    assert "Springfield" in text and "07081" in text
    assert "23 April" in text and "Met at the fair" in text
    assert 'href="https://ana.example"' in text
    assert 'href="javascript:' not in text
    assert "Manual" in text and admin.username in text
    assert "Version</dt><dd>1</dd>" in text


def test_create_saves_a_manual_contact_owned_by_the_user(
    member_client: Client, member: User
) -> None:
    data = new_contact_post(
        given_name="Ana", family_name="Lima", organization="Acme", tags="VIP, lead, vip",
        emails=[{"value": "Ana@Example.com", "label": "work", "primary": True}],
        phones=[{"raw": "(201) 555-0123", "label": "mobile"}],
    )  # fmt: skip
    response = member_client.post(url("create"), data)

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", contact_id=contact.pk)
    assert contact.owner == member and contact.source == Source.MANUAL
    assert contact.tags == ["VIP", "lead"]
    assert contact.emails == [{"value": "Ana@Example.com", "label": "work", "primary": True}]
    assert contact.phones == [
        {"raw": "(201) 555-0123", "e164": "+12015550123", "label": "mobile", "extension": ""}
    ]
    assert contact.keys.filter(kind="email", value="ana@example.com").exists()


def test_create_with_unparseable_phone_keeps_it_flagged(admin_client: Client) -> None:
    data = new_contact_post(given_name="Bo", phones=[{"raw": "555-01", "label": "home"}])
    response = admin_client.post(url("create"), data, follow=True)

    contact = Contact.objects.get()
    assert contact.phones == [{"raw": "555-01", "e164": None, "label": "home", "extension": ""}]
    text = response.content.decode()
    assert "Phone number kept as written and flagged" in text
    assert "555-01" in text and "not a valid number — kept as written" in text


def test_create_with_bad_email_shows_the_error_next_to_the_field(admin_client: Client) -> None:
    data = new_contact_post(given_name="Ana", emails=[{"value": "ana at example", "label": "work"}])
    response = admin_client.post(url("create"), data)

    assert response.status_code == 200
    assert not Contact.objects.exists()
    text = response.content.decode()
    field_html = text.split('id="id_emails-0-value"', 1)[1].split('class="field', 1)[0]
    assert 'class="errorlist' in field_html
    assert "@-sign" in field_html
    assert 'value="ana at example"' in text


def test_create_with_no_data_at_all_is_refused(admin_client: Client) -> None:
    response = admin_client.post(url("create"), new_contact_post(notes="only a note"))
    assert response.status_code == 200
    assert (
        "Enter at least a name, an organization, an email or a phone." in response.content.decode()
    )
    assert not Contact.objects.exists()


def test_add_another_row_keeps_the_input_and_saves_nothing(admin_client: Client) -> None:
    data = new_contact_post(
        given_name="Ana", emails=[{"value": "ana@example.com", "label": "work"}],
        phones=[{"raw": "not valid at all"}],
    )  # fmt: skip
    data["add_row"] = "emails"
    response = admin_client.post(url("create"), data)

    text = response.content.decode()
    assert not Contact.objects.exists()
    assert 'value="ana@example.com"' in text
    assert 'name="emails-1-value"' in text and 'name="emails-2-value"' not in text
    assert 'name="phones-1-raw"' not in text
    assert "errorlist" not in text


def test_edit_saves_changes_and_bumps_the_version(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    from tests.contacts.formdata import edit_post

    contact = make_contact(owner=admin)
    data = edit_post(contact)
    data["organization"] = "Initech"
    response = admin_client.post(url("edit", contact_id=contact.pk), data)

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.organization == "Initech" and contact.version == 2
    assert contact.phones[0]["e164"] == "+12015550123"


def test_delete_asks_for_confirmation_then_deletes_on_post(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    contact = make_contact(owner=admin)
    add_task(contact, admin, "Call back", None)

    page = admin_client.get(url("delete", contact_id=contact.pk))
    assert page.status_code == 200
    assert "Delete Ana Lima?" in page.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()

    response = admin_client.post(url("delete", contact_id=contact.pk))
    assert response.status_code == 302 and response["Location"] == url("list")
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert FollowUpTask.objects.get().contact is None


def test_follow_up_tasks_are_added_and_marked_done(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    contact = make_contact(owner=admin)
    response = admin_client.post(
        url("task_create", contact_id=contact.pk),
        {"title": "Send proposal", "due_date": "2025-05-01"},
    )
    assert response.status_code == 302
    task = FollowUpTask.objects.get()
    assert (task.title, str(task.due_date), task.created_by) == (
        "Send proposal",
        "2025-05-01",
        admin,
    )
    assert task.workspace == contact.workspace

    done = admin_client.post(
        url("task_done", contact_id=contact.pk, task_id=task.pk), headers={"HX-Request": "true"}
    )
    assert done.status_code == 200 and 'class="task done"' in done.content.decode()
    task.refresh_from_db()
    assert task.done_at is not None
    assert (
        "Send proposal" in admin_client.get(url("detail", contact_id=contact.pk)).content.decode()
    )


def test_task_without_title_shows_the_error_on_the_contact_page(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    contact = make_contact(owner=admin)
    response = admin_client.post(url("task_create", contact_id=contact.pk), {"title": " "})
    assert response.status_code == 200
    assert "Say what to follow up on." in response.content.decode()
    assert not FollowUpTask.objects.exists()


@pytest.mark.parametrize("name", ["task_create", "delete"])
def test_task_and_delete_endpoints_refuse_other_methods(
    admin_client: Client, admin: User, make_contact: Any, name: str
) -> None:
    contact = make_contact(owner=admin)
    method = admin_client.get if name == "task_create" else admin_client.put
    assert method(url(name, contact_id=contact.pk)).status_code == 405
