"""Concurrent PATCHes with If-Match against a live server: threads each read a counter
kept in the contact's notes and write it back plus one, retrying on 412 with the state the
412 returns. No update is lost: the counter ends at the number of increments, and the
version moved once for each. (PostgreSQL locks the row; SQLite's IMMEDIATE transactions
serialize the writers.)"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

from django.contrib.auth.models import User

from calkeep.accounts.models import Workspace
from calkeep.contacts.actions import create_contact
from calkeep.contacts.models import Contact
from tests.api.conftest import token_for

THREADS = 4
INCREMENTS = 6


def call(url: str, token: str, method: str = "GET", body: Any = None, **headers: str) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_concurrent_patches_lose_no_update(
    transactional_db: Any, live_server: Any, admin: User, workspace: Workspace
) -> None:
    token = token_for(admin, workspace)
    contact = create_contact(workspace, admin, {"given_name": "Counter", "notes": "0"})
    url = f"{live_server.url}/api/v1/contacts/{contact.pk}"
    conflicts = []
    failures: list[str] = []

    def increment_many() -> None:
        status, _, body = call(url, token)
        for _ in range(INCREMENTS):
            while True:
                if status not in (200, 412):
                    failures.append(f"{status}: {body}")
                    return
                current = body if status == 200 else body["current"]
                etag = f'"{current["version"]}"'
                patch = {"notes": str(int(current["notes"]) + 1)}
                status, _, body = call(url, token, "PATCH", patch, **{"If-Match": etag})
                if status == 200:
                    break
                conflicts.append(1)

    threads = [threading.Thread(target=increment_many) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    contact = Contact.objects.get(pk=contact.pk)
    assert contact.notes == str(THREADS * INCREMENTS)
    assert contact.version == 1 + THREADS * INCREMENTS
    assert conflicts, "the threads never overlapped: the test proved nothing"
