"""Schemathesis against the served OpenAPI document: generated requests (valid and not)
for every operation, through the Django WSGI app, authenticated with an admin's token (the
`TokenAuth` scheme, so schemathesis also sends requests without it and expects 401); every
response must be documented, match its schema and never be a server error.

The schema is loaded eagerly from the app (no server): schemathesis' lazy `from_fixture`
loader does not run under pytest 9. The token is made at import and stored by a fixture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from calkeep.accounts import token_format
from calkeep.accounts.models import ApiToken, Workspace
from calkeep.wsgi import application

TOKEN = token_format.new_token()
# Schema-valid requests may still be refused, for reasons JSON Schema cannot state: 422 for
# the checks the pages make too (email syntax as email-validator judges it, a date in the
# calendar, a name, organization, email or phone, one primary email, a web address, an
# opaque cursor the API gave out, a phone filter it can read), 412/428 for PATCH's If-Match
# (a generated ETag rarely names the current version). Every other check runs as shipped.
CONFIG = schemathesis.Config.from_dict(
    {
        "auth": {"openapi": {"TokenAuth": {"bearer": TOKEN}}},
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "412", "422", "428", "429"]
            }
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture(autouse=True)
def api_token(admin: User, workspace: Workspace, make_contact: Any) -> Iterator[None]:
    ApiToken.objects.create(
        workspace=workspace, user=admin, hint=token_format.token_hint(TOKEN),
        token_hash=token_format.hash_token(TOKEN), scopes=["contacts:read", "contacts:write"],
    )  # fmt: skip
    make_contact(owner=admin)
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_openapi_promises(case: Any) -> None:
    case.call_and_validate()
