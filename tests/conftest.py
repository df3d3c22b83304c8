"""Personas shared by every test: an admin and a member of workspace "acme", and an admin of
another workspace, "globex", whose contacts must never show up for acme's people."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from calkeep.accounts.models import Membership, Plan, Role, Workspace
from calkeep.contacts.actions import create_contact
from calkeep.contacts.models import Contact
from tests.webhooks.receiver import receiver

__all__ = ["receiver"]  # a real HTTP receiver on 127.0.0.1 for webhook deliveries

PASSWORD = "a-long-test-password"


@pytest.fixture
def workspace(db: Any) -> Workspace:
    return Workspace.objects.create(
        slug="acme",
        name="Acme",
        plan=Plan.BUSINESS,
        default_region="US",
        time_zone="America/New_York",
    )


@pytest.fixture
def other_workspace(db: Any) -> Workspace:
    return Workspace.objects.create(
        slug="globex", name="Globex", plan=Plan.PRO, default_region="DE", time_zone="Europe/Berlin"
    )


def make_user(username: str, workspace: Workspace, role: str) -> User:
    user = User.objects.create_user(username=username, email=username, password=PASSWORD)
    Membership.objects.create(workspace=workspace, user=user, role=role)
    return user


@pytest.fixture
def admin(workspace: Workspace) -> User:
    return make_user("ada@acme.test", workspace, Role.ADMIN)


@pytest.fixture
def member(workspace: Workspace) -> User:
    return make_user("max@acme.test", workspace, Role.MEMBER)


@pytest.fixture
def outsider(other_workspace: Workspace) -> User:
    return make_user("olga@globex.test", other_workspace, Role.ADMIN)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin: User) -> Client:
    return logged_in(admin)


@pytest.fixture
def member_client(member: User) -> Client:
    return logged_in(member)


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    return logged_in(outsider)


def contact_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "given_name": "Ana", "family_name": "Lima", "organization": "Acme",
        "emails": [{"value": "ana@example.com", "label": "work", "primary": True}],
        "phones": [
            {"raw": "(201) 555-0123", "e164": "+12015550123", "label": "mobile", "extension": ""}
        ],
    }  # fmt: skip
    values.update(overrides)
    return values


@pytest.fixture
def make_contact(workspace: Workspace) -> Any:
    def make(owner: User | None = None, ws: Workspace | None = None, **values: Any) -> Contact:
        return create_contact(ws or workspace, owner, contact_values(**values))

    return make


@pytest.fixture
def run_worker() -> Any:
    """Run the real task worker until the queue is empty. Tests that use it take
    `transactional_db`: the worker closes connections left inside a transaction."""

    def run() -> None:
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    return run
