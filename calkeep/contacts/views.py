"""People pages. Each view reads its input, calls one action, and renders or redirects;
`get_contact_for_user` decides what a user may open."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from calkeep.accounts.access import WorkspaceRequest, workspace_view
from calkeep.bookings.actions import add_task, complete_task
from calkeep.bookings.models import FollowUpTask
from calkeep.contacts import actions
from calkeep.contacts.access import get_contact_for_user
from calkeep.contacts.display import FieldChange, phone_rows, web_href
from calkeep.contacts.forms import ROW_KINDS, ContactEditor, TaskForm, phone_region
from calkeep.contacts.models import Contact, Source
from calkeep.contacts.search import order_by_name, tag_choices

PAGE_SIZE = 50


@workspace_view
def contact_list(request: WorkspaceRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    tag = request.GET.get("tag", "").strip().casefold()
    junk = request.GET.get("junk") == "1"
    visible = Contact.objects.visible_to(request.membership)
    contacts = visible.search(query, request.workspace.default_region)
    if tag:
        contacts = contacts.with_tag(tag)
    if junk:
        # PRODUCT.md "Junk contacts": neither an email nor a phone (an unreadable phone,
        # kept as written, still counts as a phone).
        contacts = contacts.filter(emails=[], phones=[])
    page = Paginator(order_by_name(contacts), PAGE_SIZE).get_page(request.GET.get("page"))
    tags = tag_choices(visible)
    context = {
        "page": page,
        "q": query,
        "tag": tag,
        "tags": tags,
        "tag_label": dict(tags).get(tag, tag),
        "junk": junk,
        "filtered": bool(query or tag or junk),
    }
    return render(request, "contacts/list.html", context)


@workspace_view
def contact_detail(request: WorkspaceRequest, contact_id: int) -> HttpResponse:
    contact = get_contact_for_user(request.membership, contact_id)
    return _render_detail(request, contact, TaskForm())


def _render_detail(
    request: WorkspaceRequest, contact: Contact, task_form: TaskForm, status: int = 200
) -> HttpResponse:
    region = phone_region(contact.addresses, request.workspace.default_region)
    context = {
        "contact": contact,
        "phones": phone_rows(contact.phones, region),
        "urls": [(url, web_href(url)) for url in contact.urls],
        "bookings": contact.bookings.select_related("host").order_by("-starts_at"),
        "tasks": contact.tasks.open_first(),
        "task_form": task_form,
    }
    return render(request, "contacts/detail.html", context, status=status)


@workspace_view
def contact_create(request: WorkspaceRequest) -> HttpResponse:
    region = request.workspace.default_region
    if request.method != "POST":
        return _render_form(request, ContactEditor(region))
    editor = ContactEditor(region, request.POST)
    if kind := _row_to_add(request):
        return _render_form(request, editor.with_blank_row(kind))
    if not editor.is_valid():
        return _render_form(request, editor)
    contact = actions.create_contact(
        request.workspace, request.membership.user, editor.values(), source=Source.MANUAL
    )
    _report_saved(request, editor, f"Added {contact.name}.")
    return redirect("contacts:detail", ws=request.workspace.slug, contact_id=contact.pk)


@workspace_view
def contact_edit(request: WorkspaceRequest, contact_id: int) -> HttpResponse:
    contact = get_contact_for_user(request.membership, contact_id)
    region = request.workspace.default_region
    if request.method != "POST":
        return _render_form(request, ContactEditor(region, contact=contact))
    editor = ContactEditor(region, request.POST, contact=contact)
    if kind := _row_to_add(request):
        return _render_form(request, editor.with_blank_row(kind))
    if not editor.is_valid():
        return _render_form(request, editor)
    try:
        saved = actions.update_contact(contact, editor.values(), editor.version)
    except actions.VersionConflict as conflict:
        rebased, changes = editor.rebased(conflict.contact)
        return _render_form(request, rebased, conflict=changes, status=409)
    _report_saved(request, editor, f"Saved {saved.name}.")
    return redirect("contacts:detail", ws=request.workspace.slug, contact_id=saved.pk)


def _row_to_add(request: WorkspaceRequest) -> str | None:
    """The "add another email/phone/address" buttons submit the form without saving it."""
    kind = request.POST.get("add_row", "")
    return kind if kind in ROW_KINDS else None


def _render_form(
    request: WorkspaceRequest,
    editor: ContactEditor,
    conflict: list[FieldChange] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"editor": editor, "contact": editor.contact, "conflict": conflict}
    return render(request, "contacts/form.html", context, status=status)


def _report_saved(request: WorkspaceRequest, editor: ContactEditor, text: str) -> None:
    messages.success(request, text)
    for warning in editor.phone_warnings:
        messages.warning(request, f"Phone number kept as written and flagged: {warning}.")
    for notice in editor.email_notices:
        messages.info(request, f"Email kept: {notice}")


@workspace_view
@require_http_methods(["GET", "POST"])
def contact_delete(request: WorkspaceRequest, contact_id: int) -> HttpResponse:
    contact = get_contact_for_user(request.membership, contact_id)
    if request.method == "POST":
        name = contact.name
        actions.delete_contact(contact)
        messages.success(request, f"Deleted {name}.")
        return redirect("contacts:list", ws=request.workspace.slug)
    context: dict[str, Any] = {
        "contact": contact,
        "booking_count": contact.bookings.count(),
        "task_count": contact.tasks.count(),
    }
    return render(request, "contacts/confirm_delete.html", context)


@workspace_view
@require_POST
def task_create(request: WorkspaceRequest, contact_id: int) -> HttpResponse:
    contact = get_contact_for_user(request.membership, contact_id)
    form = TaskForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, contact, form)
    data = form.cleaned_data
    add_task(contact, request.membership.user, data["title"], data["due_date"])
    messages.success(request, "Follow-up added.")
    return redirect(_detail_url(request, contact) + "#tasks")


@workspace_view
@require_POST
def task_done(request: WorkspaceRequest, contact_id: int, task_id: int) -> HttpResponse:
    contact = get_contact_for_user(request.membership, contact_id)
    task = complete_task(get_object_or_404(FollowUpTask, pk=task_id, contact=contact))
    if request.headers.get("HX-Request"):
        return render(request, "contacts/_task.html", {"task": task, "contact": contact})
    messages.success(request, f"Done: {task.title}.")
    return redirect(_detail_url(request, contact) + "#tasks")


def _detail_url(request: WorkspaceRequest, contact: Contact) -> str:
    return reverse(
        "contacts:detail", kwargs={"ws": request.workspace.slug, "contact_id": contact.pk}
    )
