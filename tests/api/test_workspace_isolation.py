"""Nothing crosses a workspace: every endpoint, called with workspace A's token on
workspace B's ids, answers 404 (never 403), and B's contact stays as it was."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from calkeep.accounts.models import Workspace
from calkeep.contacts.models import Contact
from tests.api.conftest import ApiClient

ENDPOINTS = [
    ("GET", "/contacts/{id}", None),
    ("PATCH", "/contacts/{id}", {"given_name": "Mallory"}),
    ("PATCH", "/contacts/{id}", {}),
]


@pytest.fixture
def theirs(make_contact: Any, outsider: User, other_workspace: Workspace) -> Contact:
    return make_contact(owner=outsider, ws=other_workspace, given_name="Gustav")


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
@pytest.mark.parametrize("if_match", [None, '"1"', "*"])
def test_another_workspaces_contact_is_404(
    api: ApiClient, theirs: Contact, method: str, path: str, body: Any, if_match: str | None
) -> None:
    headers = {"HTTP_IF_MATCH": if_match} if if_match else {}
    response = api.send(method, path.format(id=theirs.pk), body, **headers)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.given_name == "Gustav" and theirs.version == 1


def test_both_ways_round(
    api: ApiClient, outsider_api: ApiClient, theirs: Contact, make_contact: Any
) -> None:
    ours = make_contact(given_name="Olga")
    for client, foreign, own in ((api, theirs, ours), (outsider_api, ours, theirs)):
        assert client.send("GET", f"/contacts/{foreign.pk}").status_code == 404
        assert client.send("GET", f"/contacts/{own.pk}").status_code == 200
        listed = {c["id"] for c in client.send("GET", "/contacts?limit=1000").json()["data"]}
        assert listed == {own.pk}
        for query in ("q=a", "email=ana@example.com", "phone=2015550123", "tag=x"):
            found = client.send("GET", f"/contacts?{query}").json()["data"]
            assert foreign.pk not in {c["id"] for c in found}


def test_a_contact_posted_lands_in_the_tokens_workspace(
    outsider_api: ApiClient, other_workspace: Workspace
) -> None:
    body = outsider_api.send("POST", "/contacts", {"given_name": "Hans"}).json()
    assert Contact.objects.get(pk=body["id"]).workspace == other_workspace
