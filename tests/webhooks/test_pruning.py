"""The outbox forgets what it no longer needs: an event whose deliveries are all finished
(delivered or failed for good) goes, with its deliveries and their logged attempts, once
it is older than the retention (30 days); an event that may still be sent stays. The
worker prunes once a day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from calkeep.accounts.models import Workspace
from calkeep.contacts.models import Contact
from calkeep.webhooks.delivery import deliver_due
from calkeep.webhooks.models import Delivery, DeliveryAttempt, Event
from calkeep.webhooks.outbox import contacts_created
from calkeep.webhooks.pruning import PRUNE_INTERVAL, prune_delivered_events
from calkeep.webhooks.tasks import prune_webhook_events_task, start_delivery
from tests.webhooks.helpers import deliver_until_settled, endpoint_for
from tests.webhooks.receiver import Receiver

RETENTION = timedelta(days=30)


@pytest.fixture
def contacts(workspace: Workspace) -> list[Contact]:
    return [
        Contact.objects.create(workspace=workspace, given_name=name, version=1)
        for name in ("Ana", "Bo")
    ]


def test_delivered_and_failed_events_go_after_the_retention(
    workspace: Workspace, receiver: Receiver, contacts: list[Contact]
) -> None:
    endpoint_for(workspace, receiver.url)
    receiver.answer = lambda request: 200 if b'"Ana"' in request.body else 500
    contacts_created(contacts)
    written = Event.objects.earliest("created_at")
    deliver_until_settled()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded", "failed"}
    assert DeliveryAttempt.objects.count() > 2

    assert prune_delivered_events(written.created_at + RETENTION - timedelta(minutes=1)) == 0
    assert Event.objects.count() == 2
    assert prune_delivered_events(written.created_at + RETENTION + timedelta(minutes=1)) == 2
    assert (Event.objects.count(), Delivery.objects.count(), DeliveryAttempt.objects.count()) == (
        0, 0, 0,
    )  # fmt: skip


def test_an_event_that_may_still_be_sent_stays(
    workspace: Workspace, receiver: Receiver, contacts: list[Contact]
) -> None:
    endpoint_for(workspace, receiver.url)
    receiver.answer = lambda request: 503
    contacts_created(contacts[:1])
    deliver_due()
    assert Delivery.objects.get().status == "pending"
    assert prune_delivered_events(timezone.now() + RETENTION * 3) == 0
    assert Event.objects.count() == 1 and DeliveryAttempt.objects.count() == 1


def test_an_event_stays_while_one_of_its_endpoints_still_waits(
    workspace: Workspace, receiver: Receiver, contacts: list[Contact]
) -> None:
    endpoint_for(workspace, receiver.url)
    waiting = endpoint_for(workspace, receiver.url + "?second")
    contacts_created(contacts[:1])
    waiting.enabled = False
    waiting.save()
    deliver_due()
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["pending", "succeeded"]
    assert prune_delivered_events(timezone.now() + RETENTION * 3) == 0


def test_an_event_left_without_deliveries_goes_too(
    workspace: Workspace, receiver: Receiver, contacts: list[Contact]
) -> None:
    endpoint = endpoint_for(workspace, receiver.url)
    contacts_created(contacts)
    endpoint.delete()
    assert Event.objects.count() == 2 and not Delivery.objects.exists()
    assert prune_delivered_events(timezone.now() + RETENTION + timedelta(minutes=1)) == 2


def test_pruning_works_through_more_events_than_one_batch(
    workspace: Workspace, receiver: Receiver, settings: Any
) -> None:
    endpoint_for(workspace, receiver.url)
    contacts_created(
        [Contact.objects.create(workspace=workspace, given_name=f"C{i}") for i in range(7)]
    )
    Delivery.objects.update(status="succeeded", next_attempt_at=None)
    later = timezone.now() + RETENTION + timedelta(minutes=1)
    assert prune_delivered_events(later, batch=3) == 7
    assert not Event.objects.exists()


def ready_prunes() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=prune_webhook_events_task.module_path, status=TaskResultStatus.READY
        )
    )


def test_the_worker_start_queues_one_prune_and_each_prune_queues_the_next(db: Any) -> None:
    start_delivery()
    start_delivery()  # a second worker start adds no second prune
    [queued] = ready_prunes()
    before = timezone.now()
    prune_webhook_events_task.call()
    DBTaskResult.objects.filter(pk=queued.pk).delete()  # as if the worker had run it
    prune_webhook_events_task.call()
    [following] = ready_prunes()
    assert following.run_after >= before + PRUNE_INTERVAL
