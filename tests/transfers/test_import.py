"""The import's dry run, its three strategies, its commit, and its refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from calkeep import cli
from calkeep.accounts.models import Membership, Workspace
from calkeep.contacts.models import Contact, ContactChange, Operation
from calkeep.formats.draft import TEXT_LIMITS
from calkeep.transfers import actions, runs
from calkeep.transfers.actions import ImportOptions, dry_run
from calkeep.transfers.models import ImportRun
from calkeep.transfers.runs import queue_commit, receive_upload

GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Organization Name,E-mail 1 - Label,E-mail 1 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Labels\n"
)


def google_csv(*rows: str) -> bytes:
    return (GOOGLE_HEADER + "".join(r + "\n" for r in rows)).encode()


def membership(user: User, workspace: Workspace) -> Membership:
    return Membership.objects.select_related("workspace", "user").get(
        user=user, workspace=workspace
    )


def commit(viewer: Membership, data: bytes, strategy: str = "skip", **kwargs: Any) -> ImportRun:
    run = receive_upload(viewer, "contacts.csv", data, ImportOptions(strategy=strategy, **kwargs))
    assert run.status == ImportRun.Status.PREVIEWED
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED)
    runs.commit_run(run.pk)
    run.refresh_from_db()
    return run


def test_dry_run_reports_rows_and_writes_nothing(viewer: Membership) -> None:
    data = google_csv(
        "Ana,,Lima,Acme,Work,ana@example.com,Mobile,(201) 555-0123,",
        "Bo,,Chen,,Home,bo@example.com,,,",
    )
    plan = dry_run(viewer, data, ImportOptions())
    document = plan.document(dry_run=True)
    assert document["format"] == "google_csv"
    assert document["rows"] == 2
    assert document["summary"] == {"create": 2, "update": 0, "skip": 0, "error": 0}
    first = document["items"][0]
    assert first["contact"]["phones"][0] == {
        "raw": "(201) 555-0123", "e164": "+12015550123", "label": "mobile", "extension": "",
    }  # fmt: skip
    assert Contact.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_skip_strategy_skips_a_row_whose_email_matches_in_another_case(
    viewer: Membership, make_contact: Any, admin: User
) -> None:
    existing = make_contact(
        owner=admin, emails=[{"value": "Ana@Example.com", "label": "", "primary": True}]
    )
    data = google_csv("Ana,,Lima,,Work, ANA@example.COM ,,,")
    item = dry_run(viewer, data, ImportOptions()).document(True)["items"][0]
    assert item["outcome"] == "skip"
    assert item["match"] == {"contact_id": existing.pk, "by": "email"}


def test_merge_keeps_the_id_lets_non_empty_values_win_and_concatenates_lists(
    viewer: Membership, make_contact: Any, admin: User
) -> None:
    existing = make_contact(owner=admin, organization="Old Co", title="Engineer", tags=["vip"])
    data = google_csv(
        "Ana,,Lima,New Co,Home,ana@example.com ::: ana@home.example,Work,+1 201 555 0199,Friends"
    )
    run = commit(viewer, data, strategy="merge")
    assert run.status == ImportRun.Status.COMMITTED
    assert run.summary["update"] == 1
    contact = Contact.objects.get()
    assert contact.pk == existing.pk
    assert contact.organization == "New Co"
    assert contact.title == "Engineer"  # empty incoming value: the existing one stays
    assert [e["value"] for e in contact.emails] == ["ana@example.com", "ana@home.example"]
    assert [p["e164"] for p in contact.phones] == ["+12015550123", "+12015550199"]
    assert sorted(contact.tags) == ["Friends", "vip"]
    assert contact.version == existing.version + 1


def test_overwrite_replaces_fields_but_keeps_id_owner_and_creation(
    viewer: Membership, make_contact: Any, member: User
) -> None:
    existing = make_contact(owner=member, title="Engineer")
    run = commit(viewer, google_csv("Anabel,,Lima,,Home,ana@example.com,,,"), strategy="overwrite")
    assert run.summary["update"] == 1
    contact = Contact.objects.get()
    assert (contact.pk, contact.owner_id, contact.created_at) == (
        existing.pk, member.pk, existing.created_at,
    )  # fmt: skip
    assert contact.given_name == "Anabel"
    assert contact.title == "" and contact.organization == "" and contact.phones == []


def test_a_shared_phone_is_a_candidate_not_a_match(
    viewer: Membership, make_contact: Any, admin: User
) -> None:
    existing = make_contact(owner=admin)
    item = dry_run(
        viewer, google_csv("Other,,Person,,,,Mobile,201-555-0123,"), ImportOptions()
    ).items[0]
    assert item.outcome == "create"
    assert item.match == {"contact_id": existing.pk, "by": "phone"}
    assert any(w.code == "phone_candidate" for w in item.warnings)


@pytest.mark.parametrize("strategy", ["skip", "merge"])
def test_the_same_email_twice_in_one_file_is_one_contact_losing_nothing(
    viewer: Membership, strategy: str
) -> None:
    data = google_csv(
        "Ana,,Lima,,,ana@example.com,,,", "Ana,,Lima,Acme,,ANA@example.com,Mobile,2015550123,"
    )
    items = dry_run(viewer, data, ImportOptions(strategy=strategy)).document(True)["items"]
    assert [(i["outcome"], i["match"]) for i in items] == [("create", None), ("update", None)]
    assert items[1]["warnings"][0]["message"] == (
        "same email as row 1 of this file; folded into that row"
    )
    run = commit(viewer, data, strategy=strategy)
    assert run.summary == {"create": 1, "update": 1, "skip": 0, "error": 0}
    contact = Contact.objects.get()
    assert contact.organization == "Acme" and contact.phones[0]["e164"] == "+12015550123"


def test_commit_writes_a_change_record_per_contact(
    viewer: Membership, make_contact: Any, admin: User
) -> None:
    make_contact(owner=admin)
    run = commit(
        viewer,
        google_csv("Ana,,Lima,Zeta,,ana@example.com,,,", "New,,Person,,,new@example.com,,,"),
        "merge",
    )
    assert run.operation is not None and run.operation.kind == Operation.Kind.IMPORT
    actions_taken = sorted(
        ContactChange.objects.filter(operation=run.operation).values_list("action", flat=True)
    )
    assert actions_taken == ["create", "update"]
    update = ContactChange.objects.get(operation=run.operation, action="update")
    assert update.before["organization"] == "Acme" and update.after["organization"] == "Zeta"


def test_committing_the_same_dry_run_twice_does_nothing_the_second_time(
    transactional_db: Any, viewer: Membership, run_worker: Any
) -> None:
    run = receive_upload(
        viewer, "a.csv", google_csv("Ana,,Lima,,,ana@example.com,,,"), ImportOptions()
    )
    assert queue_commit(run, "skip") is True
    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED
    assert queue_commit(run, "skip") is False
    run_worker()
    assert Contact.objects.count() == 1
    assert runs.commit_run(run.pk) is None


def test_a_failing_commit_writes_nothing(
    viewer: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    # The change records are written last, after the contacts and their keys.
    monkeypatch.setattr(actions, "write_change_records", explode)
    run = receive_upload(
        viewer, "a.csv", google_csv("Ana,,Lima,,,ana@example.com,,,"), ImportOptions()
    )
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED)
    with pytest.raises(RuntimeError):
        runs.commit_run(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "nothing was written" in run.error_message
    assert Contact.objects.count() == 0


def test_a_row_too_long_for_its_columns_is_a_row_error_and_the_other_rows_import(
    viewer: Membership,
) -> None:
    # PostgreSQL refused the whole commit over the one row (value too long for varchar(500)).
    data = google_csv(
        "Ana,,Lima,Acme,,ana@example.com,,,",
        f"Bo,,Chen,{'X' * 501},,bo@example.com,,,",
        f"{'C' * 300},,Diaz,,,cy@example.com,,,",
    )
    items = dry_run(viewer, data, ImportOptions()).items
    assert [i.outcome for i in items] == ["create", "error", "error"]
    assert [[(e.field, e.code) for e in i.errors] for i in items[1:]] == [
        [("organization", "too_long")], [("given_name", "too_long")],
    ]  # fmt: skip
    run = commit(viewer, data)
    assert run.status == ImportRun.Status.COMMITTED
    assert run.summary == {"create": 1, "update": 0, "skip": 0, "error": 2}
    assert list(Contact.objects.values_list("given_name", flat=True)) == ["Ana"]


def test_the_length_limits_of_the_pure_reader_are_those_of_the_contact_columns() -> None:
    for name, limit in TEXT_LIMITS.items():
        assert Contact._meta.get_field(name).max_length == limit, name


def test_a_member_is_matched_only_against_contacts_they_can_see(
    workspace: Workspace, member: User, admin: User, make_contact: Any
) -> None:
    make_contact(owner=admin)
    item = dry_run(
        membership(member, workspace), google_csv("Ana,,Lima,,,ana@example.com,,,"), ImportOptions()
    ).items[0]
    assert item.outcome == "create" and item.match is None


# -- the command's contract --------------------------------------------------------------
def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    status = cli.main(["import", *args])
    captured = capsys.readouterr()
    return status, json.loads(captured.out) if captured.out.strip() else None, captured.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4,
            "PNG image",
        ),
        (b"Date,Amount,SKU\n2024-01-02,19.99,A-100\n2024-01-03,5.00,B-7\n", "Date"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@exa", "END:VCARD"),
    ],
    ids=["empty", "binary", "not-contacts", "truncated-vcard"],
)
def test_unreadable_files_exit_2_with_a_clear_message_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], admin: User, content: bytes, message: str
) -> None:
    path = tmp_path / "input.dat"
    path.write_bytes(content)
    status, document, err = run_cli(capsys, str(path), "--workspace", "acme", "--json")
    assert status == 2
    assert message.lower() in (document["error"]["message"] + err).lower()
    assert Contact.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_a_file_over_the_cap_is_refused_before_parsing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (10 * 1024 * 1024 + 1))
    monkeypatch.setattr(
        "calkeep.transfers.actions.read_contacts", lambda *a, **k: pytest.fail("parsed")
    )
    status, document, err = run_cli(capsys, str(path), "--workspace", "acme", "--json")
    assert status == 2
    assert "Split it into smaller files" in document["error"]["message"]
    assert "10,485,760" in err


def test_unknown_workspace_and_region_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], admin: User
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(google_csv("Ana,,Lima,,,ana@example.com,,,"))
    assert run_cli(capsys, str(path), "--workspace", "nope", "--json")[0] == 2
    status, document, _ = run_cli(
        capsys, str(path), "--workspace", "acme", "--region", "XX", "--json"
    )
    assert status == 2 and "region" in document["error"]["message"]


def test_cli_commit_imports_and_reports_the_same_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], admin: User
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(google_csv("Ana,,Lima,,,ana@example.com,,,"))
    status, document, _ = run_cli(capsys, str(path), "--workspace", "acme", "--json")
    assert status == 0 and document["dry_run"] is False
    assert document["summary"]["create"] == 1
    contact = Contact.objects.get()
    assert contact.source == "import" and contact.owner == admin
    status, document, _ = run_cli(capsys, str(path), "--workspace", "acme", "--json")
    assert document["summary"] == {"create": 0, "update": 0, "skip": 1, "error": 0}
