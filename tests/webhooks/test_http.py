"""The outbound HTTP seam (lib/http.py) that webhook deliveries go through."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest

from calkeep.lib import http
from tests.webhooks.receiver import Receiver

real_create_connection = socket.create_connection


@pytest.fixture
def dialled(monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> list[tuple[str, int]]:
    """The (address, port) each request dials; every connection goes to the receiver."""
    calls: list[tuple[str, int]] = []
    port = int(receiver.url.rsplit(":", 1)[1].split("/", 1)[0])

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        calls.append(address)
        return real_create_connection(("127.0.0.1", port), *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return calls


@pytest.mark.parametrize(
    ("url", "expected_port", "host_header"),
    [
        ("http://[2001:db8::1]/hooks", 80, "[2001:db8::1]"),
        ("http://[2001:db8::1]:8080/hooks", 8080, "[2001:db8::1]:8080"),
        ("http://hooks.example/in", 80, "hooks.example"),
    ],
)
def test_a_request_dials_the_checked_address_on_the_urls_port(
    dialled: list[tuple[str, int]],
    receiver: Receiver,
    url: str,
    expected_port: int,
    host_header: str,
) -> None:
    result = http.post(url, b"{}", {}, timeout=5, connect_to="2001:db8::1")
    assert result.status == 200, result.error
    assert dialled == [("2001:db8::1", expected_port)]
    [request] = receiver.received
    assert request.headers["host"] == host_header


def drip_server(first: bytes, drip: bytes, drips: int, last: bytes) -> str:
    """A server on 127.0.0.1 that answers its one connection with `first`, then `drip`
    `drips` times a tenth of a second apart (each well within the socket timeout), then
    `last`. The address it listens on, as host:port."""
    server = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        connection, _ = server.accept()
        with connection, server:
            connection.recv(65536)
            try:
                connection.sendall(first)
                for _ in range(drips):
                    threading.Event().wait(0.1)
                    connection.sendall(drip)
                connection.sendall(last)
            except OSError:
                pass  # the client hung up

    threading.Thread(target=answer, daemon=True).start()
    host, port = server.getsockname()
    return f"{host}:{port}"


def test_the_timeout_bounds_an_answer_sent_a_byte_at_a_time() -> None:
    # 3 s of headers, a byte every 0.1 s: each read waits less than the 0.5 s timeout.
    address = drip_server(b"HTTP/1.1 200 OK\r\n", b"X", 30, b": a\r\nContent-Length: 0\r\n\r\n")
    result = http.post(f"http://{address}/hooks", b"{}", {}, timeout=0.5)
    assert (result.status, result.error) == (None, "timed out")
