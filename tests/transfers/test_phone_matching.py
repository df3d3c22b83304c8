"""A row without an email is matched to an existing contact without an email only when
they share a number and the name; any other shared number is a candidate, also between
rows of one file."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from calkeep.accounts.models import Membership
from calkeep.contacts.models import Contact
from calkeep.transfers.actions import ImportOptions, dry_run
from tests.transfers.test_import import commit, google_csv

PAT = {
    "given_name": "Pat", "family_name": "Moss", "organization": "", "emails": [],
    "phones": [{"raw": "+1 201 555 0177", "e164": "+12015550177", "label": "mobile",
                "extension": ""}],
}  # fmt: skip


def outcomes(viewer: Membership, data: bytes, strategy: str = "skip") -> list[tuple[Any, ...]]:
    plan = dry_run(viewer, data, ImportOptions(strategy=strategy))
    return [(i.outcome, i.match, sorted(w.code for w in i.warnings)) for i in plan.items]


def test_same_name_and_number_without_emails_is_the_same_person(
    viewer: Membership, make_contact: Any, admin: User
) -> None:
    pat = make_contact(owner=admin, **PAT)
    data = google_csv("pat,,MOSS,,,,Mobile,(201) 555-0177,")
    assert outcomes(viewer, data) == [("skip", {"contact_id": pat.pk, "by": "phone"}, [])]
    run = commit(viewer, google_csv("Pat,,Moss,Acme,,,Mobile,(201) 555-0177,"), "merge")
    assert run.summary["update"] == 1 and Contact.objects.count() == 1
    pat.refresh_from_db()
    assert pat.organization == "Acme" and len(pat.phones) == 1


@pytest.mark.parametrize(
    "row, contact",
    [
        ("Pat,,Morse,,,,Mobile,(201) 555-0177,", {}),  # another name
        ("Pat,,Moss,,,pat@example.com,Mobile,(201) 555-0177,", {}),  # the row has an email
        (
            "Pat,,Moss,,,,Mobile,(201) 555-0177,",
            {"emails": [{"value": "pm@example.com", "label": "", "primary": True}]},
        ),  # the contact has one
    ],
)
def test_otherwise_a_shared_number_stays_a_candidate(
    viewer: Membership, make_contact: Any, admin: User, row: str, contact: dict[str, Any]
) -> None:
    pat = make_contact(owner=admin, **{**PAT, **contact})
    [(outcome, match, codes)] = outcomes(viewer, google_csv(row), "merge")
    assert (outcome, match) == ("create", {"contact_id": pat.pk, "by": "phone"})
    assert codes == ["phone_candidate"]


def test_two_rows_of_one_file_sharing_a_number_are_flagged(viewer: Membership) -> None:
    data = google_csv(
        "Ana,,Lima,,,,Mobile,+1 201 555 0333,",
        "Ana,,Lima,,,,Work,(201) 555-0333,",
        "Bo,,Chen,,,,Mobile,(201) 555-0444,",
    )
    items = dry_run(viewer, data, ImportOptions()).items
    assert [i.outcome for i in items] == ["create", "create", "create"]
    [warning] = items[1].warnings
    assert warning.code == "phone_candidate_in_file" and "row 1 of this file" in warning.message
    assert items[0].warnings == [] and items[2].warnings == []
