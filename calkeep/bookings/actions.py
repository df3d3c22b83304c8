"""Every write to bookings and follow-up tasks goes through here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from calkeep.accounts.models import Workspace
from calkeep.bookings.models import Booking, FollowUpTask
from calkeep.contacts.actions import create_contact, update_contact
from calkeep.contacts.models import Contact, ContactKey, Source
from calkeep.formats.emails import normalize_email
from calkeep.formats.phones import parse_phone
from calkeep.lib.text import digits_only

MIN_DURATION = 5
MAX_DURATION = 480


@dataclass(frozen=True)
class BookedMeeting:
    booking: Booking
    contact: Contact
    contact_created: bool
    phone_warning: str = ""  # set when the attendee's phone could not be read


@transaction.atomic
def book_meeting(
    workspace: Workspace,
    host: User,
    *,
    title: str,
    attendee_name: str,
    attendee_email: str,
    starts_at: datetime.datetime,
    duration_minutes: int = 30,
    attendee_phone: str = "",
) -> BookedMeeting:
    """Book the meeting and link it to the attendee's contact: the oldest workspace contact
    with the same normalized email, or a new one (source=booking, owned by the host)."""
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        raise ValueError(f"a meeting lasts {MIN_DURATION} to {MAX_DURATION} minutes")
    # Serializes bookings per workspace, so two bookings by the same new attendee at the same
    # moment create one contact, not two.
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    phone = _phone_entry(attendee_phone, workspace.default_region)
    contact = find_contact_by_email(workspace, attendee_email)
    created = contact is None
    if contact is None:
        contact = _create_attendee(workspace, host, attendee_name, attendee_email, phone)
    elif phone and not _has_phone(contact, phone):
        contact = update_contact(contact, {"phones": [*contact.phones, phone]})
    booking = Booking.objects.create(
        workspace=workspace,
        contact=contact,
        host=host,
        title=title.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        attendee_name=attendee_name.strip(),
        attendee_email=attendee_email.strip(),
        attendee_phone=attendee_phone.strip(),
    )
    return BookedMeeting(booking, contact, created, _phone_warning(phone, workspace))


def find_contact_by_email(workspace: Workspace, email: str) -> Contact | None:
    """PRODUCT.md: a shared normalized email makes the same person; the oldest one wins."""
    normalized = normalize_email(email)
    if not normalized:
        return None
    return (
        Contact.objects.filter(
            workspace=workspace, keys__kind=ContactKey.EMAIL, keys__value=normalized[:320]
        )
        .order_by("created_at", "pk")
        .first()
    )


def split_name(name: str) -> tuple[str, str]:
    """`Ana Maria Lima` -> (`Ana Maria`, `Lima`); one word is a given name."""
    words = name.split()
    if len(words) < 2:
        return (words[0] if words else ""), ""
    return " ".join(words[:-1]), words[-1]


def _create_attendee(
    workspace: Workspace,
    host: User,
    name: str,
    email: str,
    phone: dict[str, Any] | None,
) -> Contact:
    given, family = split_name(name)
    values = {
        "given_name": given,
        "family_name": family,
        "emails": [{"value": email.strip(), "label": "", "primary": True}],
        "phones": [phone] if phone else [],
    }
    return create_contact(workspace, host, values, source=Source.BOOKING)


def _phone_entry(raw: str, region: str) -> dict[str, Any] | None:
    text = raw.strip()
    if not text:
        return None
    result = parse_phone(text, region)
    return {"raw": text, "e164": result.e164, "label": "", "extension": result.extension}


def _phone_warning(phone: dict[str, Any] | None, workspace: Workspace) -> str:
    if not phone or phone["e164"]:
        return ""
    return parse_phone(phone["raw"], workspace.default_region).warning


def _has_phone(contact: Contact, phone: dict[str, Any]) -> bool:
    if phone["e164"]:
        return any(p.get("e164") == phone["e164"] for p in contact.phones)
    digits = digits_only(phone["raw"])
    return any(digits_only(str(p.get("raw", ""))) == digits for p in contact.phones)


def add_task(
    contact: Contact, user: User, title: str, due_date: datetime.date | None
) -> FollowUpTask:
    return FollowUpTask.objects.create(
        workspace_id=contact.workspace_id,
        contact=contact,
        title=title.strip(),
        due_date=due_date,
        assignee=user,
        created_by=user,
    )


def complete_task(task: FollowUpTask) -> FollowUpTask:
    """Mark the task done; a task already done keeps the time it was first done."""
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
    return task
