"""Sending what the outbox holds. A worker claims a batch of due deliveries (pending,
next attempt due, not claimed by a live worker) under row locks (`SKIP LOCKED` on
PostgreSQL; SQLite's write lock serializes the claim), marks them with its claim and a
lease, and sends them one by one outside any transaction. Two workers never send the same
delivery at once; a worker that dies leaves its claims to be taken again when the lease
runs out, so nothing is lost, and a receiver may see an event twice: always with the same
`webhook-id` and body (Standard Webhooks asks receivers to deduplicate on it).

A 2xx answer delivers. Anything else (another status, a redirect, which is never followed,
a timeout, a refused address) is retried on the schedule of retries.py; 410 Gone disables
the endpoint. Every attempt is logged for the endpoint's delivery log.

Deliveries are sent one at a time, so an endpoint that does not answer would hold the
worker for a whole timeout per event (an import of 5,000 contacts: 14 hours) while every
other endpoint waits. When a delivery gets no answer at all, the endpoint's other due
deliveries fail with it, without a request: each counts an attempt, logged as not sent,
and keeps its own retry schedule. A silent endpoint costs one timeout a round."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min, Q, QuerySet
from django.utils import timezone

from calkeep.accounts.models import plans_from
from calkeep.accounts.tokens import API_PLAN
from calkeep.lib import http
from calkeep.webhooks.models import Delivery, DeliveryAttempt, Endpoint
from calkeep.webhooks.retries import retry_delay
from calkeep.webhooks.signing import signed_headers
from calkeep.webhooks.targets import TargetRefused, resolve_target

Status = Delivery.Status
LOGGED_BODY_CHARS = 1000
USER_AGENT = "CalKeep-Webhooks/1"
# A run of the delivery task claims no new batch after this long and queues the next run:
# the worker runs one task at a time, and an import or cleanup queued meanwhile goes
# first instead of waiting out a backlog of thousands of events or a slow receiver.
RUN_SECONDS = 30.0


@dataclass(frozen=True)
class Claim:
    token: str
    delivery_ids: list[int]


def deliver_due(
    now: datetime | None = None, max_batches: int | None = None, max_seconds: float | None = None
) -> int:
    """Claim and send due deliveries until none is left, or until a batch ends after
    `max_seconds`; the number of attempts made. `now` is the clock the schedule is judged
    by (tests move it on)."""
    started = time.monotonic()
    attempted = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        if batches and max_seconds is not None and time.monotonic() - started >= max_seconds:
            break
        claim = claim_due(now or timezone.now())
        if not claim.delivery_ids:
            break
        for delivery_id in claim.delivery_ids:
            attempt_delivery(delivery_id, claim.token, now)
            attempted += 1
        batches += 1
    return attempted


def sendable() -> QuerySet[Delivery]:
    """Pending deliveries of enabled endpoints whose workspace's plan has webhooks. The
    others wait, like a disabled endpoint's: an endpoint enabled again, or a workspace
    back on Business, gets them with the next delivery run (its next change, or the
    worker's start)."""
    return Delivery.objects.filter(
        status=Status.PENDING, endpoint__enabled=True,
        endpoint__workspace__plan__in=plans_from(API_PLAN),
    )  # fmt: skip


def due_deliveries(now: datetime) -> QuerySet[Delivery]:
    return sendable().filter(
        Q(claimed_until=None) | Q(claimed_until__lt=now), next_attempt_at__lte=now
    )


def claim_due(now: datetime) -> Claim:
    token = uuid.uuid4().hex
    lease = now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    with transaction.atomic():
        due = due_deliveries(now).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[: settings.WEBHOOK_BATCH_SIZE])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(claimed_until=lease, claim=token)
    return Claim(token, ids)


def attempt_delivery(delivery_id: int, claim: str, now: datetime | None = None) -> None:
    delivery = Delivery.objects.select_related("event", "endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.claim != claim or delivery.status != Status.PENDING:
        return
    result = send(delivery)
    record_attempt(delivery, claim, result, now or timezone.now())


def send(delivery: Delivery) -> http.HttpResult:
    endpoint, event = delivery.endpoint, delivery.event
    try:
        # Checked again at each attempt, and the request goes to the address checked.
        address = resolve_target(endpoint.url)
    except TargetRefused as refusal:
        return http.HttpResult(None, error=str(refusal))
    body = event.body.encode("utf-8")
    headers = signed_headers(endpoint.secret, event.id, int(time.time()), body)
    headers.update({"Content-Type": "application/json", "User-Agent": USER_AGENT})
    return http.post(
        endpoint.url, body, headers, settings.WEBHOOK_TIMEOUT_SECONDS, connect_to=address,
        max_body=LOGGED_BODY_CHARS * 4,
    )  # fmt: skip


def record_attempt(delivery: Delivery, claim: str, result: http.HttpResult, now: datetime) -> None:
    attempts = delivery.attempts + 1
    changes: dict[str, object] = {
        "attempts": F("attempts") + 1, "claimed_until": None, "claim": "",
        "last_status_code": result.status, "last_error": result.error[:500],
    }  # fmt: skip
    delivered = result.status is not None and 200 <= result.status < 300
    gone = result.status == 410
    delay = None if delivered or gone else retry_delay(attempts)
    if delay is not None:
        changes["next_attempt_at"] = now + delay
    else:
        changes["status"] = Status.SUCCEEDED if delivered else Status.FAILED
        changes["finished_at"] = timezone.now()
        changes["next_attempt_at"] = None
    with transaction.atomic():
        # Its endpoint may have been deleted during the request, taking the delivery along:
        # its attempt has nothing left to belong to (the insert would fail the run).
        if not Delivery.objects.select_for_update().filter(pk=delivery.pk).exists():
            return
        DeliveryAttempt.objects.create(
            delivery_id=delivery.pk, attempted_at=timezone.now(), status_code=result.status,
            response_body=result.body[:LOGGED_BODY_CHARS], error=result.error[:500],
            duration_ms=result.duration_ms,
        )  # fmt: skip
        # A worker whose lease ran out (another took the delivery) only logs its attempt.
        Delivery.objects.filter(pk=delivery.pk, claim=claim).update(**changes)
        if gone:
            disable_gone_endpoint(delivery.endpoint_id)
    if result.status is None:
        fail_with_silent_endpoint(delivery, claim, result.error, now)


def fail_with_silent_endpoint(failed: Delivery, claim: str, error: str, now: datetime) -> None:
    """The endpoint of `failed` gave no answer: its other deliveries that are due (or
    claimed in this worker's batch) fail too, without a request."""
    note = f"Not sent: {failed.event_id} to this endpoint got no answer just before ({error})."
    with transaction.atomic():
        due = due_deliveries(now) | Delivery.objects.filter(claim=claim, status=Status.PENDING)
        due = due.filter(endpoint_id=failed.endpoint_id).exclude(pk=failed.pk)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        deliveries = list(due)
        moment = timezone.now()
        for delivery in deliveries:
            delivery.attempts += 1
            delay = retry_delay(delivery.attempts)
            delivery.claim, delivery.claimed_until = "", None
            delivery.last_status_code, delivery.last_error = None, note[:500]
            delivery.next_attempt_at = now + delay if delay is not None else None
            if delay is None:
                delivery.status, delivery.finished_at = Status.FAILED, moment
        Delivery.objects.bulk_update(deliveries, _FAILED_FIELDS, batch_size=500)
        DeliveryAttempt.objects.bulk_create(
            [
                DeliveryAttempt(delivery=d, attempted_at=moment, error=note[:500])
                for d in deliveries
            ],
            batch_size=500,
        )


_FAILED_FIELDS = [
    "attempts", "claim", "claimed_until", "last_status_code", "last_error", "next_attempt_at",
    "status", "finished_at",
]  # fmt: skip


def disable_gone_endpoint(endpoint_id: int) -> None:
    reason = f"Disabled on {timezone.now():%Y-%m-%d %H:%M} UTC: the endpoint answered 410 Gone."
    Endpoint.objects.filter(pk=endpoint_id, enabled=True).update(
        enabled=False, disabled_reason=reason
    )


def next_due_time(now: datetime | None = None) -> datetime | None:
    """When the next delivery falls due: the earliest retry of an unclaimed one, or the
    earliest lease that runs out (its worker may have died)."""
    now = now or timezone.now()
    pending = sendable()
    unclaimed = pending.filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
    claimed = pending.filter(claimed_until__gte=now)
    moments = [
        unclaimed.aggregate(at=Min("next_attempt_at"))["at"],
        claimed.aggregate(at=Min("claimed_until"))["at"],
    ]
    found = [m for m in moments if m is not None]
    return min(found) if found else None
