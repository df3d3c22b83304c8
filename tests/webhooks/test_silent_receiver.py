"""A receiver that never answers costs one timeout a round, not one per event: once a
delivery to an endpoint gets no answer, the endpoint's other due deliveries fail with it
(each counts an attempt and keeps its own retry schedule) instead of each waiting out the
timeout, so one dead receiver does not hold up every other endpoint's events."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from calkeep.accounts.models import Workspace
from calkeep.contacts.models import Contact
from calkeep.webhooks.delivery import deliver_due
from calkeep.webhooks.models import Delivery, DeliveryAttempt, Endpoint
from calkeep.webhooks.outbox import contacts_created
from tests.webhooks.helpers import deliver_until_settled, endpoint_for
from tests.webhooks.receiver import Receiver

BACKLOG = 25  # more than one batch


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A port that takes connections and never answers them."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"http://127.0.0.1:{server.getsockname()[1]}/hooks"
    server.close()


def new_contacts(workspace: Workspace, count: int) -> list[Contact]:
    return [Contact.objects.create(workspace=workspace, given_name=f"C{i}") for i in range(count)]


def test_a_silent_endpoint_costs_one_timeout_and_holds_up_no_other(
    workspace: Workspace, receiver: Receiver, silent_url: str, settings: Any
) -> None:
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.2
    silent = endpoint_for(workspace, silent_url)
    contacts_created(new_contacts(workspace, BACKLOG))
    endpoint_for(workspace, receiver.url)
    contacts_created(new_contacts(workspace, 1))  # to both endpoints, after the backlog

    now = timezone.now()
    deliver_due(now)
    log = DeliveryAttempt.objects.filter(delivery__endpoint=silent)
    assert log.filter(error="timed out").count() == 1
    assert log.filter(error__startswith="Not sent").count() == BACKLOG
    waiting = Delivery.objects.filter(endpoint=silent)
    assert {(d.status, d.attempts, d.claim) for d in waiting} == {("pending", 1, "")}
    assert all(d.next_attempt_at and d.next_attempt_at > now for d in waiting)
    assert len(receiver.received) == 1  # the other endpoint got its event in the same run

    # The endpoint answers again: every event arrives, once, on its own schedule.
    Endpoint.objects.filter(pk=silent.pk).update(url=receiver.url)
    deliver_until_settled(start=now + timedelta(seconds=6))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}
    ids = receiver.ids()
    assert len(ids) == len(set(ids)) + 1  # the event both endpoints wanted came twice
    assert {d.attempts for d in waiting.all()} == {2}
