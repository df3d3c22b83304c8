"""Workspace settings → API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from calkeep.accounts import token_format
from calkeep.accounts.models import ApiToken, Plan, Workspace
from tests.api.conftest import ApiClient

URL = "/w/acme/settings/tokens/"


def test_the_sidebar_links_admins_to_settings(admin_client: Client, member_client: Client) -> None:
    assert URL in admin_client.get("/w/acme/people/").content.decode()
    assert URL not in member_client.get("/w/acme/people/").content.decode()


def test_members_and_outsiders_get_404(member_client: Client, outsider_client: Client) -> None:
    assert member_client.get(URL).status_code == 404
    assert outsider_client.get(URL).status_code == 404
    assert member_client.post(URL, {"scopes": ["contacts:read"]}).status_code == 404


def test_a_new_token_is_shown_once_and_stored_hashed(admin_client: Client) -> None:
    response = admin_client.post(URL, {"name": "CRM sync", "scopes": ["contacts:read"]})
    assert response.status_code == 201
    secret = response.context["new"].secret
    assert token_format.is_well_formed(secret)
    assert secret in response.content.decode()
    token = ApiToken.objects.get()
    assert token.token_hash == token_format.hash_token(secret)
    assert token.scopes == ["contacts:read"] and token.name == "CRM sync"
    again = admin_client.get(URL).content.decode()
    assert secret not in again and token.hint in again
    assert ApiClient(secret).send("GET", "/contacts").status_code == 200


def test_the_page_showing_a_new_token_is_never_cached(admin_client: Client) -> None:
    response = admin_client.post(URL, {"name": "CRM sync", "scopes": ["contacts:read"]})
    assert "no-store" in response["Cache-Control"]


def test_reloading_the_page_that_shows_a_new_token_makes_no_second_token(
    admin_client: Client,
) -> None:
    page = admin_client.get(URL)
    once = page.context["form"]["once"].value()
    assert once and f'name="once" value="{once}"' in page.content.decode()
    posted = {"name": "CRM sync", "scopes": ["contacts:read"], "once": once}
    first = admin_client.post(URL, posted)
    assert first.status_code == 201
    again = admin_client.post(URL, posted)  # the browser's "resend the form?" on reload
    assert again.status_code == 200
    assert again.context["new"] is None
    assert "no other token was made" in again.content.decode()
    assert ApiToken.objects.count() == 1
    # The page after the token shows a new form value, and with it the next token is made.
    next_once = first.context["form"]["once"].value()
    assert next_once and next_once != once
    assert admin_client.post(URL, {**posted, "once": next_once}).status_code == 201
    assert ApiToken.objects.count() == 2


def test_a_scope_is_required(admin_client: Client) -> None:
    response = admin_client.post(URL, {"name": "x"})
    assert response.status_code == 200
    assert "Choose at least one scope." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token(admin_client: Client) -> None:
    secret = admin_client.post(URL, {"scopes": ["contacts:read"]}).context["new"].secret
    token = ApiToken.objects.get()
    admin_client.post(f"{URL}{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient(secret).send("GET", "/contacts").status_code == 401


def test_another_workspaces_token_cannot_be_revoked(
    admin_client: Client, outsider_client: Client
) -> None:
    admin_client.post(URL, {"scopes": ["contacts:read"]})
    token = ApiToken.objects.get()
    response = outsider_client.post(f"/w/globex/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert admin_client.post(f"/w/acme/settings/tokens/{token.pk + 1}/revoke/").status_code == 404


@pytest.mark.parametrize("plan", [Plan.FREE, Plan.PRO])
def test_below_business_the_page_says_which_plan_is_needed(
    admin_client: Client, workspace: Workspace, plan: str
) -> None:
    workspace.plan = plan
    workspace.save()
    page = admin_client.get(URL).content.decode()
    assert "needs the Business plan or higher" in page and 'id="token-form"' not in page
    refused = admin_client.post(URL, {"scopes": ["contacts:read"]})
    assert refused.status_code == 403
    assert not ApiToken.objects.exists()


def test_settings_home_goes_to_tokens(admin_client: Client) -> None:
    response: Any = admin_client.get("/w/acme/settings/")
    assert response.status_code == 302 and response.url == URL
