"""Bookings pages. Times are shown and read in the workspace's time zone."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format

from calkeep.accounts.access import WorkspaceRequest, workspace_view
from calkeep.bookings.actions import BookedMeeting, book_meeting
from calkeep.bookings.forms import BookingForm
from calkeep.bookings.models import Booking
from calkeep.contacts.models import Contact

PAGE_SIZE = 50


@workspace_view
def booking_list(request: WorkspaceRequest) -> HttpResponse:
    bookings = Booking.objects.visible_to(request.membership).select_related("contact", "host")
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    linked = [b.contact_id for b in page.object_list if b.contact_id]
    visible = Contact.objects.visible_to(request.membership).filter(pk__in=linked)
    context = {"page": page, "visible_contacts": set(visible.values_list("pk", flat=True))}
    return render(request, "bookings/list.html", context)  # times in the workspace's zone


@workspace_view
def booking_create(request: WorkspaceRequest) -> HttpResponse:
    # workspace_view has switched to the workspace's time zone: the typed time is read in it.
    if request.method != "POST":
        form = BookingForm(initial=_prefill(request.GET))
        return render(request, "bookings/form.html", {"form": form})
    form = BookingForm(request.POST)
    if not form.is_valid():
        return render(request, "bookings/form.html", {"form": form})
    booked = book_meeting(request.workspace, request.membership.user, **form.cleaned_data)
    _report_booked(request, booked)
    return redirect("bookings:list", ws=request.workspace.slug)


def _prefill(query: QueryDict) -> dict[str, str]:
    """ "Book a meeting" on a contact's page passes its name and email."""
    return {
        "attendee_name": query.get("name", "").strip(),
        "attendee_email": query.get("email", "").strip(),
    }


def _report_booked(request: WorkspaceRequest, booked: BookedMeeting) -> None:
    booking = booked.booking
    when = date_format(timezone.localtime(booking.starts_at), "D j M Y, H:i T")
    text = f"Booked “{booking.title}” with {booking.attendee_name} on {when}."
    if booked.contact_created:
        text += f" Added {booked.contact.name} to People."
    elif Contact.objects.visible_to(request.membership).filter(pk=booked.contact.pk).exists():
        text += f" Linked to {booked.contact.name}."
    else:
        text += " Linked to the workspace's existing contact for that email."
    messages.success(request, text)
    if booked.phone_warning:
        messages.warning(
            request, f"Phone number kept as written and flagged: {booked.phone_warning}."
        )
