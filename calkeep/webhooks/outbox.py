"""The outbox: `contact.created` / `contact.updated` events written in the transaction of
the change itself, one event per contact and one delivery per subscribed endpoint, so a
change that rolls back sends nothing and one that commits is never forgotten. The worker
is asked to deliver only once the transaction has committed.

Called from contacts/actions.py (single and bulk writes, restores), which imports, merges,
cleanup rules and reverts all go through. A workspace without an enabled endpoint for the
event costs one query and writes nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from calkeep.accounts.models import Plan
from calkeep.contacts.bulk import insert_rows
from calkeep.contacts.models import Contact
from calkeep.contacts.resource import contact_resource, timestamp
from calkeep.webhooks.models import Delivery, Endpoint, Event, EventType

_EVENT_COLUMNS = ("id", "workspace_id", "type", "contact_ref", "body", "created_at")
_DELIVERY_COLUMNS = (
    "event_id", "endpoint_id", "status", "attempts", "next_attempt_at", "claimed_until",
    "claim", "last_status_code", "last_error", "created_at", "finished_at",
)  # fmt: skip
WEBHOOK_PLANS = (Plan.BUSINESS, Plan.ENTERPRISE)


def contacts_created(contacts: Sequence[Contact]) -> None:
    record_contact_events(EventType.CONTACT_CREATED, contacts)


def contacts_updated(contacts: Sequence[Contact]) -> None:
    record_contact_events(EventType.CONTACT_UPDATED, contacts)


def new_contacts_created(
    workspace_id: int,
    contacts: Callable[[], Sequence[Contact]],
    endpoints: Sequence[int] | None = None,
) -> None:
    """`contacts_created` for contacts written without model instances (an import):
    `contacts` builds them, and is called only when an endpoint listens. A caller writing
    many slices in one transaction may look the `endpoints` up once and pass them."""
    if endpoints is None:
        endpoints = subscribed_endpoints(workspace_id, EventType.CONTACT_CREATED)
    if endpoints:
        _write(EventType.CONTACT_CREATED, workspace_id, list(contacts()), endpoints)


def record_contact_events(event_type: str, contacts: Sequence[Contact]) -> None:
    by_workspace: dict[int, list[Contact]] = {}
    for contact in contacts:
        by_workspace.setdefault(contact.workspace_id, []).append(contact)
    for workspace_id, group in by_workspace.items():
        endpoints = subscribed_endpoints(workspace_id, event_type)
        if endpoints:
            _write(event_type, workspace_id, group, endpoints)


def subscribed_endpoints(workspace_id: int, event_type: str) -> list[int]:
    endpoints = Endpoint.objects.filter(
        workspace_id=workspace_id, enabled=True, workspace__plan__in=WEBHOOK_PLANS
    ).values_list("pk", "events")
    return [pk for pk, events in endpoints if event_type in events]


def _write(
    event_type: str, workspace_id: int, contacts: list[Contact], endpoints: Sequence[int]
) -> None:
    now = timezone.now()
    emails = _owner_emails(contacts)
    events = [
        (new_message_id(), workspace_id, event_type, c.pk,
         event_body(event_type, now, contact_resource(c, emails.get(c.owner_id))), now)
        for c in contacts
    ]  # fmt: skip
    insert_rows(Event, _EVENT_COLUMNS, events)
    deliveries = (
        (event[0], endpoint, Delivery.Status.PENDING, 0, now, None, "", None, "", now, None)
        for event in events
        for endpoint in endpoints
    )
    insert_rows(Delivery, _DELIVERY_COLUMNS, deliveries)
    deliver_after_commit()


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def event_body(event_type: str, moment: datetime, data: dict[str, object]) -> str:
    """Standard Webhooks' payload shape: type, timestamp, data."""
    document = {"type": event_type, "timestamp": timestamp(moment), "data": data}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _owner_emails(contacts: list[Contact]) -> dict[int | None, str]:
    ids = {c.owner_id for c in contacts if c.owner_id is not None}
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids).values_list("pk", "email", "username")
    return {pk: email or username for pk, email, username in users}


def deliver_after_commit() -> None:
    """Ask the worker to deliver once the transaction commits (once per transaction)."""
    pending = getattr(connection, "run_on_commit", [])
    if any(entry[1] is enqueue_delivery for entry in pending):
        return
    transaction.on_commit(enqueue_delivery, robust=True)


def enqueue_delivery() -> None:
    """Queue a delivery run, unless one is queued to start now and has not started: it
    will find this change's deliveries, which are committed already. (A running one may
    have read the due deliveries before they were; it is not counted.) 1,000 API writes
    in a row thus queue one run, not 1,000 mostly empty ones."""
    from calkeep.webhooks.tasks import deliver_webhooks_task, run_queued_by

    if not run_queued_by(timezone.now()):
        deliver_webhooks_task.enqueue()
