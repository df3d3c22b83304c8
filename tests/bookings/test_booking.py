from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from calkeep.accounts.models import Workspace
from calkeep.bookings.actions import book_meeting, find_contact_by_email, split_name
from calkeep.bookings.models import Booking
from calkeep.contacts.models import Contact, Source

NEW_YORK = ZoneInfo("America/New_York")
START = datetime.datetime(2025, 3, 4, 14, 30, tzinfo=NEW_YORK)
BOOKINGS_URL = "/w/acme/bookings/"
NEW_BOOKING_URL = "/w/acme/bookings/new/"


def book(workspace: Workspace, host: User, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "title": "Intro call", "attendee_name": "Ana Lima", "attendee_email": "ana@example.com",
        "starts_at": START, "duration_minutes": 30,
    }  # fmt: skip
    values.update(overrides)
    return book_meeting(workspace, host, **values)


def booking_post(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Intro call", "attendee_name": "Ana Lima", "attendee_email": "ana@example.com",
        "attendee_phone": "", "starts_at": "2025-03-04T14:30", "duration_minutes": "30",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_booking_matches_a_contact_by_normalized_email(
    workspace: Workspace, admin: User, make_contact: Any
) -> None:
    existing = make_contact(owner=admin)  # ana@example.com
    booked = book(workspace, admin, attendee_email="  Ana@Example.COM ", attendee_name="A. Lima")
    assert booked.contact == existing and not booked.contact_created
    assert booked.booking.contact == existing
    assert Contact.objects.count() == 1
    existing.refresh_from_db()
    assert existing.given_name == "Ana" and existing.version == 1


def test_booking_matches_the_oldest_contact_of_the_whole_workspace(
    workspace: Workspace, admin: User, member: User, make_contact: Any
) -> None:
    oldest = make_contact(owner=admin)
    make_contact(owner=member)
    booked = book(workspace, member)
    assert booked.contact == oldest


def test_booking_never_matches_another_workspaces_contact(
    workspace: Workspace, other_workspace: Workspace, admin: User, outsider: User, make_contact: Any
) -> None:
    theirs = make_contact(owner=outsider, ws=other_workspace)
    booked = book(workspace, admin)
    assert booked.contact != theirs and booked.contact.workspace == workspace


def test_booking_creates_a_contact_for_a_new_attendee(workspace: Workspace, member: User) -> None:
    booked = book(
        workspace, member, attendee_name=" Ana Maria  Lima ", attendee_email=" Ana@Example.com",
        attendee_phone="(201) 555-0123",
    )  # fmt: skip
    contact = booked.contact
    assert booked.contact_created
    assert (contact.source, contact.owner, contact.workspace) == (Source.BOOKING, member, workspace)
    assert (contact.given_name, contact.family_name) == ("Ana Maria", "Lima")
    assert contact.emails == [{"value": "Ana@Example.com", "label": "", "primary": True}]
    assert contact.phones == [
        {"raw": "(201) 555-0123", "e164": "+12015550123", "label": "", "extension": ""}
    ]
    assert find_contact_by_email(workspace, "ana@example.com") == contact
    assert booked.phone_warning == ""


def test_booking_keeps_an_unparseable_phone_flagged(workspace: Workspace, admin: User) -> None:
    booked = book(workspace, admin, attendee_phone="555-01")
    assert booked.contact.phones == [{"raw": "555-01", "e164": None, "label": "", "extension": ""}]
    assert "not a valid phone number" in booked.phone_warning
    assert booked.booking.attendee_phone == "555-01"


def test_booking_adds_a_missing_phone_to_the_matched_contact(
    workspace: Workspace, admin: User, make_contact: Any
) -> None:
    contact = make_contact(owner=admin)  # has +12015550123
    book(workspace, admin, attendee_phone="201.555.0123")
    contact.refresh_from_db()
    assert len(contact.phones) == 1 and contact.version == 1

    book(workspace, admin, attendee_phone="+1 212 555 0199")
    contact.refresh_from_db()
    assert [p["e164"] for p in contact.phones] == ["+12015550123", "+12125550199"]
    assert contact.version == 2
    assert contact.keys.filter(kind="phone", value="+12125550199").exists()


def test_split_name() -> None:
    assert split_name("Ana") == ("Ana", "")
    assert split_name("  ") == ("", "")
    assert split_name("Ana Maria Lima") == ("Ana Maria", "Lima")


def test_book_meeting_refuses_out_of_range_durations(workspace: Workspace, admin: User) -> None:
    with pytest.raises(ValueError):
        book(workspace, admin, duration_minutes=481)
    assert not Booking.objects.exists() and not Contact.objects.exists()


def test_booking_page_reads_the_start_in_the_workspace_time_zone(admin_client: Client) -> None:
    response = admin_client.post(NEW_BOOKING_URL, booking_post(attendee_email="Ana@Example.com "))
    assert response.status_code == 302 and response["Location"] == BOOKINGS_URL
    booking = Booking.objects.get()
    assert booking.starts_at == START
    assert booking.starts_at.astimezone(datetime.UTC).hour == 19

    page = admin_client.get(BOOKINGS_URL).content.decode()
    assert "14:30–15:00 EST" in page
    assert "Intro call" in page and "Ana Lima" in page
    assert (
        reverse("contacts:detail", kwargs={"ws": "acme", "contact_id": booking.contact_id}) in page
    )


def test_booking_page_reports_a_new_contact(admin_client: Client) -> None:
    response = admin_client.post(NEW_BOOKING_URL, booking_post(attendee_phone="12"), follow=True)
    text = response.content.decode()
    assert (
        "Booked “Intro call” with Ana Lima on Tue 4 Mar 2025, 14:30 EST. Added Ana Lima to People."
        in text
    )
    assert "Phone number kept as written and flagged" in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("attendee_email", "ana@", "There must be something after the @-sign."),
        ("attendee_email", "", "Enter an email address."),
        ("attendee_name", "", "Enter a name."),
        ("starts_at", "", "Enter the date and time the meeting starts."),
        ("starts_at", "tomorrow", "Enter a date and time, like 2025-03-04 14:30."),
        ("duration_minutes", "4", "A meeting lasts between 5 and 480 minutes."),
        ("duration_minutes", "481", "A meeting lasts between 5 and 480 minutes."),
    ],
)
def test_booking_form_explains_each_invalid_field(
    admin_client: Client, field: str, value: str, message: str
) -> None:
    response = admin_client.post(NEW_BOOKING_URL, booking_post(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    text = response.content.decode()
    field_html = text.split(f'id="id_{field}"', 1)[1].split('class="field', 1)[0]
    assert message.replace("“", "") in field_html.replace("&#x27;", "'")
    assert not Booking.objects.exists() and not Contact.objects.exists()


def test_a_time_skipped_by_daylight_saving_is_refused(admin_client: Client) -> None:
    response = admin_client.post(NEW_BOOKING_URL, booking_post(starts_at="2025-03-09T02:30"))
    assert response.status_code == 200
    assert "America/New_York" in response.context["form"].errors["starts_at"][0]


def test_booking_shows_on_the_contacts_page(
    admin_client: Client, admin: User, workspace: Workspace, make_contact: Any
) -> None:
    contact = make_contact(owner=admin)
    admin_client.post(NEW_BOOKING_URL, booking_post(attendee_email="ANA@example.com"))
    booking = Booking.objects.get()
    assert booking.contact == contact

    page = admin_client.get(
        reverse("contacts:detail", kwargs={"ws": "acme", "contact_id": contact.pk})
    )
    text = page.content.decode()
    assert f'{BOOKINGS_URL}#booking-{booking.pk}">Intro call</a>' in text
    assert "Tue 4 Mar 2025, 14:30 EST" in text


def test_contact_page_offers_to_book_with_name_and_email(
    admin_client: Client, admin: User, make_contact: Any
) -> None:
    contact = make_contact(owner=admin)
    detail = admin_client.get(
        reverse("contacts:detail", kwargs={"ws": "acme", "contact_id": contact.pk})
    )
    assert (
        f"{NEW_BOOKING_URL}?name=Ana%20Lima&amp;email=ana%40example.com" in detail.content.decode()
    )
    form = admin_client.get(
        NEW_BOOKING_URL, {"name": "Ana Lima", "email": "ana@example.com"}
    ).context["form"]
    assert (form["attendee_name"].value(), form["attendee_email"].value()) == (
        "Ana Lima",
        "ana@example.com",
    )


def test_members_see_the_bookings_they_host(
    member_client: Client, admin: User, member: User, workspace: Workspace, make_contact: Any
) -> None:
    make_contact(owner=admin)  # admin's contact, invisible to the member
    book(workspace, admin, title="Admin meeting", attendee_email="other@example.com")
    book(workspace, member, title="Member meeting")

    text = member_client.get(BOOKINGS_URL).content.decode()
    assert "Member meeting" in text and "Admin meeting" not in text
    assert "another member's contact" in text


def test_empty_bookings_page(admin_client: Client) -> None:
    text = admin_client.get(BOOKINGS_URL).content.decode()
    assert "No bookings yet" in text and NEW_BOOKING_URL in text
