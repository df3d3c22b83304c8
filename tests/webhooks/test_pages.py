"""Workspace settings → Webhooks: endpoints, their secret and delivery log, redeliver."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from calkeep.accounts.models import Plan, Workspace
from calkeep.contacts.models import Contact
from calkeep.webhooks.delivery import deliver_due
from calkeep.webhooks.models import Delivery, Endpoint
from calkeep.webhooks.outbox import contacts_created
from tests.webhooks.receiver import Receiver

BASE = "/w/acme/settings/webhooks/"


def add(client: Client, url: str, events: list[str] | None = None) -> Any:
    return client.post(f"{BASE}new/", {"url": url, "events": events or ["contact.created"]})


def test_an_admin_adds_an_endpoint_and_sees_its_secret(
    admin_client: Client, receiver: Receiver
) -> None:
    response = add(admin_client, receiver.url)
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{endpoint.pk}/"
    page = admin_client.get(f"{BASE}{endpoint.pk}/").content.decode()
    assert endpoint.secret in page and endpoint.secret.startswith("whsec_")
    assert endpoint.events == ["contact.created"]


def test_the_page_showing_the_secret_is_never_cached(
    admin_client: Client, receiver: Receiver
) -> None:
    add(admin_client, receiver.url)
    response = admin_client.get(f"{BASE}{Endpoint.objects.get().pk}/")
    assert "no-store" in response["Cache-Control"]


def test_private_urls_are_refused_with_a_reason(admin_client: Client, settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = add(admin_client, "http://127.0.0.1:8000/hook")
    assert response.status_code == 200
    assert "public addresses only" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_members_and_other_workspaces_get_404(
    admin_client: Client, member_client: Client, outsider_client: Client, receiver: Receiver
) -> None:
    add(admin_client, receiver.url)
    endpoint = Endpoint.objects.get()
    assert member_client.get(BASE).status_code == 404
    assert member_client.get(f"{BASE}{endpoint.pk}/").status_code == 404
    other = f"/w/globex/settings/webhooks/{endpoint.pk}/"
    for suffix in ("", "edit/", "delete/"):
        assert outsider_client.get(other + suffix).status_code == 404
    assert outsider_client.post(other + "enable/", {"enabled": "0"}).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.enabled


def test_the_delivery_log_and_redeliver(
    admin_client: Client, receiver: Receiver, workspace: Workspace
) -> None:
    add(admin_client, receiver.url)
    endpoint = Endpoint.objects.get()
    contacts_created([Contact.objects.create(workspace=workspace, given_name="Ana")])
    receiver.answer = lambda request: 500
    deliver_due()
    page = admin_client.get(f"{BASE}{endpoint.pk}/").content.decode()
    assert "HTTP 500" in page and "contact.created" in page
    delivery = Delivery.objects.get()
    response = admin_client.post(f"{BASE}{endpoint.pk}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 302
    receiver.answer = lambda request: 200
    deliver_due()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert len(set(receiver.ids())) == 1 and len(receiver.received) == 2


def test_edit_disable_rotate_and_delete(admin_client: Client, receiver: Receiver) -> None:
    add(admin_client, receiver.url)
    endpoint = Endpoint.objects.get()
    old_secret = endpoint.secret
    admin_client.post(
        f"{BASE}{endpoint.pk}/edit/",
        {"url": receiver.url + "v2", "events": ["contact.created", "contact.updated"]},
    )
    admin_client.post(f"{BASE}{endpoint.pk}/enable/", {"enabled": "0"})
    admin_client.post(f"{BASE}{endpoint.pk}/rotate/")
    endpoint.refresh_from_db()
    assert endpoint.url.endswith("/hooks/v2") and len(endpoint.events) == 2
    assert not endpoint.enabled and endpoint.secret != old_secret
    admin_client.post(f"{BASE}{endpoint.pk}/delete/")
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("plan", [Plan.FREE, Plan.PRO])
def test_below_business_endpoints_cannot_be_added(
    admin_client: Client, workspace: Workspace, receiver: Receiver, plan: str
) -> None:
    workspace.plan = plan
    workspace.save()
    assert "need the Business plan or higher" in admin_client.get(BASE).content.decode()
    assert add(admin_client, receiver.url).status_code == 403
    assert not Endpoint.objects.exists()


def test_after_a_downgrade_an_endpoint_can_be_disabled_and_deleted_not_changed(
    admin_client: Client, workspace: Workspace, receiver: Receiver
) -> None:
    add(admin_client, receiver.url)
    endpoint = Endpoint.objects.get()
    contacts_created([Contact.objects.create(workspace=workspace, given_name="Ana")])
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    workspace.plan = Plan.PRO
    workspace.save()
    edited = admin_client.post(
        f"{BASE}{endpoint.pk}/edit/", {"url": receiver.url + "v2", "events": ["contact.updated"]}
    )
    assert edited.status_code == 403
    assert "need the Business plan or higher" in edited.content.decode()
    redelivered = admin_client.post(
        f"{BASE}{endpoint.pk}/deliveries/{delivery.pk}/redeliver/", follow=True
    )
    assert "need the Business plan or higher" in redelivered.content.decode()
    admin_client.post(f"{BASE}{endpoint.pk}/enable/", {"enabled": "0"})
    enabled = admin_client.post(f"{BASE}{endpoint.pk}/enable/", {"enabled": "1"}, follow=True)
    assert "need the Business plan or higher" in enabled.content.decode()
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert endpoint.url == receiver.url and endpoint.events == ["contact.created"]
    assert not endpoint.enabled and delivery.status == Delivery.Status.FAILED
    admin_client.post(f"{BASE}{endpoint.pk}/delete/")
    assert not Endpoint.objects.exists()


def test_an_unknown_event_is_told_beside_the_events(
    admin_client: Client, receiver: Receiver
) -> None:
    response = add(admin_client, receiver.url, ["contact.exploded"])
    errors = response.context["form"].errors
    assert "events" in errors and "url" not in errors
