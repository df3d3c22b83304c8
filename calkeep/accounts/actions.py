from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from calkeep.accounts.models import Membership, Plan, Role, Workspace

DEMO_SLUG = "demo"
DEMO_USERNAME = "admin@demo.calkeep.test"
DEMO_PASSWORD = "calkeep-demo"  # printed by `make run`; a demo login, not a secret


@dataclass
class DemoLogin:
    workspace: Workspace
    username: str
    password: str
    created: bool


def create_workspace(slug: str, name: str, plan: str, region: str, time_zone: str) -> Workspace:
    workspace = Workspace(
        slug=slug, name=name, plan=plan, default_region=region, time_zone=time_zone
    )
    workspace.full_clean()
    workspace.save()
    return workspace


@transaction.atomic
def ensure_demo_workspace() -> DemoLogin:
    """The demo workspace `demo` (plan business, region US) and its admin; idempotent."""
    workspace = Workspace.objects.filter(slug=DEMO_SLUG).first()
    created = workspace is None
    if workspace is None:
        workspace = create_workspace(
            DEMO_SLUG, "Demo team", Plan.BUSINESS, "US", "America/New_York"
        )
    user_model = get_user_model()
    user = user_model.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        user = user_model.objects.create_user(
            username=DEMO_USERNAME, email=DEMO_USERNAME, password=DEMO_PASSWORD,
            first_name="Demo", last_name="Admin",
        )  # fmt: skip
        created = True
    Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": Role.ADMIN})
    return DemoLogin(workspace, DEMO_USERNAME, DEMO_PASSWORD, created)
