"""The one NinjaAPI: the public JSON API at /api/v1, its OpenAPI document at
/api/v1/openapi.json and a docs page at /api/v1/docs. Every error has one shape:
{"errors": [{"field": "emails[0].value" | null, "code": "...", "message": "..."}]}."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from calkeep.accounts.api_auth import MissingScope
from calkeep.accounts.ratelimit import RateLimited
from calkeep.accounts.tokens import PlanRequired
from calkeep.contacts.api import PreconditionRequired
from calkeep.contacts.api import router as contacts_router
from calkeep.contacts.api_values import FieldError

DESCRIPTION = """CalKeep's contacts, for the workspaces on the Business plan or higher.

Authenticate with a workspace API token (workspace settings → API tokens, or
`calkeep token create`): `Authorization: Bearer ck_live_…`. A token acts as the member it
belongs to, with the scopes `contacts:read` and/or `contacts:write`.

Each contact carries an `ETag`, its version. `PATCH` needs `If-Match` with that ETag: a
stale one gets 412 with the contact as it is now, a missing one 428. Errors have one shape:
`{"errors": [{"field": …, "code": …, "message": …}]}`; validation errors answer 422 and
name the field. Too many requests answer 429 with `Retry-After`."""

api = NinjaAPI(
    title="CalKeep Contacts API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", contacts_router)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    body = {"errors": [{"field": field, "code": code, "message": message}]}
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request, 401, "unauthorized",
        "Send a valid API token: Authorization: Bearer ck_live_…",
    )  # fmt: skip
    response["WWW-Authenticate"] = 'Bearer realm="CalKeep"'
    return response


@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error_response(request, 429, "rate_limited", str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(PlanRequired)
def on_plan_required(request: HttpRequest, exc: PlanRequired) -> HttpResponse:
    return error_response(request, 403, "plan_required", str(exc))


@api.exception_handler(MissingScope)
def on_missing_scope(request: HttpRequest, exc: MissingScope) -> HttpResponse:
    return error_response(request, 403, "missing_scope", str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "No such contact.")


@api.exception_handler(PreconditionRequired)
def on_precondition_required(request: HttpRequest, exc: PreconditionRequired) -> HttpResponse:
    return error_response(
        request, 428, "if_match_required",
        "Send If-Match with the contact's ETag (its version), as read with GET.",
    )  # fmt: skip


@api.exception_handler(RequestDataTooBig)
def on_body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_response(
        request, 413, "body_too_large", f"Send a request body of at most {limit:,} bytes."
    )


@api.exception_handler(FieldError)
def on_field_error(request: HttpRequest, exc: FieldError) -> HttpResponse:
    return error_response(request, 422, exc.code, exc.message, exc.field)


# Pydantic states a pattern mismatch as the regular expression; these say it in words.
FORMAT_MESSAGES = {
    "updated_since": "Give a date and time as RFC 3339, e.g. 2026-01-31T12:00:00Z "
    "(in a query string, + is written %2B).",
    "birthday": "Give a birthday as YYYY-MM-DD, or --MM-DD when the year is unknown.",
}


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [validation_item(e) for e in exc.errors]
    return api.create_response(request, {"errors": errors}, status=422)


def validation_item(error: dict[str, Any]) -> dict[str, Any]:
    field = field_path(error.get("loc", ()))
    code = str(error.get("type", "invalid"))
    message = str(error.get("msg", "Invalid value."))
    if code == "string_pattern_mismatch" and field in FORMAT_MESSAGES:
        message = FORMAT_MESSAGES[field]
    return {"field": field, "code": code, "message": message}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "bad_request", str(exc))


def field_path(loc: Any) -> str | None:
    """Pydantic's location -> `emails[0].value`: the source ("body", "query", ...) and the
    body parameter's own name are left out."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[2:]
    elif parts:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or None
