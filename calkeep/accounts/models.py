from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from phonenumbers import SUPPORTED_REGIONS


class Plan(models.TextChoices):
    FREE = "free", "Free"
    PRO = "pro", "Pro"
    BUSINESS = "business", "Business"
    ENTERPRISE = "enterprise", "Enterprise"


PLAN_ORDER = [Plan.FREE, Plan.PRO, Plan.BUSINESS, Plan.ENTERPRISE]


def plans_from(minimum: str) -> list[str]:
    """The plans at `minimum` or higher, for queries ("Business+")."""
    return [str(plan) for plan in PLAN_ORDER[PLAN_ORDER.index(Plan(minimum)) :]]


def validate_region(value: str) -> None:
    if value not in SUPPORTED_REGIONS:
        raise ValidationError(f"{value!r} is not an ISO 3166 country code with a phone plan.")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone.")


class Workspace(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.FREE)
    default_region = models.CharField(max_length=2, default="US", validators=[validate_region])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    def has_plan(self, minimum: str) -> bool:
        """True when the workspace's plan is `minimum` or higher ("Pro+" = has_plan("pro"))."""
        return PLAN_ORDER.index(Plan(self.plan)) >= PLAN_ORDER.index(Plan(minimum))


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class Scope(models.TextChoices):
    CONTACTS_READ = "contacts:read", "Read contacts"
    CONTACTS_WRITE = "contacts:write", "Create and edit contacts"


class ApiToken(models.Model):
    """A workspace API token (accounts/tokens.py). It acts as `user`, a member of the
    workspace, and sees what that member sees. Only the SHA-256 of the token is kept."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=100, blank=True)
    hint = models.CharField(max_length=20)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name or self.hint

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class ApiRateWindow(models.Model):
    """Requests one token made in one fixed window (`window_start`, in seconds since
    the epoch). Counted with one atomic upsert per request (accounts/ratelimit.py)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "window_start"], name="one_count_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.token_id}@{self.window_start}: {self.count}"
