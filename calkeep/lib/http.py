"""The one place CalKeep makes outbound HTTP requests (webhook deliveries). Tests do not
replace it: they run a real receiver on 127.0.0.1.

A request connects to an address the caller already resolved and checked (`connect_to`),
while the Host header and TLS certificate check use the URL's host name: a DNS answer that
changes between the check and the connection (DNS rebinding) cannot send the request
elsewhere. Redirects are not followed (http.client never does); the response body is read
up to `max_body` bytes. `timeout` bounds the whole request, not each socket operation."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

DEFAULT_MAX_BODY = 4096


@dataclass(frozen=True)
class HttpResult:
    status: int | None  # None: no HTTP answer (refused, timed out, TLS error, ...)
    body: str = ""  # the start of the response body, decoded leniently
    error: str = ""
    duration_ms: int = 0


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


class _Deadline:
    """Ends a request that outlives its time. http.client's timeout bounds each socket
    operation, so a receiver that sends its answer a byte at a time would hold the worker
    (and every task queued behind it) for hours. At the deadline the socket is shut down,
    which wakes a read or write blocked on it."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        self.expired = False
        self._connection = connection
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        self.expired = True
        sock = self._connection.sock
        if sock is None:
            return
        with contextlib.suppress(OSError):  # closed meanwhile
            # socket.socket's own shutdown: SSLSocket's would drop its TLS state first.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    connect_to: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
) -> HttpResult:
    """POST `body`; never raises for network trouble, the result says what happened."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    # Always pass the port: given none, http.client reads one off the host itself, and an
    # IPv6 literal's last group (`2001:db8::1` -> port 1, host `2001:db8:`) looks like one.
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = connect_to or host
    target = request_target(parts.path, parts.query)
    started = time.monotonic()
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(host, port, address, timeout)
    else:
        connection = _PinnedHTTPConnection(host, port, address, timeout)
    deadline = _Deadline(connection, timeout)
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read(max_body)
        status = response.status
    except (OSError, http.client.HTTPException, ValueError) as error:
        # ValueError: http.client refusing a header, say; never a crash of the whole batch.
        message = _describe(error, deadline.expired)
        return HttpResult(None, error=message, duration_ms=_since(started))
    finally:
        deadline.cancel()
        connection.close()
    if deadline.expired:  # the shutdown reads as the end of the headers or of the body
        return HttpResult(None, error="timed out", duration_ms=_since(started))
    text = content.decode("utf-8", errors="replace")
    return HttpResult(status, body=text, duration_ms=_since(started))


# What a path and query may hold as written (RFC 3986's pchar, `/` and `?`; quote() keeps
# letters, digits and `_.-~`), and `%` of an escape already there.
_URL_SAFE = "/?:@!$&'()*+,;=%"


def request_target(path: str, query: str) -> str:
    """The path and query to send. A space or non-ASCII text (`/hooks/über`) is
    percent-encoded as UTF-8, as a browser sends it: http.client refuses it as written."""
    target = quote(path or "/", safe=_URL_SAFE)
    return f"{target}?{quote(query, safe=_URL_SAFE)}" if query else target


def _describe(error: Exception, expired: bool = False) -> str:
    if expired or isinstance(error, TimeoutError | socket.timeout):
        return "timed out"
    return f"{type(error).__name__}: {error}"[:500]


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
