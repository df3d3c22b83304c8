"""API personas: tokens for the conftest's admin, member and outsider, and a client that
sends a token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from calkeep.accounts.models import Membership, Plan, Workspace
from calkeep.accounts.tokens import create_token

BOTH = ["contacts:read", "contacts:write"]


def token_for(user: User, workspace: Workspace, scopes: list[str] | None = None) -> str:
    membership = Membership.objects.select_related("workspace", "user").get(
        user=user, workspace=workspace
    )
    return create_token(membership, scopes or BOTH, name="test").secret


class ApiClient(Client):
    """A test client that sends its token and JSON bodies."""

    def __init__(self, token: str | None) -> None:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        super().__init__(**headers)

    def send(self, method: str, path: str, body: Any = None, **headers: Any) -> Any:
        data = json.dumps(body) if body is not None else None
        call = getattr(self, method.lower())
        return call(f"/api/v1{path}", data, content_type="application/json", **headers)


@pytest.fixture
def admin_token(admin: User, workspace: Workspace) -> str:
    return token_for(admin, workspace)


@pytest.fixture
def api(admin_token: str) -> ApiClient:
    return ApiClient(admin_token)


@pytest.fixture
def member_api(member: User, workspace: Workspace) -> ApiClient:
    return ApiClient(token_for(member, workspace))


@pytest.fixture
def outsider_api(outsider: User, other_workspace: Workspace) -> ApiClient:
    other_workspace.plan = Plan.BUSINESS
    other_workspace.save()
    return ApiClient(token_for(outsider, other_workspace))
