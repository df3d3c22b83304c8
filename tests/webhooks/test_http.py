"""The outbound HTTP seam (lib/http.py) that webhook deliveries go through."""

from __future__ import annotations

import socket
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
