"""Tokens on the API: who gets in, as whom, with which scope, on which plan, how often."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from calkeep.accounts import token_format
from calkeep.accounts.models import ApiRateWindow, ApiToken, Membership, Plan, Workspace
from calkeep.accounts.ratelimit import RateLimit, RateLimited, count_request
from calkeep.accounts.tokens import revoke_token
from tests.api.conftest import ApiClient, token_for


def test_no_token_is_401_with_a_bearer_challenge(db: Any) -> None:
    response = ApiClient(None).send("GET", "/contacts")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["code"] == "unauthorized"


def test_a_mistyped_token_is_refused_without_a_database_lookup(
    api: ApiClient, admin_token: str, django_assert_num_queries: Any
) -> None:
    typo = admin_token[:-1] + ("0" if admin_token[-1] != "0" else "1")
    with django_assert_num_queries(0):
        response = ApiClient(typo).send("GET", "/contacts")
    assert response.status_code == 401


def test_an_unknown_well_formed_token_is_401(db: Any) -> None:
    assert ApiClient(token_format.new_token()).send("GET", "/contacts").status_code == 401


def test_a_revoked_token_stops_working(api: ApiClient, admin_token: str) -> None:
    assert api.send("GET", "/contacts").status_code == 200
    revoke_token(ApiToken.objects.get())
    assert api.send("GET", "/contacts").status_code == 401


def test_a_token_of_someone_who_left_the_workspace_stops_working(
    api: ApiClient, admin: User
) -> None:
    Membership.objects.filter(user=admin).delete()
    assert api.send("GET", "/contacts").status_code == 401


def test_scopes_are_enforced(admin: User, workspace: Workspace, make_contact: Any) -> None:
    contact = make_contact()
    reader = ApiClient(token_for(admin, workspace, ["contacts:read"]))
    writer = ApiClient(token_for(admin, workspace, ["contacts:write"]))
    assert reader.send("GET", f"/contacts/{contact.pk}").status_code == 200
    refused = reader.send("POST", "/contacts", {"given_name": "X"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "missing_scope"
    assert "contacts:write" in refused.json()["errors"][0]["message"]
    assert writer.send("GET", "/contacts").status_code == 403
    assert writer.send("POST", "/contacts", {"given_name": "X"}).status_code == 201


@pytest.mark.parametrize("plan", [Plan.FREE, Plan.PRO])
def test_free_and_pro_workspaces_get_403_naming_the_plan(
    api: ApiClient, workspace: Workspace, plan: str
) -> None:
    workspace.plan = plan
    workspace.save()
    response = api.send("GET", "/contacts")
    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error["code"] == "plan_required"
    assert "Business plan or higher" in error["message"]


def test_enterprise_may_use_the_api(api: ApiClient, workspace: Workspace) -> None:
    workspace.plan = Plan.ENTERPRISE
    workspace.save()
    assert api.send("GET", "/contacts").status_code == 200


def test_last_used_is_written_at_most_once_a_minute(api: ApiClient) -> None:
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    api.send("GET", "/contacts")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api.send("GET", "/contacts")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api.send("GET", "/contacts")
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first - timedelta(seconds=1)


def test_the_rate_limit_answers_429_with_retry_after(api: ApiClient, settings: Any) -> None:
    settings.API_RATE_LIMIT_REQUESTS = 3
    statuses = [api.send("GET", "/contacts").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.send("GET", "/contacts")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["errors"][0]["code"] == "rate_limited"


def test_the_rate_limit_is_per_token_and_per_window(admin: User, workspace: Workspace) -> None:
    first = ApiToken.objects.get(pk=_token_id(admin, workspace))
    second = ApiToken.objects.get(pk=_token_id(admin, workspace))
    limit = RateLimit(requests=2, seconds=60)
    start = 1_800_000_000.0  # a window boundary: 1_800_000_000 % 60 == 0
    count_request(first.pk, limit, now=start)
    count_request(first.pk, limit, now=start + 1)
    with pytest.raises(RateLimited) as refused:
        count_request(first.pk, limit, now=start + 50)
    assert refused.value.retry_after == 10
    count_request(second.pk, limit, now=start + 50)
    count_request(first.pk, limit, now=start + 60)  # the next window
    # The first request of a window clears the token's older windows.
    assert list(ApiRateWindow.objects.filter(token=first).values_list("window_start", "count")) == [
        (1_800_000_060, 1)
    ]


def _token_id(user: User, workspace: Workspace) -> int:
    token_for(user, workspace)
    return ApiToken.objects.latest("pk").pk


def test_last_used_is_shown_on_the_settings_page(
    api: ApiClient, admin_client: Any, workspace: Workspace
) -> None:
    token = ApiToken.objects.get()
    # Made long ago, so the "Created" cell cannot pass for the last use.
    ApiToken.objects.filter(pk=token.pk).update(created_at=datetime(2020, 1, 2, tzinfo=UTC))
    url = f"/w/{workspace.slug}/settings/tokens/"
    assert "never" in _token_cells(admin_client.get(url), token)[5]
    api.send("GET", "/contacts")
    token.refresh_from_db()
    assert token.last_used_at is not None
    cells = _token_cells(admin_client.get(url), token)
    # Times are shown in the workspace's time zone (America/New_York).
    assert cells[4] == "2020-01-01 19:00"
    here = ZoneInfo(workspace.time_zone)
    assert cells[5] == f"{timezone.localtime(token.last_used_at, here):%Y-%m-%d %H:%M}"


def _token_cells(page: Any, token: ApiToken) -> list[str]:
    """The text of each cell of the token's row in the settings page's table."""
    html = page.content.decode()
    row = re.search(rf'<tr data-token="{token.pk}">(.*?)</tr>', html, re.DOTALL)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.DOTALL)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]
