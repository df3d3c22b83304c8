"""A save that meets SQLite's write lock for too long gets a "busy" page, not a 500."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse


def test_a_locked_database_answers_503_with_a_page_that_says_to_retry(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: object, **kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr("calkeep.contacts.actions.create_contact", locked)
    data = {"given_name": "Ana", "emails-TOTAL_FORMS": "0", "phones-TOTAL_FORMS": "0",
            "addresses-TOTAL_FORMS": "0", "emails-INITIAL_FORMS": "0",
            "phones-INITIAL_FORMS": "0", "addresses-INITIAL_FORMS": "0"}  # fmt: skip
    response = admin_client.post(reverse("contacts:create", kwargs={"ws": "acme"}), data)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Nothing was lost" in response.content.decode()


def test_other_database_errors_are_not_hidden(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("no such table: contacts_contact")

    monkeypatch.setattr("calkeep.contacts.actions.create_contact", broken)
    admin_client.raise_request_exception = True
    with pytest.raises(OperationalError):
        admin_client.post(
            reverse("contacts:create", kwargs={"ws": "acme"}),
            {"given_name": "Ana", "emails-TOTAL_FORMS": "0", "phones-TOTAL_FORMS": "0",
             "addresses-TOTAL_FORMS": "0", "emails-INITIAL_FORMS": "0",
             "phones-INITIAL_FORMS": "0", "addresses-INITIAL_FORMS": "0"},
        )  # fmt: skip
