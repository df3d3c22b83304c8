"""People → Duplicates: the groups the finder found, a group side by side with a choice per
field, the merge, and the merge's page with its unmerge. Admins only: a member gets 404,
as for anything hidden (merging touches contacts the member may not see)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from calkeep.accounts.access import WorkspaceRequest, admin_required, workspace_view
from calkeep.cleanup.duplicate_scan import find_workspace_duplicates
from calkeep.cleanup.merging import (
    MergeChoices,
    MergeRefused,
    default_choices,
    in_merge_order,
    merge_conflicts,
    merge_contacts,
    merge_summary,
    unmerge,
)
from calkeep.contacts.actions import VersionConflict
from calkeep.contacts.combining import SCALAR_FIELDS
from calkeep.contacts.display import FIELD_LABELS
from calkeep.contacts.links import links_of
from calkeep.contacts.models import Contact, ContactChange, Operation
from calkeep.formats.draft import LIST_FIELDS

GROUPS_PAGE = 25
REASONS = {"email": "Same email", "phone": "Same phone number"}


def group_slug(contact_ids: list[int]) -> str:
    return "-".join(str(i) for i in contact_ids)


def reason_text(reason: str) -> str:
    if reason in REASONS:
        return REASONS[reason]
    evidence = reason.removeprefix("name+").replace("+", ", ")
    return f"Similar name and {evidence}"


@workspace_view
@admin_required
def duplicate_list(request: WorkspaceRequest) -> HttpResponse:
    groups = find_workspace_duplicates(request.workspace)
    page = Paginator(groups, GROUPS_PAGE).get_page(request.GET.get("page"))
    ids = {i for g in page.object_list for i in g.contact_ids}
    contacts = Contact.objects.filter(workspace=request.workspace, pk__in=ids).in_bulk()
    rows = [
        {
            "group": g, "slug": group_slug(g.contact_ids), "reason": reason_text(g.reason),
            "contacts": [contacts[i] for i in g.contact_ids if i in contacts],
        }
        for g in page.object_list
    ]  # fmt: skip
    merges = Operation.objects.filter(workspace=request.workspace, kind=Operation.Kind.MERGE)
    context = {"page": page, "rows": rows, "total": len(groups), "merges": merges[:10]}
    return render(request, "cleanup/duplicates/list.html", context)


def _group_contacts(request: WorkspaceRequest, ids_text: str) -> list[Contact]:
    """The group's contacts in this workspace. An id that is neither here nor a contact this
    workspace deleted (merged away, say) answers 404, as any id of another workspace must."""
    try:
        ids = sorted({int(part) for part in ids_text.split("-")})[:50]
    except ValueError:
        raise Http404("No such group") from None
    found = list(Contact.objects.filter(workspace=request.workspace, pk__in=ids))
    missing = set(ids) - {c.pk for c in found}
    deleted_here = ContactChange.objects.filter(
        operation__workspace=request.workspace, action=ContactChange.Action.DELETE,
        contact_ref__in=missing,
    ).values_list("contact_ref", flat=True)  # fmt: skip
    if missing - set(deleted_here):
        raise Http404("No such group")
    return in_merge_order(found)


@workspace_view
@admin_required
def group(request: WorkspaceRequest, ids: str) -> HttpResponse:
    contacts = _group_contacts(request, ids)
    if len(contacts) < 2:
        messages.info(request, "These contacts were merged or deleted meanwhile.")
        return redirect("duplicates:list", ws=request.workspace.slug)
    if request.method != "POST":
        return _render_group(request, contacts, default_choices(contacts))
    included = {c.pk for c in contacts if str(c.pk) in request.POST.getlist("include")}
    choices = _posted_choices(request, contacts)
    versions = {c.pk: _int(request.POST.get(f"version_{c.pk}")) for c in contacts}
    try:
        operation = merge_contacts(
            request.workspace, sorted(included), request.user, choices,  # type: ignore[arg-type]
            expected_versions={k: v for k, v in versions.items() if v is not None},
        )  # fmt: skip
    except VersionConflict as conflict:
        messages.warning(
            request,
            f"{conflict.contact.name} was changed by someone else meanwhile. "
            "Here are the contacts as they are now; check your choices and merge again.",
        )
        fresh = _group_contacts(request, ids)
        return _render_group(request, fresh, default_choices(fresh), status=409)
    except MergeRefused as refused:
        messages.error(request, str(refused))
        return _render_group(request, contacts, choices, included, status=400)
    messages.success(request, f"{operation.label}. You can unmerge it here.")
    return redirect("duplicates:merge", ws=request.workspace.slug, operation_id=operation.pk)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _posted_choices(request: WorkspaceRequest, contacts: list[Contact]) -> MergeChoices:
    ids = {c.pk for c in contacts}
    choices = MergeChoices()
    for name in SCALAR_FIELDS:
        picked = _int(request.POST.get(f"pick_{name}"))
        if picked in ids:
            choices.scalars[name] = picked
    for name in LIST_FIELDS:
        entries = []
        for value in request.POST.getlist(f"keep_{name}"):
            contact_id, _, position = value.partition(":")
            cid, index = _int(contact_id), _int(position)
            if cid in ids and index is not None:
                entries.append((cid, index))
        choices.lists[name] = entries
    return choices


def _render_group(
    request: WorkspaceRequest,
    contacts: list[Contact],
    choices: MergeChoices,
    included: set[int] | None = None,
    status: int = 200,
) -> HttpResponse:
    links = links_of(c.pk for c in contacts)
    columns = [
        {"contact": c, "kept": i == 0, "links": sum(len(v) for v in links[c.pk].values()),
         "included": included is None or c.pk in included}
        for i, c in enumerate(contacts)
    ]  # fmt: skip
    context = {
        "contacts": contacts, "columns": columns, "slug": group_slug([c.pk for c in contacts]),
        "scalar_rows": _scalar_rows(contacts, choices),
        "list_rows": _list_rows(contacts, choices),
    }  # fmt: skip
    return render(request, "cleanup/duplicates/group.html", context, status=status)


def _scalar_rows(contacts: list[Contact], choices: MergeChoices) -> list[dict[str, Any]]:
    rows = []
    for name in SCALAR_FIELDS:
        values = [getattr(c, name) for c in contacts]
        if not any(values):
            continue
        picked = choices.scalars.get(name, contacts[0].pk)
        cells = [{"id": c.pk, "value": v, "checked": c.pk == picked} for c, v in zip(
            contacts, values, strict=True)]  # fmt: skip
        rows.append({"field": name, "label": FIELD_LABELS[name], "cells": cells,
                     "differs": len({v or "" for v in values}) > 1})  # fmt: skip
    return rows


def _list_rows(contacts: list[Contact], choices: MergeChoices) -> list[dict[str, Any]]:
    rows = []
    for name in LIST_FIELDS:
        if not any(getattr(c, name) for c in contacts):
            continue
        kept = set(choices.lists.get(name, []))
        cells = [
            [
                {"value": f"{c.pk}:{i}", "text": entry_text(name, entry),
                 "checked": (c.pk, i) in kept}
                for i, entry in enumerate(getattr(c, name))
            ]
            for c in contacts
        ]  # fmt: skip
        rows.append({"field": name, "label": FIELD_LABELS[name], "cells": cells})
    return rows


def entry_text(name: str, entry: Any) -> str:
    if name == "emails":
        return _labelled(str(entry.get("value", "")), entry.get("label"))
    if name == "phones":
        ext = f" ext. {entry['extension']}" if entry.get("extension") else ""
        return _labelled(f"{entry.get('raw', '')}{ext}", entry.get("label"))
    if name == "addresses":
        parts = ("street", "extended", "city", "region", "postcode", "country")
        text = ", ".join(str(entry.get(p)) for p in parts if entry.get(p))
        return _labelled(text, entry.get("label"))
    return str(entry)


def _labelled(text: str, label: Any) -> str:
    return f"{text} ({label})" if label else text


# -- a merge and its unmerge ------------------------------------------------------------------
def _merge_operation(request: WorkspaceRequest, operation_id: int) -> Operation:
    operation = Operation.objects.filter(
        pk=operation_id, workspace=request.workspace, kind=Operation.Kind.MERGE
    ).first()
    if operation is None:
        raise Http404("No such merge")
    return operation


@workspace_view
@admin_required
def merge_page(request: WorkspaceRequest, operation_id: int) -> HttpResponse:
    operation = _merge_operation(request, operation_id)
    conflicts = merge_conflicts(operation) if operation.reverted_at is None else []
    context = {"operation": operation, "conflicts": conflicts, **merge_summary(operation)}
    return render(request, "cleanup/duplicates/merge.html", context)


@require_POST
@workspace_view
@admin_required
def unmerge_view(request: WorkspaceRequest, operation_id: int) -> HttpResponse:
    operation = _merge_operation(request, operation_id)
    decision = request.POST.get("decision") or None
    result = unmerge(operation, request.user, decision)  # type: ignore[arg-type]
    if result.done:
        messages.success(request, "Unmerged: the contacts and their links are back as they were.")
    elif result.conflicts:
        messages.warning(request, "The contact was edited after the merge. Choose what to do.")
    else:
        messages.info(request, "This merge was already undone.")
    return redirect("duplicates:merge", ws=request.workspace.slug, operation_id=operation.pk)
