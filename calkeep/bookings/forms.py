from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from calkeep.bookings.actions import MAX_DURATION, MIN_DURATION
from calkeep.formats.emails import check_email

DURATION_MESSAGE = f"A meeting lasts between {MIN_DURATION} and {MAX_DURATION} minutes."


class BookingForm(forms.Form):
    """Field names are `book_meeting`'s arguments. The start time is read in the time zone
    active while the form validates: the view activates the workspace's."""

    title = forms.CharField(max_length=200, label="Title", initial="Meeting")
    attendee_name = forms.CharField(
        max_length=255, label="Attendee name", error_messages={"required": "Enter a name."}
    )
    attendee_email = forms.CharField(
        max_length=320,
        label="Attendee email",
        error_messages={"required": "Enter an email address."},
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "off"}),
    )
    attendee_phone = forms.CharField(
        max_length=64,
        required=False,
        label="Phone (optional)",
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    starts_at = forms.DateTimeField(
        label="Starts",
        error_messages={
            "required": "Enter the date and time the meeting starts.",
            "invalid": "Enter a date and time, like 2025-03-04 14:30.",
        },
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        initial=30,
        min_value=MIN_DURATION,
        max_value=MAX_DURATION,
        error_messages={
            "required": DURATION_MESSAGE,
            "min_value": DURATION_MESSAGE,
            "max_value": DURATION_MESSAGE,
        },
    )

    def clean_attendee_email(self) -> str:
        email = str(self.cleaned_data["attendee_email"]).strip()
        check = check_email(email)
        if not check.ok:
            raise ValidationError(check.message)
        return email
