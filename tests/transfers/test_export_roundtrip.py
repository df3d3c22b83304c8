"""The export's round trip as a property: any contacts a workspace stores, exported, imported
into an empty workspace (strategy overwrite) and exported again, give the same file, and the
imported contacts equal the exported ones field for field."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from calkeep.accounts.models import Membership, Workspace
from calkeep.contacts.actions import bulk_create_contacts, values_from_draft
from calkeep.contacts.models import Contact, Operation
from calkeep.formats.draft import ContactDraft
from calkeep.formats.emails import normalize_email
from tests.contact_strategies import csv_can_carry, stored_contacts, vcard_can_carry
from tests.transfers.test_export import (
    FORMATS,
    empty_workspace,
    exported,
    import_file,
    membership,
    stored_values,
)

address_books = st.lists(stored_contacts, min_size=1, max_size=3)


def shares_an_email(contacts: list[dict[str, Any]]) -> bool:
    """Two contacts with one normalized email are the same person to an import, which folds
    them into one (PRODUCT.md "Identity and duplicates")."""
    seen: set[str] = set()
    for contact in contacts:
        emails = {normalize_email(e["value"]) for e in contact["emails"]}
        if emails & seen:
            return True
        seen |= emails
    return False


def reset(*members: Membership) -> None:
    """Hypothesis runs every example in the one test transaction: start each one empty."""
    workspaces = [m.workspace_id for m in members]
    Contact.objects.filter(workspace_id__in=workspaces).delete()
    Operation.objects.filter(workspace_id__in=workspaces).delete()


@pytest.mark.parametrize(("format", "version"), FORMATS)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(contacts=address_books)
def test_export_import_export_is_identical_for_any_contacts(
    admin: User, workspace: Workspace, format: str, version: str, contacts: list[dict[str, Any]]
) -> None:
    carries = csv_can_carry if format == "csv" else vcard_can_carry
    assume(all(carries(c) for c in contacts) and not shares_an_email(contacts))
    source = membership(admin, workspace)
    restored = Membership.objects.filter(workspace__slug="restore").first() or empty_workspace()
    reset(source, restored)
    values = [values_from_draft(ContactDraft.from_dict(c)) for c in contacts]
    bulk_create_contacts(workspace, admin, values, "import")

    first = exported(source, format, version)
    summary = import_file(restored, first)
    assert summary == {"create": len(contacts), "update": 0, "skip": 0, "error": 0}
    assert exported(restored, format, version) == first
    assert stored_values(restored) == stored_values(source)
