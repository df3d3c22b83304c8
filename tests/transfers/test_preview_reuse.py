"""The commit of an analysed run keeps the analysis' preview when its plan decided the same
for every row (ImportPlan.outcome_digest), and packs it again whenever anything the preview
shows came out differently."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from calkeep.accounts.models import Membership
from calkeep.contacts.actions import update_contact
from calkeep.contacts.models import Contact
from calkeep.transfers import runs
from calkeep.transfers.actions import ImportOptions
from calkeep.transfers.models import ImportPreview, ImportRun
from calkeep.transfers.runs import receive_upload
from tests.transfers.test_import import google_csv


@pytest.fixture
def packed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each run id store_preview packed a preview for."""
    calls: list[int] = []
    original = runs.store_preview

    def counting(run: ImportRun, items: Any, *args: Any, **kwargs: Any) -> ImportPreview:
        calls.append(run.pk)
        return original(run, items, *args, **kwargs)

    monkeypatch.setattr(runs, "store_preview", counting)
    return calls


def analysed(viewer: Membership, data: bytes, strategy: str = "merge") -> ImportRun:
    run = receive_upload(viewer, "people.csv", data, ImportOptions(strategy=strategy))
    assert run.status == ImportRun.Status.PREVIEWED and len(run.preview_digest) == 64
    return run


def commit(run: ImportRun, strategy: str | None = None) -> ImportRun:
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.QUEUED, strategy=strategy or run.strategy
    )
    assert runs.commit_run(run.pk) is not None
    return ImportRun.objects.get(pk=run.pk)


def test_an_unchanged_plan_keeps_the_analysis_preview(
    viewer: Membership, make_contact: Any, admin: User, packed: list[int]
) -> None:
    make_contact(owner=admin, organization="Old Co")
    data = google_csv(
        "Ana,,Lima,New Co,,ana@example.com,Mobile,201-555-0123,",
        "Bo,,Chen,,,bo@example.com,,,",
        "Bo,,Chen,Globex,,BO@example.com,,,",
    )
    run = analysed(viewer, data)
    before = (run.preview_id, run.preview_items(), run.preview_digest)
    committed = commit(run)
    assert packed == [run.pk]  # the analysis only
    assert (committed.preview_id, committed.preview_items(), committed.preview_digest) == before
    assert ImportPreview.objects.count() == 1
    assert committed.status == ImportRun.Status.COMMITTED and committed.operation is not None
    assert committed.summary == {"create": 1, "update": 2, "skip": 0, "error": 0}


def test_another_strategy_at_the_commit_packs_the_preview_again(
    viewer: Membership, make_contact: Any, admin: User, packed: list[int]
) -> None:
    existing = make_contact(owner=admin, organization="Old Co")
    run = analysed(viewer, google_csv("Ana,,Lima,New Co,,ana@example.com,,,"), "merge")
    committed = commit(run, strategy="skip")
    assert packed == [run.pk, run.pk]
    assert [i["outcome"] for i in committed.preview_items()] == ["skip"]
    # The analysis' preview is gone with its chunks; the run shows the commit's.
    assert list(ImportPreview.objects.values_list("pk", flat=True)) == [committed.preview_id]
    assert committed.preview_id != run.preview_id
    assert Contact.objects.get().organization == existing.organization


def test_a_contact_created_meanwhile_turns_a_create_into_an_update_in_the_preview(
    viewer: Membership, make_contact: Any, admin: User, packed: list[int]
) -> None:
    run = analysed(viewer, google_csv("Ana,,Lima,New Co,,ana@example.com,,,"))
    assert run.preview_items()[0]["outcome"] == "create"
    existing = make_contact(owner=admin, organization="Old Co")
    item = commit(run).preview_items()[0]
    assert (item["outcome"], item["match"]) == (
        "update", {"contact_id": existing.pk, "by": "email"}
    )  # fmt: skip
    assert len(packed) == 2


def test_an_edit_meanwhile_that_changes_only_the_fields_an_update_changes(
    viewer: Membership, make_contact: Any, admin: User, packed: list[int]
) -> None:
    """Same outcome and match for every row; only `changes` differs, and the preview
    shows the commit's."""
    existing = make_contact(owner=admin, organization="Old Co")
    run = analysed(viewer, google_csv("Ana,,Lima,New Co,,ana@example.com,Work,201-555-0199,"))
    assert run.preview_items()[0]["changes"] == ["organization", "phones"]
    phones = [*existing.phones, {"raw": "201-555-0199", "e164": "+12015550199", "label": ""}]
    update_contact(existing, {"phones": phones})
    item = commit(run).preview_items()[0]
    assert (item["outcome"], item["changes"]) == ("update", ["organization"])
    assert len(packed) == 2


def test_the_same_candidate_through_another_number_is_another_preview(
    viewer: Membership, make_contact: Any, admin: User, packed: list[int]
) -> None:
    """The phone-candidate warning names the number: the match alone (same contact, by
    phone) would not tell the two previews apart."""
    data = google_csv("Cy,,Dee,,,cy@example.com,Mobile,201-555-0177 ::: 201-555-0123,")
    candidate = make_contact(owner=admin)  # holds +12015550123, the second number
    run = analysed(viewer, data)
    first = run.preview_items()[0]
    assert first["match"] == {"contact_id": candidate.pk, "by": "phone"}
    assert "+12015550123" in first["warnings"][-1]["message"]
    phones = [*candidate.phones, {"raw": "201-555-0177", "e164": "+12015550177", "label": ""}]
    update_contact(candidate, {"phones": phones})
    item = commit(run).preview_items()[0]
    assert item["match"] == first["match"]
    assert "+12015550177" in item["warnings"][-1]["message"]
    assert len(packed) == 2


def test_a_run_of_calkeep_import_has_no_digest_to_compare(
    viewer: Membership, packed: list[int]
) -> None:
    plan = runs.import_now(viewer, "a.csv", google_csv("Ana,,,,,ana@x.example,,,"), ImportOptions())
    run = ImportRun.objects.get()
    assert run.preview_digest == "" and len(packed) == 1
    assert run.preview_items()[0]["row"] == plan.items[0].row == 1


def test_writing_the_plan_changes_nothing_its_preview_shows(
    viewer: Membership, make_contact: Any, admin: User
) -> None:
    """The commit packs a new preview (in a second process) before it writes the plan:
    what the preview shows must not depend on the writing."""
    from django.db import transaction

    from calkeep.transfers.actions import dry_run, preview_items, write_plan

    make_contact(owner=admin, organization="Old Co")  # ana@example.com, +12015550123
    data = google_csv(
        "Ana,,Lima,New Co,,ana@example.com,Mobile,201-555-0199,",
        "Bo,,Chen,,,bo@example.com,Work,201-555-0123,",  # a phone candidate
        "Bo,,Chen,Globex,,BO@example.com,,,",  # folded into the row before
        "Cy,,Dee,,,cy@example.com,,,",
    )
    for strategy in ("merge", "overwrite"):
        with transaction.atomic():
            plan = dry_run(viewer, data, ImportOptions(strategy=strategy), lock=True)
            before = list(preview_items(plan))
            write_plan(viewer, plan, "test")
            assert list(preview_items(plan)) == before
            transaction.set_rollback(True)


@pytest.mark.parametrize("apart", [False, True])
def test_a_preview_packed_again_at_the_commit_shows_the_commits_plan(
    viewer: Membership, make_contact: Any, admin: User, apart: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Packed while the commit writes (from this many rows, with the analysis' reading taken
    back: here every file; under pytest-xdist in this process, as `Background` does where
    it may not fork) or as it is stored: the same preview."""
    if apart:
        monkeypatch.setattr(runs, "_FORK_PACKING_ROWS", 1)
    make_contact(owner=admin, organization="Old Co")
    data = google_csv(
        "Ana,,Lima,New Co,,ana@example.com,,,", "Bo,,Chen,,,bo@example.com,,,",
        "Bo,,Chen,Globex,,BO@example.com,,,",
    )  # fmt: skip
    run = analysed(viewer, data, "merge")
    committed = commit(run, strategy="skip")
    assert [(i["row"], i["outcome"]) for i in committed.preview_items()] == [
        (1, "skip"), (2, "create"), (3, "update"),  # row 3 folds into row 2
    ]  # fmt: skip
    assert committed.preview is not None and committed.preview.counts["skip"] == [1]
