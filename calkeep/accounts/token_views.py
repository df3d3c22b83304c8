"""Workspace settings → API tokens (admins only; a member gets 404). A new token is shown
once, on the page that answers the form; afterwards only its hint. Workspaces below the
Business plan see which plan the API needs, and creating a token answers 403.

The form carries a one-time value (`once`): reloading the page that shows a new token sends
the form again, and a value this session has used creates nothing the second time. (The
token itself is never kept to show it again: only its hash is stored.)"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from calkeep.accounts.access import WorkspaceRequest, admin_required, workspace_view
from calkeep.accounts.models import ApiToken, Scope
from calkeep.accounts.tokens import API_PLAN, NewToken, PlanRequired, create_token, revoke_token


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, required=False, label="Name",
        widget=forms.TextInput(attrs={"placeholder": "CRM sync"}),
    )  # fmt: skip
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, widget=forms.CheckboxSelectMultiple, label="Scopes",
        error_messages={"required": "Choose at least one scope."},
    )  # fmt: skip
    once = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


_USED_ONCE = "token_form_used"  # session key: the form values already turned into tokens
_USED_KEPT = 50


def _fresh_form() -> TokenForm:
    return TokenForm(initial={"scopes": [Scope.CONTACTS_READ], "once": secrets.token_urlsafe(16)})


def _already_used(request: WorkspaceRequest, once: str) -> bool:
    """Whether this form was already turned into a token; marks it used when not."""
    if not once:
        return False
    used: list[str] = request.session.get(_USED_ONCE, [])
    if once in used:
        return True
    request.session[_USED_ONCE] = [*used, once][-_USED_KEPT:]
    return False


@workspace_view
@admin_required
def settings_home(request: WorkspaceRequest) -> HttpResponse:
    return redirect("settings:tokens", ws=request.workspace.slug)


@never_cache  # the answer to the form shows the new token: no cache, no back button
@workspace_view
@admin_required
def token_list(request: WorkspaceRequest) -> HttpResponse:
    form = TokenForm(request.POST) if request.method == "POST" else _fresh_form()
    new: NewToken | None = None
    status = 200
    if request.method == "POST":
        try:
            if form.is_valid() and _already_used(request, form.cleaned_data["once"]):
                messages.warning(
                    request,
                    "This form was already sent (the page was reloaded): no other token was "
                    "made. The token it made is listed below; its secret was shown once.",
                )
                form = _fresh_form()
            elif form.is_valid():
                new = create_token(
                    request.membership, form.cleaned_data["scopes"],
                    form.cleaned_data["name"], created_by=request.membership.user,
                )  # fmt: skip
                form = _fresh_form()
                status = 201
        except PlanRequired as refusal:
            messages.error(request, str(refusal))
            status = 403
    return _render(request, form, new, status)


def _render(
    request: WorkspaceRequest, form: TokenForm, new: NewToken | None, status: int
) -> HttpResponse:
    tokens = ApiToken.objects.filter(workspace=request.workspace).select_related("user")
    context = {
        "form": form,
        "new": new,
        "tokens": tokens,
        "plan_ok": request.workspace.has_plan(API_PLAN),
        "plan_needed": API_PLAN.label,
    }
    return render(request, "settings/tokens.html", context, status=status)


@workspace_view
@admin_required
@require_POST
def token_revoke(request: WorkspaceRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, workspace=request.workspace)
    revoke_token(token)
    messages.success(request, f"Revoked {token.name or token.hint}. It stops working now.")
    return redirect("settings:tokens", ws=request.workspace.slug)
