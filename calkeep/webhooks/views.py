"""Workspace settings → Webhooks (admins only; a member gets 404): endpoints with their
URL, events and signing secret, and each endpoint's delivery log with a redeliver button.
Another workspace's endpoint or delivery answers 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from calkeep.accounts.access import WorkspaceRequest, admin_required, workspace_view
from calkeep.accounts.tokens import API_PLAN, PlanRequired
from calkeep.webhooks import actions
from calkeep.webhooks.models import Delivery, Endpoint, EventType
from calkeep.webhooks.targets import MAX_URL_LENGTH, TargetRefused

LOG_PAGE = 50


class EndpointForm(forms.Form):
    url = forms.CharField(
        max_length=MAX_URL_LENGTH, label="URL",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/webhooks/calkeep"}),
    )  # fmt: skip
    description = forms.CharField(max_length=200, required=False, label="Description")
    events = forms.MultipleChoiceField(
        choices=EventType.choices, widget=forms.CheckboxSelectMultiple, label="Events",
        error_messages={"required": "Choose at least one event."},
    )  # fmt: skip


def _endpoint(request: WorkspaceRequest, endpoint_id: int) -> Endpoint:
    return get_object_or_404(Endpoint, pk=endpoint_id, workspace=request.workspace)


def _context(request: WorkspaceRequest, **extra: Any) -> dict[str, Any]:
    return {
        "tab": "webhooks",
        "plan_ok": request.workspace.has_plan(API_PLAN),
        "plan_needed": API_PLAN.label,
        **extra,
    }


@workspace_view
@admin_required
def endpoint_list(request: WorkspaceRequest) -> HttpResponse:
    endpoints = Endpoint.objects.filter(workspace=request.workspace)
    return render(request, "webhooks/list.html", _context(request, endpoints=endpoints))


@workspace_view
@admin_required
def endpoint_create(request: WorkspaceRequest) -> HttpResponse:
    initial = {"events": EventType.values}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endpoint = actions.add_endpoint(
                request.workspace, data["url"], data["events"], data["description"],
                created_by=request.membership.user,
            )  # fmt: skip
        except PlanRequired as refusal:
            messages.error(request, str(refusal))
            return _form(request, form, None, status=403)
        except TargetRefused as refusal:
            form.add_error("url", str(refusal))
        except actions.InvalidEvents as refusal:
            form.add_error("events", str(refusal))
        else:
            messages.success(request, "Endpoint added. Its signing secret is below.")
            return redirect("webhooks:detail", ws=request.workspace.slug, endpoint_id=endpoint.pk)
    return _form(request, form, None)


def _form(
    request: WorkspaceRequest, form: EndpointForm, endpoint: Endpoint | None, status: int = 200
) -> HttpResponse:
    context = _context(request, form=form, endpoint=endpoint)
    return render(request, "webhooks/form.html", context, status=status)


@workspace_view
@admin_required
def endpoint_edit(request: WorkspaceRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_endpoint(endpoint, data["url"], data["events"], data["description"])
        except PlanRequired as refusal:
            messages.error(request, str(refusal))
            return _form(request, form, endpoint, status=403)
        except TargetRefused as refusal:
            form.add_error("url", str(refusal))
        except actions.InvalidEvents as refusal:
            form.add_error("events", str(refusal))
        else:
            messages.success(request, "Endpoint saved.")
            return redirect("webhooks:detail", ws=request.workspace.slug, endpoint_id=endpoint.pk)
    return _form(request, form, endpoint)


@never_cache  # it shows the signing secret
@workspace_view
@admin_required
def endpoint_detail(request: WorkspaceRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    deliveries = (
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related("log")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(deliveries, LOG_PAGE).get_page(request.GET.get("page"))
    context = _context(request, endpoint=endpoint, page=page)
    return render(request, "webhooks/detail.html", context)


@workspace_view
@admin_required
@require_POST
def endpoint_enable(request: WorkspaceRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    enabled = request.POST.get("enabled") == "1"
    try:
        actions.set_endpoint_enabled(endpoint, enabled)
    except PlanRequired as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Endpoint enabled." if enabled else "Endpoint disabled.")
    return redirect("webhooks:detail", ws=request.workspace.slug, endpoint_id=endpoint.pk)


@workspace_view
@admin_required
@require_POST
def endpoint_rotate(request: WorkspaceRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    actions.rotate_secret(endpoint)
    messages.success(request, "New signing secret made; the old one no longer signs.")
    return redirect("webhooks:detail", ws=request.workspace.slug, endpoint_id=endpoint.pk)


@workspace_view
@admin_required
@require_http_methods(["GET", "POST"])
def endpoint_delete(request: WorkspaceRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    if request.method == "POST":
        actions.delete_endpoint(endpoint)
        messages.success(request, f"Deleted the endpoint {endpoint.url}.")
        return redirect("webhooks:list", ws=request.workspace.slug)
    return render(request, "webhooks/confirm_delete.html", _context(request, endpoint=endpoint))


@workspace_view
@admin_required
@require_POST
def delivery_redeliver(
    request: WorkspaceRequest, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    delivery = get_object_or_404(Delivery, pk=delivery_id, endpoint=endpoint)
    try:
        actions.redeliver(delivery)
    except PlanRequired as refusal:
        messages.error(request, str(refusal))
    else:
        note = "" if endpoint.enabled else " It goes out when the endpoint is enabled again."
        messages.success(request, f"Sending {delivery.event_id} again.{note}")
    return redirect("webhooks:detail", ws=request.workspace.slug, endpoint_id=endpoint.pk)
