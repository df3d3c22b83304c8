"""Planning details that keep big imports cheap without changing what a plan says."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from calkeep.accounts.models import Workspace
from calkeep.contacts.models import ContactKey
from calkeep.transfers import planning
from calkeep.transfers.actions import ImportOptions, dry_run
from tests.transfers.test_import import google_csv, membership

ROWS = ("Ana,,Lima,,,ana@example.com,,,", "Bo,,Chen,,,bo@example.com,,,")


def test_skipping_matches_loads_no_contacts(
    workspace: Workspace, admin: User, member: User, make_contact: Any
) -> None:
    make_contact(owner=admin)  # ana@example.com
    viewer = membership(admin, workspace)
    skip = dry_run(viewer, google_csv(*ROWS), ImportOptions(strategy="skip"))
    merge = dry_run(viewer, google_csv(*ROWS), ImportOptions(strategy="merge"))
    assert skip.existing == {} and len(merge.existing) == 1
    assert [(i.outcome, i.match) for i in skip.items] == [
        ("skip", {"contact_id": merge.items[0].target_id, "by": "email"}),
        ("create", None),
    ]
    # A member who may not see the contact still gets a create, with either strategy.
    other = dry_run(membership(member, workspace), google_csv(*ROWS), ImportOptions())
    assert [i.outcome for i in other.items] == ["create", "create"]


def test_plan_items_copy_their_rows_issue_lists_before_adding_to_them(
    workspace: Workspace, admin: User
) -> None:
    twice = ("Ana,,Lima,,,ana@example.com,,,", "Ana,,Lima,,,ana@example.com,,,")
    plan = dry_run(membership(admin, workspace), google_csv(*twice), ImportOptions())
    second_row, second_item = plan.parsed.rows[1], plan.items[1]
    assert [w.code for w in second_item.warnings] == ["duplicate_in_file"]
    assert second_row.warnings == [] and second_item.warnings is not second_row.warnings
    assert plan.items[0].warnings is plan.parsed.rows[0].warnings  # shared while unchanged


def test_key_lookups_take_values_with_quotes_backslashes_commas_and_braces(
    workspace: Workspace, admin: User, make_contact: Any
) -> None:
    # On PostgreSQL the values travel as one array written as text: what is special in it
    # must stay part of the value.
    odd = ['"o,brien"@example.com', "a\\b@example.com", "{x}@example.com", "null", 'q"@x', ""]
    contacts = [
        make_contact(owner=admin, emails=[{"value": value, "label": "", "primary": True}])
        for value in odd
    ]
    viewer = membership(admin, workspace)
    asked = {*odd, "o,brien@example.com", "x@example.com", "NULL", "a\\\\b@example.com"}
    found = planning._existing_keys(viewer, ContactKey.EMAIL, asked)
    stored = set(ContactKey.objects.filter(kind=ContactKey.EMAIL).values_list("value", flat=True))
    assert found == {
        value: [contact.pk] for value, contact in zip(odd, contacts, strict=True) if value in stored
    }
    assert len(found) >= 5
