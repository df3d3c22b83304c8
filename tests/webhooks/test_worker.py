"""Deliveries through the real worker, and through a worker that dies mid-batch while the
receiver fails at random: no event is lost, and a repeat carries the same webhook-id."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from standardwebhooks.webhooks import Webhook

from calkeep.accounts.models import Workspace
from calkeep.contacts.actions import bulk_create_contacts
from calkeep.lib import http
from calkeep.webhooks import delivery
from calkeep.webhooks.models import Delivery, Endpoint, Event
from calkeep.webhooks.tasks import deliver_webhooks_task, prune_webhook_events_task
from tests.api.conftest import ApiClient, token_for
from tests.conftest import contact_values
from tests.webhooks.helpers import deliver_until_settled, endpoint_for
from tests.webhooks.receiver import Receiver


def test_a_committed_change_is_delivered_by_the_worker(
    transactional_db: Any, receiver: Receiver, workspace: Workspace, admin: User, run_worker: Any
) -> None:
    endpoint = endpoint_for(workspace, receiver.url)
    api = ApiClient(token_for(admin, workspace))
    created = api.send("POST", "/contacts", {"given_name": "Ana"}).json()
    assert receiver.received == []  # nothing is sent from the request itself
    run_worker()
    [request] = receiver.received
    assert Webhook(endpoint.secret).verify(request.body, request.headers)["data"] == created


def test_a_failed_delivery_schedules_the_next_run_for_its_retry(
    transactional_db: Any, receiver: Receiver, workspace: Workspace, run_worker: Any
) -> None:
    endpoint_for(workspace, receiver.url)
    receiver.answer = lambda request: 503
    bulk_create_contacts(workspace, None, [contact_values()], "import")  # autocommit
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.next_attempt_at is not None
    queued = DBTaskResult.objects.filter(
        task_path=deliver_webhooks_task.module_path, status=TaskResultStatus.READY
    )
    assert [t.run_after for t in queued] == [delivery.next_attempt_at]


def queued_delivery_runs() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=deliver_webhooks_task.module_path, status=TaskResultStatus.READY
        )
    )


def test_changes_in_a_row_queue_one_delivery_run_until_it_starts(
    transactional_db: Any, receiver: Receiver, workspace: Workspace, run_worker: Any
) -> None:
    endpoint_for(workspace, receiver.url)
    for _ in range(3):  # three transactions, each committing its own event
        bulk_create_contacts(workspace, None, [contact_values()], "import")
    [first] = queued_delivery_runs()
    # Once that run has started it may have read the due deliveries already: the next
    # change queues a run of its own.
    DBTaskResult.objects.filter(pk=first.pk).update(status=TaskResultStatus.RUNNING)
    bulk_create_contacts(workspace, None, [contact_values()], "import")
    [second] = queued_delivery_runs()
    assert second.pk != first.pk
    # A run queued for a later retry does not count either.
    DBTaskResult.objects.filter(pk=second.pk).update(run_after=timezone.now() + timedelta(hours=5))
    bulk_create_contacts(workspace, None, [contact_values()], "import")
    assert len(queued_delivery_runs()) == 2
    DBTaskResult.objects.filter(pk=first.pk).delete()
    run_worker()
    assert len(receiver.received) == 5


def test_a_long_backlog_lets_a_task_queued_meanwhile_go_first(
    transactional_db: Any,
    receiver: Receiver,
    workspace: Workspace,
    run_worker: Any,
    monkeypatch: Any,
) -> None:
    endpoint_for(workspace, receiver.url)
    bulk_create_contacts(workspace, None, (contact_values() for _ in range(25)), "import")
    DBTaskResult.objects.all().delete()  # the run the commit queued: called below instead
    # A task queued while the backlog is sent (an import's, say; here the daily prune).
    other = prune_webhook_events_task.enqueue()
    monkeypatch.setattr(delivery, "RUN_SECONDS", 0.0)  # every run stops after one batch
    deliver_webhooks_task.call()
    assert len(receiver.received) == settings.WEBHOOK_BATCH_SIZE
    queue = DBTaskResult.objects.ready()
    assert [t.task_path for t in queue] == [
        prune_webhook_events_task.module_path,
        deliver_webhooks_task.module_path,
    ]
    run_worker()
    assert DBTaskResult.objects.get(pk=other.id).status == TaskResultStatus.SUCCESSFUL
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}
    assert len(receiver.received) == 25


def test_no_event_is_lost_when_the_worker_dies_and_the_receiver_fails_at_random(
    transactional_db: Any, receiver: Receiver, workspace: Workspace
) -> None:
    endpoint = endpoint_for(workspace, receiver.url)
    chance = random.Random(20261203)
    lock = threading.Lock()

    def flaky(request: Any) -> int:
        with lock:
            return 500 if chance.random() < 0.3 else 200

    receiver.answer = flaky
    receiver.delay = 0.2  # so the worker is mid-batch when it is killed
    with transaction.atomic():
        bulk_create_contacts(workspace, None, (contact_values() for _ in range(30)), "import")
    expected = set(Event.objects.values_list("id", flat=True))
    assert len(expected) == 30

    worker = _start_worker(lease_seconds=3)
    _wait_for(lambda: len(receiver.received) >= 4, worker)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    left_claimed = set(Delivery.objects.exclude(claimed_until=None).values_list("pk", flat=True))
    assert left_claimed, "the worker died holding no claim: kill it earlier"

    receiver.delay = 0.0
    # A worker that comes up at once leaves the dead worker's claims alone until the
    # lease runs out; then it takes them, and retries the failures, until all delivered.
    deliver_until_settled(start=timezone.now())
    assert set(Delivery.objects.filter(pk__in=left_claimed).values_list("status", flat=True)) == {
        "succeeded"
    }
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}

    bodies: dict[str, set[bytes]] = defaultdict(set)
    hook = Webhook(endpoint.secret)
    for request in receiver.received:
        hook.verify(request.body, request.headers)
        bodies[request.headers["webhook-id"]].add(request.body)
    assert set(bodies) == expected
    assert set(receiver.ids(status=200)) == expected  # every event answered 200 at least once
    assert all(len(variants) == 1 for variants in bodies.values())  # repeats are identical


def _start_worker(lease_seconds: int) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "CALKEEP_WEBHOOK_LEASE_SECONDS": str(lease_seconds)}
    name = str(connection.settings_dict["NAME"])
    return subprocess.Popen(
        [sys.executable, "-m", "tests.webhooks.worker_process", name],
        env=environment,
        cwd=os.getcwd(),
    )


def _wait_for(condition: Any, worker: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert worker.poll() is None, "the worker ended before it was killed"
        assert time.monotonic() < deadline, "the worker delivered nothing"
        time.sleep(0.02)


def test_an_endpoint_deleted_during_its_request_fails_no_other_delivery(
    transactional_db: Any, receiver: Receiver, workspace: Workspace, monkeypatch: Any
) -> None:
    doomed = endpoint_for(workspace, receiver.url + "doomed")
    endpoint_for(workspace, receiver.url)
    bulk_create_contacts(workspace, None, [contact_values()], "import")  # autocommit
    send = http.post

    def post_then_delete(url: str, *args: Any, **kwargs: Any) -> http.HttpResult:
        result = send(url, *args, **kwargs)
        if url.endswith("doomed"):  # an admin deletes the endpoint meanwhile
            Endpoint.objects.filter(pk=doomed.pk).delete()
        return result

    monkeypatch.setattr(http, "post", post_then_delete)
    # The insert of the deleted delivery's attempt failed the run (IntegrityError).
    assert delivery.deliver_due() == 2
    assert list(Delivery.objects.values_list("status", flat=True)) == ["succeeded"]
    assert len(receiver.received) == 2
