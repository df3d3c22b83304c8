"""API tokens: created and revoked by workspace admins (settings page, `calkeep token`),
checked on every API request. A token acts as the member it belongs to; the plan is checked
on every request too, so a workspace that leaves Business stops answering at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from calkeep.accounts import token_format
from calkeep.accounts.models import ApiToken, Membership, Plan, Scope, Workspace

API_PLAN = Plan.BUSINESS
# last_used_at moves at most once a minute: a request should not mean a write for that.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class PlanRequired(Exception):
    """The workspace's plan does not include the API; the message names the plan needed."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(
            f"The API and webhooks need the {Plan(API_PLAN).label} plan or higher; "
            f"workspace {workspace.slug!r} is on {Plan(workspace.plan).label}."
        )


class InvalidScopes(ValueError):
    pass


def check_api_plan(workspace: Workspace) -> None:
    if not workspace.has_plan(API_PLAN):
        raise PlanRequired(workspace)


def parse_scopes(values: Iterable[str]) -> list[str]:
    """Known scopes in their canonical order; anything else is refused by name."""
    wanted = {v.strip() for v in values if v.strip()}
    unknown = sorted(wanted - set(Scope.values))
    if unknown:
        raise InvalidScopes(
            f"unknown scope {', '.join(unknown)}; the scopes are {', '.join(Scope.values)}"
        )
    if not wanted:
        raise InvalidScopes(f"choose at least one scope: {', '.join(Scope.values)}")
    return [s for s in Scope.values if s in wanted]


@dataclass
class NewToken:
    token: ApiToken
    secret: str  # the token itself: shown once, never stored


@transaction.atomic
def create_token(
    membership: Membership,
    scopes: Iterable[str],
    name: str = "",
    created_by: AbstractBaseUser | None = None,
) -> NewToken:
    """A token that acts as `membership`'s user."""
    check_api_plan(membership.workspace)
    checked = parse_scopes(scopes)
    secret = token_format.new_token()
    token = ApiToken.objects.create(
        workspace=membership.workspace, user_id=membership.user_id, created_by=created_by,
        name=name.strip()[:100], hint=token_format.token_hint(secret),
        token_hash=token_format.hash_token(secret), scopes=checked,
    )  # type: ignore[misc]  # fmt: skip
    return NewToken(token, secret)


def revoke_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())


def find_token(secret: str) -> ApiToken | None:
    """The active token with this secret. A malformed one (bad prefix, length or checksum)
    is refused without a database lookup."""
    if not token_format.is_well_formed(secret):
        return None
    token = (
        ApiToken.objects.select_related("workspace", "user")
        .filter(token_hash=token_format.hash_token(secret), revoked_at=None)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def membership_of(token: ApiToken) -> Membership | None:
    """The member the token acts as; None once they left the workspace."""
    membership = Membership.objects.filter(workspace_id=token.workspace_id, user_id=token.user_id)
    found = membership.first()
    if found is not None:
        found.workspace = token.workspace
        found.user = token.user
    return found


def touch_last_used(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # The condition in the UPDATE keeps concurrent requests from each writing it.
    stale = Q(last_used_at=None) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
