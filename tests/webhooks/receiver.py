"""A real HTTP receiver on 127.0.0.1 for webhook tests: it records every request (headers
and body) and answers with the status its `answer` function picks."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int
    path: str = ""


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    answer: Callable[[Received], int] = lambda request: 200
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ids(self, status: int | None = None) -> list[str]:
        with self.lock:
            return [
                r.headers["webhook-id"]
                for r in self.received
                if status is None or r.status == status
            ]


def start_receiver() -> tuple[Receiver, ThreadingHTTPServer]:
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = Received(headers, body, 0, self.path)
            if receiver.delay:
                threading.Event().wait(receiver.delay)
            request.status = receiver.answer(request)
            with receiver.lock:
                receiver.received.append(request)
            payload = b"thanks" * 1000
            self.send_response(request.status)
            if 300 <= request.status < 400:
                self.send_header("Location", receiver.url + "elsewhere")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found, server = start_receiver()
    yield found
    server.shutdown()
    server.server_close()
