"""Delivering what the outbox holds to a real receiver on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from calkeep.accounts.models import Plan, Workspace
from calkeep.contacts.models import Contact
from calkeep.contacts.resource import contact_resource
from calkeep.webhooks.actions import redeliver
from calkeep.webhooks.delivery import (
    LOGGED_BODY_CHARS,
    attempt_delivery,
    claim_due,
    deliver_due,
    next_due_time,
)
from calkeep.webhooks.models import Delivery, DeliveryAttempt, Endpoint, Event
from calkeep.webhooks.outbox import contacts_created, contacts_updated
from calkeep.webhooks.retries import MAX_ATTEMPTS
from tests.webhooks.helpers import deliver_until_settled, delivery_states, endpoint_for
from tests.webhooks.receiver import Receiver


@pytest.fixture
def contact(workspace: Workspace) -> Contact:
    return Contact.objects.create(workspace=workspace, given_name="Ana", version=1)


def test_an_event_is_signed_and_carries_the_contact_as_the_api_shows_it(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint = endpoint_for(workspace, receiver.url)
    contacts_created([contact])
    assert deliver_due() == 1
    [request] = receiver.received
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "contact.created"
    assert payload["data"] == contact_resource(contact, None)
    assert request.headers["webhook-id"] == Event.objects.get().id
    assert request.headers["content-type"] == "application/json"
    assert delivery_states() == [("succeeded", 1)]
    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code == 200 and attempt.succeeded


def test_a_failure_is_retried_later_with_the_same_id_and_body(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint_for(workspace, receiver.url)
    answers = iter([500, 200])
    receiver.answer = lambda request: next(answers)
    contacts_updated([contact])
    now = timezone.now()
    deliver_due(now)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at is not None
    assert timedelta(seconds=5) <= delivery.next_attempt_at - now <= timedelta(seconds=5.5)
    assert deliver_due(now + timedelta(seconds=4)) == 0
    assert deliver_due(now + timedelta(seconds=6)) == 1
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert delivery_states() == [("succeeded", 2)]


def test_a_delivery_fails_for_good_after_the_last_attempt(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint_for(workspace, receiver.url)
    receiver.answer = lambda request: 503
    contacts_created([contact])
    deliver_until_settled()
    assert delivery_states() == [("failed", MAX_ATTEMPTS)]
    assert len(receiver.received) == MAX_ATTEMPTS
    assert len(set(receiver.ids())) == 1


def test_410_disables_the_endpoint(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint = endpoint_for(workspace, receiver.url)
    receiver.answer = lambda request: 410
    contacts_created([contact])
    deliver_due()
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "410" in endpoint.disabled_reason
    assert delivery_states() == [("failed", 1)]
    contacts_updated([contact])  # a disabled endpoint gets nothing new
    assert Delivery.objects.count() == 1


def test_redirects_are_not_followed(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint_for(workspace, receiver.url)
    receiver.answer = lambda request: 301 if request.body else 200
    contacts_created([contact])
    deliver_due()
    assert len(receiver.received) == 1
    assert delivery_states() == [("pending", 1)]
    assert Delivery.objects.get().last_status_code == 301


def test_a_slow_receiver_times_out(
    workspace: Workspace, receiver: Receiver, contact: Contact, settings: Any
) -> None:
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.0
    endpoint_for(workspace, receiver.url)
    contacts_created([contact])
    deliver_due()
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert delivery.last_error == "timed out"


def test_the_logged_response_body_is_truncated(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint_for(workspace, receiver.url)
    contacts_created([contact])
    deliver_due()
    assert len(DeliveryAttempt.objects.get().response_body) == LOGGED_BODY_CHARS


@pytest.mark.parametrize(
    ("path", "sent"),
    [
        # http.client refused these as written. Non-ASCII text raised UnicodeEncodeError:
        # the worker's whole run failed at it, again after every lease, and the deliveries
        # claimed with it waited; a space failed every attempt as an invalid URL.
        ("über?für=ö", "/hooks/%C3%BCber?f%C3%BCr=%C3%B6"),
        ("a b?q=x y&e=%41", "/hooks/a%20b?q=x%20y&e=%41"),
    ],
)
def test_a_url_with_a_space_or_non_ascii_text_is_sent_percent_encoded(
    workspace: Workspace, receiver: Receiver, contact: Contact, path: str, sent: str
) -> None:
    endpoint = endpoint_for(workspace, receiver.url + path)
    contacts_created([contact])
    assert deliver_due() == 1
    [request] = receiver.received
    assert request.path == sent
    Webhook(endpoint.secret).verify(request.body, request.headers)
    assert delivery_states() == [("succeeded", 1)]


def test_private_targets_are_refused_at_delivery_time_too(
    workspace: Workspace, receiver: Receiver, contact: Contact, settings: Any
) -> None:
    endpoint_for(workspace, receiver.url)  # allowed when it was saved
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False  # e.g. the name now resolves elsewhere
    contacts_created([contact])
    deliver_due()
    assert receiver.received == []
    assert "public addresses only" in Delivery.objects.get().last_error


def test_redeliver_sends_the_same_event_again(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint_for(workspace, receiver.url)
    contacts_created([contact])
    deliver_due()
    redeliver(Delivery.objects.get())
    assert delivery_states() == [("pending", 0)]
    deliver_due()
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert delivery_states() == [("succeeded", 1)]
    assert DeliveryAttempt.objects.count() == 2


def test_endpoints_get_only_the_events_they_chose(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint_for(workspace, receiver.url, ["contact.updated"])
    contacts_created([contact])
    contacts_updated([contact])
    deliver_due()
    assert [json.loads(r.body)["type"] for r in receiver.received] == ["contact.updated"]


def test_nothing_is_written_without_an_endpoint(
    workspace: Workspace, contact: Contact, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        contacts_created([contact])
    assert not Event.objects.exists()


def test_nothing_is_written_below_the_business_plan(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint_for(workspace, receiver.url)
    Workspace.objects.filter(pk=workspace.pk).update(plan=Plan.PRO)
    contacts_created([contact])
    assert not Event.objects.exists()


def test_after_a_downgrade_pending_deliveries_wait_for_the_plan_to_come_back(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint_for(workspace, receiver.url)
    contacts_created([contact])
    Workspace.objects.filter(pk=workspace.pk).update(plan=Plan.PRO)
    assert deliver_due() == 0 and next_due_time() is None
    assert receiver.received == [] and delivery_states() == [("pending", 0)]
    Workspace.objects.filter(pk=workspace.pk).update(plan=Plan.ENTERPRISE)
    assert next_due_time() is not None
    assert deliver_due() == 1 and delivery_states() == [("succeeded", 1)]


def test_a_rolled_back_change_writes_and_sends_nothing(
    workspace: Workspace,
    receiver: Receiver,
    contact: Contact,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endpoint_for(workspace, receiver.url)
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        contacts_created([contact])
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert not Event.objects.exists() and not Delivery.objects.exists()
    assert deliver_due() == 0
    assert receiver.received == []


def test_the_worker_is_asked_once_per_transaction(
    workspace: Workspace,
    receiver: Receiver,
    contact: Contact,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endpoint_for(workspace, receiver.url)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        contacts_created([contact])
        contacts_updated([contact])
    assert len(callbacks) == 1


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_runs_out(
    workspace: Workspace, receiver: Receiver, contact: Contact, settings: Any
) -> None:
    endpoint_for(workspace, receiver.url)
    contacts_created([contact])
    now = timezone.now()
    first = claim_due(now)
    assert len(first.delivery_ids) == 1
    assert claim_due(now).delivery_ids == []
    later = now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS + 1)
    second = claim_due(later)
    assert second.delivery_ids == first.delivery_ids and second.token != first.token
    # The first worker comes back late: the delivery is the second one's now.
    attempt_delivery(first.delivery_ids[0], first.token)
    assert receiver.received == []
    attempt_delivery(second.delivery_ids[0], second.token)
    assert len(receiver.received) == 1
    assert delivery_states() == [("succeeded", 1)]


def test_disabled_endpoints_keep_their_deliveries_waiting(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint = endpoint_for(workspace, receiver.url)
    contacts_created([contact])
    Endpoint.objects.filter(pk=endpoint.pk).update(enabled=False)
    assert deliver_due() == 0
    Endpoint.objects.filter(pk=endpoint.pk).update(enabled=True)
    assert deliver_due() == 1


def test_the_next_run_is_due_at_the_earliest_retry_or_lease(
    workspace: Workspace, receiver: Receiver, contact: Contact
) -> None:
    endpoint_for(workspace, receiver.url)
    assert next_due_time() is None
    contacts_created([contact])
    now = timezone.now()
    claim = claim_due(now)
    delivery = Delivery.objects.get()
    assert next_due_time(now) == delivery.claimed_until  # its worker may die
    receiver.answer = lambda request: 500
    attempt_delivery(claim.delivery_ids[0], claim.token, now)
    delivery.refresh_from_db()
    assert next_due_time(now) == delivery.next_attempt_at
