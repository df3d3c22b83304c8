"""A request that meets SQLite's write lock for too long (a big import committing) gets a
"busy, try again" page with 503 and Retry-After, not a 500. PostgreSQL never says this.
Under /api/v1 every error answer, those included, has the API's JSON error shape."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not (isinstance(exception, OperationalError) and "locked" in str(exception)):
            return None
        body = render_to_string("busy.html", request=request)
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "10"
        return response


API_PREFIX = "/api/v1/"
# The responses that reach an API client from outside Ninja's operations (Django's URL
# resolver, Ninja's method dispatch, the busy middleware above, an uncaught exception).
_API_ERRORS = {
    404: ("not_found", "There is nothing at {path}; the operations are listed at /api/v1/docs."),
    405: ("method_not_allowed", "{method} is not allowed on {path}; use {allowed}."),
    500: (
        "server_error",
        "Something went wrong on CalKeep's side; it was logged. If you were changing a "
        "contact, read it again before you retry.",
    ),
    503: ("busy", "The database is busy with a long write and nothing was saved; try again."),
}
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiErrorShapeMiddleware:
    """Errors under /api/v1 that Ninja's exception handlers never see get the API's one
    error shape, `{"errors": [{"field": null, "code": …, "message": …}]}`, instead of an
    HTML page or Ninja's plain-text 405; the status and the Allow / Retry-After headers
    stay."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        return api_error_response(request, response)


def api_error_response(request: HttpRequest, original: HttpResponse) -> HttpResponse:
    status = original.status_code
    code, template = _API_ERRORS.get(status, ("error", "{reason}."))
    allowed = " or ".join(sorted(m.strip() for m in original.get("Allow", "").split(",")))
    message = template.format(
        path=request.path, method=request.method, reason=original.reason_phrase, allowed=allowed
    )
    body = {"errors": [{"field": None, "code": code, "message": message}]}
    response = HttpResponse(
        json.dumps(body), content_type="application/json; charset=utf-8", status=status
    )
    for header in _KEPT_HEADERS:
        if header in original:
            response[header] = original[header]
    response["Content-Length"] = str(len(response.content))
    return response
