"""Every error under /api/v1 has the API's one shape, also those Ninja's operations never
see: a path the API does not route (404), a method a path lacks (405, with Allow), a
database busy with a long write (503, with Retry-After) and an unexpected failure (500).
Pages outside the API keep their HTML."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from tests.api.conftest import ApiClient


def error_of(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert set(error) == {"field", "code", "message"} and error["field"] is None
    assert error["message"]
    return dict(error)


@pytest.mark.parametrize("path", ["/nothing", "/contacts/", "/contacts/1/emails", "/v2"])
def test_a_path_the_api_does_not_have_is_a_json_404(api: ApiClient, path: str) -> None:
    response = api.send("GET", path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_404_without_a_token_has_the_shape_too(db: Any) -> None:
    response = Client().post("/api/v1/nothing", "{}", content_type="application/json")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("DELETE", "/contacts/1", {"GET", "PATCH"}), ("PUT", "/contacts", {"GET", "POST"})],
)
def test_a_method_the_path_lacks_is_a_json_405_with_allow(
    api: ApiClient, method: str, path: str, allowed: set[str]
) -> None:
    response = api.send(method, path, {"given_name": "Ana"})
    assert response.status_code == 405
    assert {m.strip() for m in response["Allow"].split(",")} == allowed
    assert response["Content-Length"] == str(len(response.content))
    error = error_of(response)
    assert error["code"] == "method_not_allowed" and method in error["message"]


def test_a_busy_database_is_a_json_503_with_retry_after(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: object, **kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr("calkeep.contacts.api.create_contact", locked)
    response = api.send("POST", "/contacts", {"given_name": "Ana"})
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert error_of(response)["code"] == "busy"


def test_an_unexpected_failure_is_a_json_500(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("calkeep.contacts.api.create_contact", broken)
    api.raise_request_exception = False
    response = api.send("POST", "/contacts", {"given_name": "Ana"})
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error" and "boom" not in error["message"]


def test_pages_keep_their_html_404(admin_client: Client) -> None:
    response = admin_client.get("/w/acme/nothing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "example"),
    [
        ("GET", "/contacts?updated_since=yesterday", None, "updated_since", "2026-01-31T12:00:00Z"),
        ("POST", "/contacts", {"given_name": "A", "birthday": "1990/05/01"}, "birthday", "--MM-DD"),
    ],
)
def test_a_value_in_the_wrong_format_is_told_in_words_not_as_a_regex(
    api: ApiClient, method: str, path: str, body: Any, field: str, example: str
) -> None:
    response = api.send(method, path, body)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == field and error["code"] == "string_pattern_mismatch"
    assert example in error["message"] and "[0-9]" not in error["message"]


@pytest.mark.parametrize(("method", "path"), [("POST", "/contacts"), ("PATCH", "/contacts/1")])
def test_a_body_over_the_upload_limit_is_413_saying_the_limit(
    api: ApiClient, settings: Any, method: str, path: str
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"given_name": "Ana", "notes": "x" * 1000}
    response = api.send(method, path, body, HTTP_IF_MATCH="*")
    assert response.status_code == 413
    error = error_of(response)
    assert error["code"] == "body_too_large" and "1,000 bytes" in error["message"]


def test_the_openapi_document_lists_413_for_the_operations_with_a_body(api: ApiClient) -> None:
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert "413" in paths["/api/v1/contacts"]["post"]["responses"]
    assert "413" in paths["/api/v1/contacts/{id}"]["patch"]["responses"]
