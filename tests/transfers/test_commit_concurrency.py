"""An edit saved while an import commits is never overwritten by the import."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from calkeep.accounts.models import Membership, Workspace
from calkeep.contacts.actions import update_contact
from calkeep.contacts.models import Contact
from calkeep.transfers import runs
from calkeep.transfers.actions import ImportOptions
from calkeep.transfers.models import ImportRun

VCARD = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\nORG:New Co\r\n"
    b"EMAIL:ana@example.com\r\nEND:VCARD\r\n"
)


def in_thread(target: Any, errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_an_edit_during_a_commit_waits_and_survives(
    transactional_db: Any, admin: User, workspace: Workspace, make_contact: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    contact = make_contact(owner=admin, organization="Old Co", title="")
    viewer = Membership.objects.get(user=admin, workspace=workspace)
    run = runs.receive_upload(viewer, "a.vcf", VCARD, ImportOptions(strategy="merge"))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED)

    planned, proceed = threading.Event(), threading.Event()
    original_write = runs.write_plan

    def write_after_the_edit_tried(*args: Any, **kwargs: Any) -> Any:
        planned.set()
        proceed.wait(10)
        return original_write(*args, **kwargs)

    monkeypatch.setattr(runs, "write_plan", write_after_the_edit_tried)
    errors: list[BaseException] = []
    committing = in_thread(lambda: runs.commit_run(run.pk), errors)
    assert planned.wait(10)
    editing = in_thread(lambda: update_contact(contact, {"title": "Buyer"}), errors)
    editing.join(0.5)  # the edit waits for the commit's lock (or the database's)
    proceed.set()
    committing.join(30)
    editing.join(30)
    assert errors == []
    saved = Contact.objects.get(pk=contact.pk)
    assert (saved.organization, saved.title) == ("New Co", "Buyer")
    assert saved.version == contact.version + 2  # the import and the edit: two versions
