"""A request that meets SQLite's write lock for too long (a big import committing) gets a
"busy, try again" page with 503 and Retry-After, not a 500. PostgreSQL never says this."""

from __future__ import annotations

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
