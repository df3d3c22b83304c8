"""contacts/bulk.py's own machinery: ids reserved ahead of their rows, INSERTs split by
SQLite's parameter limit, and the second thread of background_writes (same statements,
same order, same transaction, errors raised on the caller's thread)."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, IntegrityError, connection, transaction

from calkeep.accounts.models import Workspace
from calkeep.contacts import bulk
from calkeep.contacts.actions import create_contact
from calkeep.contacts.models import Contact, ContactKey, Operation
from tests.conftest import contact_values

_KEY_COLUMNS = ("workspace_id", "contact_id", "kind", "value")


def _keys(contact: Contact) -> list[str]:
    return sorted(ContactKey.objects.filter(contact=contact).values_list("value", flat=True))


def test_reserved_ids_are_new_ascending_and_never_handed_out_again(
    workspace: Workspace, admin: User
) -> None:
    with transaction.atomic():
        first = bulk.reserve_ids(Operation, 3)  # a table that never had a row
    assert len(first) == 3 and first == sorted(first) and len(set(first)) == 3
    assert bulk.reserve_ids(Operation, 0) == []
    made = Operation.objects.create(workspace=workspace, kind=Operation.Kind.IMPORT)
    assert made.pk > first[-1]  # the table's own numbering goes on after the reserved ones
    with transaction.atomic():
        second = bulk.reserve_ids(Operation, 2)
    assert second[0] > made.pk
    # A reserved id that was used and deleted (the largest there was) is not handed out
    # again, nor is an id written by hand past the counter.
    contact = create_contact(workspace, admin, contact_values())
    with transaction.atomic():
        (pk,) = bulk.reserve_ids(Contact, 1)
        Contact.objects.create(pk=pk, workspace=workspace, given_name="A")
    assert pk > contact.pk and Contact.objects.get(pk=pk).given_name == "A"
    Contact.objects.filter(pk=pk).delete()
    with transaction.atomic():
        (again,) = bulk.reserve_ids(Contact, 1)
    assert again > pk
    if connection.vendor == "sqlite":
        # SQLite: nor is an id past the counter, written by hand (PostgreSQL's sequences
        # do not look at the table: there, as for Django, ids come from the sequence only).
        by_hand = Contact.objects.create(pk=again + 10, workspace=workspace).pk
        with transaction.atomic():
            (after_hand,) = bulk.reserve_ids(Contact, 1)
        assert after_hand > by_hand
        assert Contact.objects.create(workspace=workspace).pk > after_hand


def test_an_insert_larger_than_one_statement_writes_every_row(
    workspace: Workspace, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 9 values a statement at most: two keys (4 values each) per INSERT on SQLite.
    monkeypatch.setattr(bulk, "_SQLITE_MAX_VALUES", 9)
    contact = create_contact(workspace, admin, contact_values(emails=[], phones=[]))
    values = [f"t{i}" for i in range(7)]
    with transaction.atomic():
        bulk.insert_rows(
            ContactKey, _KEY_COLUMNS, [(workspace.pk, contact.pk, "tag", v) for v in values]
        )
    assert _keys(contact) == values


def test_background_writes_run_in_order_before_any_other_query(
    workspace: Workspace, admin: User
) -> None:
    contact = create_contact(workspace, admin, contact_values(emails=[], phones=[]))
    threads: list[str] = []
    sqlite = connection.vendor == "sqlite"

    def slow_insert(cursor: Any) -> None:
        threads.append(threading.current_thread().name)
        time.sleep(0.3)  # the query below would run meanwhile if it did not wait
        cursor.execute(
            "INSERT INTO contacts_contactkey (workspace_id, contact_id, kind, value)"
            " VALUES (%s, %s, 'tag', 'slow')".replace("%s", "?" if sqlite else "%s"),
            [workspace.pk, contact.pk],
        )

    with transaction.atomic(), bulk.background_writes():
        writer = bulk._active_writer()
        assert writer is not None
        writer.submit(slow_insert)
        rows = [(workspace.pk, contact.pk, "tag", f"n{i}") for i in range(3)]
        bulk.insert_rows(ContactKey, _KEY_COLUMNS, rows)
        assert _keys(contact) == ["n0", "n1", "n2", "slow"]
        with bulk.background_writes():  # nested: the outer one's writer
            assert bulk._active_writer() is writer
    assert threads == ["calkeep-writes"]
    assert bulk._active_writer() is None
    assert _keys(contact) == ["n0", "n1", "n2", "slow"]


def test_a_failed_background_write_raises_and_the_transaction_writes_nothing(
    workspace: Workspace, admin: User
) -> None:
    contact = create_contact(workspace, admin, contact_values(emails=[], phones=[]))
    duplicate = [(workspace.pk, contact.pk, "tag", "same")] * 2
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.background_writes():
        bulk.insert_rows(ContactKey, _KEY_COLUMNS, [(workspace.pk, contact.pk, "tag", "a")])
        bulk.insert_rows(ContactKey, _KEY_COLUMNS, duplicate)
        # Raised here at the latest (the next query waits for the writes before it).
        ContactKey.objects.count()
        pytest.fail("the failed write was not reported")  # pragma: no cover
    assert _keys(contact) == []
    assert bulk._active_writer() is None
    # The connection is usable again, and writes without a writer as before.
    with transaction.atomic():
        bulk.insert_rows(ContactKey, _KEY_COLUMNS, [(workspace.pk, contact.pk, "tag", "b")])
    assert _keys(contact) == ["b"]


def test_after_a_failed_background_write_later_ones_are_refused(
    workspace: Workspace, admin: User
) -> None:
    contact = create_contact(workspace, admin, contact_values(emails=[], phones=[]))
    duplicate = [(workspace.pk, contact.pk, "tag", "same")] * 2
    ran: list[int] = []
    with pytest.raises(DatabaseError), transaction.atomic(), bulk.background_writes():
        writer = bulk._active_writer()
        assert writer is not None
        bulk.insert_rows(ContactKey, _KEY_COLUMNS, duplicate)
        for number in (1, 2):
            # Refused at once when the failure is known already, else queued and dropped.
            with contextlib.suppress(DatabaseError):
                writer.submit(lambda cursor, number=number: ran.append(number))
    assert ran == []  # the writer has stopped: nothing queued after the failure ran
    assert _keys(contact) == []


def _slow_insert(workspace: Workspace, contact: Contact, value: str) -> Any:
    sqlite = connection.vendor == "sqlite"

    def job(cursor: Any) -> None:
        time.sleep(0.2)  # still queued or running when the caller goes on
        cursor.execute(
            "INSERT INTO contacts_contactkey (workspace_id, contact_id, kind, value)"
            " VALUES (%s, %s, 'tag', %s)".replace("%s", "?" if sqlite else "%s"),
            [workspace.pk, contact.pk, value],
        )

    return job


def test_leaving_background_writes_with_an_error_rolls_the_whole_block_back(
    workspace: Workspace, admin: User
) -> None:
    """What the block wrote, run already or still queued, is rolled back with it; what the
    caller's transaction wrote before stays."""
    contact = create_contact(workspace, admin, contact_values(emails=[], phones=[]))
    with transaction.atomic():
        bulk.insert_rows(ContactKey, _KEY_COLUMNS, [(workspace.pk, contact.pk, "tag", "before")])
        with pytest.raises(ValueError), bulk.background_writes():
            bulk.insert_rows(ContactKey, _KEY_COLUMNS, [(workspace.pk, contact.pk, "tag", "a")])
            assert _keys(contact) == ["a", "before"]  # waited for: written
            writer = bulk._active_writer()
            assert writer is not None
            writer.submit(_slow_insert(workspace, contact, "late"))
            raise ValueError("the caller failed")
        assert bulk._active_writer() is None
        assert _keys(contact) == ["before"]
    assert _keys(contact) == ["before"]


def test_a_savepoint_inside_background_writes_waits_for_the_queue_before_it_ends(
    workspace: Workspace, admin: User
) -> None:
    """A transaction inside the block is a savepoint of the block's own, whose rollback (or
    release) is a query like any other: it waits for what is queued, so a rolled-back
    savepoint takes its queued writes with it. Outside any transaction of the caller too."""
    contact = create_contact(workspace, admin, contact_values(emails=[], phones=[]))
    with bulk.background_writes():
        writer = bulk._active_writer()
        assert writer is not None
        with pytest.raises(ValueError), transaction.atomic():
            writer.submit(_slow_insert(workspace, contact, "inner"))
            bulk.insert_rows(ContactKey, _KEY_COLUMNS, [(workspace.pk, contact.pk, "tag", "x")])
            raise ValueError("rolled back")
        with transaction.atomic():
            writer.submit(_slow_insert(workspace, contact, "kept"))
    assert _keys(contact) == ["kept"]


def test_the_switch_interval_comes_back_when_the_last_writer_ends() -> None:
    """The interval is the process's: writers of two threads that end in either order
    leave it as it was before the first began."""
    before = sys.getswitchinterval()
    first, second = bulk._short_switch_interval(), bulk._short_switch_interval()
    first.__enter__()
    assert sys.getswitchinterval() == min(before, bulk._SWITCH_INTERVAL)
    second.__enter__()
    first.__exit__(None, None, None)
    assert sys.getswitchinterval() == min(before, bulk._SWITCH_INTERVAL)
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before


def test_deferred_foreign_keys_are_checked_per_call_on_postgresql(workspace: Workspace) -> None:
    """A key pointing at a contact that does not exist fails at check_deferred_constraints
    on PostgreSQL (with or without the writer), instead of at COMMIT."""
    if connection.vendor != "postgresql":
        # SQLite checks foreign keys as it writes; the call does nothing there.
        with transaction.atomic():
            bulk.check_deferred_constraints()
        return
    missing = 10**9
    for background in (False, True):
        with pytest.raises(IntegrityError, match="contact"), transaction.atomic():
            if background:
                with bulk.background_writes():
                    bulk.insert_rows(
                        ContactKey, _KEY_COLUMNS, [(workspace.pk, missing, "tag", "x")]
                    )
                    bulk.check_deferred_constraints()
            else:
                bulk.insert_rows(ContactKey, _KEY_COLUMNS, [(workspace.pk, missing, "tag", "x")])
                bulk.check_deferred_constraints()
    assert not ContactKey.objects.exists()
