"""Migration 0004 drops four foreign keys' own indexes (a composite or unique index leads
with each column) without rebuilding the tables: on SQLite a rebuild reset the id counter,
and the ids of the contacts deleted last came back."""

from __future__ import annotations

from typing import Any

from django.db import connection

from calkeep.accounts.models import Workspace
from tests.migration_helpers import latest, migrate

BEFORE = [("contacts", "0003_contactkey_workspace_no_constraint")]
DROPPED = [
    ("contacts_contact", "workspace_id"),
    ("contacts_contactchange", "operation_id"),
    ("contacts_contactkey", "contact_id"),
    ("contacts_contactkey", "workspace_id"),
]


def single_column_indexes() -> set[tuple[str, str]]:
    found = set()
    with connection.cursor() as cursor:
        for table in {table for table, _ in DROPPED}:
            for info in connection.introspection.get_constraints(cursor, table).values():
                if info["index"] and not info["unique"] and len(info["columns"]) == 1:
                    found.add((table, info["columns"][0]))
    return found


def test_the_indexes_go_and_come_back_and_ids_are_never_handed_out_again(
    transactional_db: Any, workspace: Workspace
) -> None:
    try:
        old = migrate(BEFORE).get_model("contacts", "Contact")
        assert set(DROPPED) <= single_column_indexes()
        kept = old.objects.create(workspace_id=workspace.pk, given_name="Kept")
        deleted = old.objects.create(workspace_id=workspace.pk, given_name="Deleted").pk
        old.objects.filter(pk=deleted).delete()

        new = migrate(latest("contacts")).get_model("contacts", "Contact")
        assert not set(DROPPED) & single_column_indexes()
        assert new.objects.get(pk=kept.pk).given_name == "Kept"
        assert new.objects.create(workspace_id=workspace.pk).pk > deleted

        migrate(BEFORE)
        assert set(DROPPED) <= single_column_indexes()
    finally:
        migrate(latest("contacts"))
    assert not set(DROPPED) & single_column_indexes()
