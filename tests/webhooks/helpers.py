from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from calkeep.accounts.models import Workspace
from calkeep.webhooks.actions import add_endpoint
from calkeep.webhooks.delivery import deliver_due
from calkeep.webhooks.models import Delivery, Endpoint

EVENTS = ["contact.created", "contact.updated"]


def endpoint_for(workspace: Workspace, url: str, events: list[str] | None = None) -> Endpoint:
    return add_endpoint(workspace, url, events or EVENTS)


def deliver_until_settled(start: datetime | None = None, rounds: int = 40) -> datetime:
    """Run deliveries, moving the clock past each retry, until nothing is pending."""
    now = start or timezone.now()
    for _ in range(rounds):
        deliver_due(now)
        pending = Delivery.objects.filter(status=Delivery.Status.PENDING)
        if not pending.exists():
            return now
        later = [d.next_attempt_at or now for d in pending] + [
            d.claimed_until for d in pending if d.claimed_until
        ]
        now = max(now, min(later)) + timedelta(seconds=1)
    raise AssertionError("deliveries still pending")


def delivery_states() -> list[Any]:
    return list(Delivery.objects.order_by("pk").values_list("status", "attempts"))
