"""Issue "Cleanup Phase 0, reversible change records, and duplicate contacts": review a
duplicate group side by side, pick values, merge (a booking moves along), unmerge."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from calkeep.bookings.models import Booking
from calkeep.contacts.actions import create_contact
from calkeep.contacts.models import Contact
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_review_merge_and_unmerge_a_duplicate_group(
    page: Any, live_server: Any, browser_admin: User
) -> None:
    workspace = browser_admin.memberships.get().workspace
    older = create_contact(workspace, browser_admin, {
        "given_name": "Mikhayla", "family_name": "Hannagan", "organization": "Old Co",
        "emails": [{"value": "mikhayla@example.com", "label": "work", "primary": True}],
    })  # fmt: skip
    newer = create_contact(workspace, browser_admin, {
        "given_name": "Mikhayla", "family_name": "Hanagan", "organization": "New Co",
        "title": "Head of Sales",
        "emails": [{"value": "MIKHAYLA@example.com", "label": "", "primary": True},
                   {"value": "mh@home.example", "label": "home", "primary": False}],
    })  # fmt: skip
    meeting = Booking.objects.create(
        workspace=workspace, contact=newer, title="Demo", attendee_name="Mikhayla Hanagan",
        attendee_email="mh@home.example", starts_at=timezone.now() + datetime.timedelta(days=2),
    )  # fmt: skip
    log_in(page, live_server, browser_admin)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Duplicates").click()
    group = page.locator(f'#groups tr[data-group="{older.pk}-{newer.pk}"]')
    assert "Same email" in group.inner_text()
    group.get_by_role("link", name="Review").click()

    page.get_by_role("heading", name="Review 2 contacts").wait_for()
    row = page.locator('tr[data-field="organization"]')
    row.get_by_label(f"Organization from contact {newer.pk}").check()
    page.get_by_role("button", name="Merge into the oldest contact").click()

    page.get_by_text("Merged 1 contact into Mikhayla Hannagan").first.wait_for()
    survivor = Contact.objects.get()
    assert survivor.pk == older.pk
    assert survivor.organization == "New Co" and survivor.title == "Head of Sales"
    assert [e["value"] for e in survivor.emails] == ["mikhayla@example.com", "mh@home.example"]
    assert Booking.objects.get(pk=meeting.pk).contact_id == older.pk

    page.get_by_role("button", name="Unmerge").click()
    page.get_by_text("This merge was undone").wait_for()
    assert set(Contact.objects.values_list("pk", flat=True)) == {older.pk, newer.pk}
    assert Contact.objects.get(pk=older.pk).organization == "Old Co"
    assert Booking.objects.get(pk=meeting.pk).contact_id == newer.pk
