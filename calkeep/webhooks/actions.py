"""Endpoints and deliveries as admins manage them (pages and `calkeep webhook`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from calkeep.accounts.models import Workspace
from calkeep.accounts.tokens import check_api_plan
from calkeep.webhooks.models import Delivery, Endpoint, EventType
from calkeep.webhooks.outbox import deliver_after_commit
from calkeep.webhooks.signing import new_secret
from calkeep.webhooks.targets import resolve_target


class InvalidEvents(ValueError):
    pass


def parse_events(values: Iterable[str]) -> list[str]:
    wanted = {v.strip() for v in values if v.strip()}
    unknown = sorted(wanted - set(EventType.values))
    if unknown:
        raise InvalidEvents(
            f"unknown event {', '.join(unknown)}; the events are {', '.join(EventType.values)}"
        )
    if not wanted:
        raise InvalidEvents(f"choose at least one event: {', '.join(EventType.values)}")
    return [e for e in EventType.values if e in wanted]


def add_endpoint(
    workspace: Workspace,
    url: str,
    events: Iterable[str],
    description: str = "",
    created_by: AbstractBaseUser | None = None,
) -> Endpoint:
    """PlanRequired, TargetRefused or InvalidEvents when it cannot be added."""
    check_api_plan(workspace)
    checked = parse_events(events)
    resolve_target(url)
    return Endpoint.objects.create(
        workspace=workspace, url=url.strip(), events=checked, description=description.strip(),
        secret=new_secret(), created_by=created_by,
    )  # type: ignore[misc]  # fmt: skip


def change_endpoint(endpoint: Endpoint, url: str, events: Iterable[str], description: str) -> None:
    """PlanRequired, TargetRefused or InvalidEvents when it cannot be changed."""
    check_api_plan(endpoint.workspace)
    checked = parse_events(events)
    if url.strip() != endpoint.url:
        resolve_target(url)
    endpoint.url, endpoint.events, endpoint.description = url.strip(), checked, description.strip()
    endpoint.save(update_fields=["url", "events", "description"])


@transaction.atomic
def set_endpoint_enabled(endpoint: Endpoint, enabled: bool) -> None:
    """Enabling again sends what waited meanwhile (pending deliveries are kept); a
    workspace below the API's plan may disable an endpoint, not enable it (PlanRequired)."""
    if enabled:
        check_api_plan(endpoint.workspace)
    Endpoint.objects.filter(pk=endpoint.pk).update(enabled=enabled, disabled_reason="")
    endpoint.enabled, endpoint.disabled_reason = enabled, ""
    if enabled:
        deliver_after_commit()


def rotate_secret(endpoint: Endpoint) -> str:
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret


def delete_endpoint(endpoint: Endpoint) -> None:
    endpoint.delete()


@transaction.atomic
def redeliver(delivery: Delivery) -> None:
    """Send the same event again (same webhook-id and body), with a fresh retry schedule;
    PlanRequired when the workspace is below the API's plan."""
    check_api_plan(delivery.endpoint.workspace)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(),
        claimed_until=None, claim="", finished_at=None,
    )  # fmt: skip
    deliver_after_commit()
