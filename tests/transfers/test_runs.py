"""The import run's steps on the page: column mapping for unknown CSV layouts (remembered per
workspace), analysis in the worker for big files, and undo with conflicts left to a person."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from calkeep import cli
from calkeep.contacts.actions import update_contact
from calkeep.contacts.models import Contact, ContactChange
from calkeep.transfers import runs
from calkeep.transfers.models import ImportRun, SavedMapping

Status = ImportRun.Status
# A hand-made spreadsheet: none of these headers is in any exporter's vocabulary.
ODD_CSV = (
    b"Who,Reach me at,Mobile no.,Firm,Shoe size\n"
    b"Ana Lima,ana@example.com,(201) 555-0123,Acme,38\n"
    b"Bo Chen,bo@example.com,201-555-0199,Globex,44\n"
)


def url(name: str, run: ImportRun, **extra: Any) -> str:
    return reverse(f"transfers:{name}", kwargs={"ws": "acme", "run_id": run.pk, **extra})


def upload(client: Client, content: bytes, name: str = "people.csv", fmt: str = "auto") -> Any:
    data = {"file": SimpleUploadedFile(name, content), "format": fmt, "region": "US"}
    return client.post(reverse("transfers:upload", kwargs={"ws": "acme"}), data)


def mapping_post(run: ImportRun, mapping: dict[str, str]) -> dict[str, str]:
    columns = runs.run_columns(ImportRun.objects.get(pk=run.pk)).columns
    return {f"col_{i}": mapping.get(c.name, "") for i, c in enumerate(columns)}


ODD_MAPPING = {
    "Who": "display_name", "Reach me at": "email:work", "Mobile no.": "phone:mobile",
    "Firm": "organization", "Shoe size": "",
}  # fmt: skip


def test_an_unknown_csv_layout_stops_at_the_mapping_step_with_suggestions(
    admin_client: Client,
) -> None:
    response = upload(admin_client, ODD_CSV)
    run = ImportRun.objects.get()
    assert run.status == Status.MAPPING and run.format == "generic_csv"
    assert response["Location"] == url("mapping", run)
    page = admin_client.get(response["Location"]).content.decode()
    assert "Reach me at" in page and "ana@example.com" in page
    assert run.mapping["Reach me at"].startswith("email")  # suggested from the values
    assert Contact.objects.count() == 0


def test_the_edited_mapping_is_applied_and_remembered_for_the_next_file(
    admin_client: Client, admin: User, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    upload(admin_client, ODD_CSV)
    run = ImportRun.objects.get()
    response = admin_client.post(url("mapping", run), mapping_post(run, ODD_MAPPING))
    assert response.status_code == 302 and response["Location"] == url("detail", run)
    run.refresh_from_db()
    assert run.status == Status.PREVIEWED
    first = run.preview_items()[0]["contact"]
    assert (first["display_name"], first["organization"]) == ("Ana Lima", "Acme")
    assert first["phones"][0]["label"] == "mobile"
    assert first["emails"][0]["label"] == "work"
    saved = SavedMapping.objects.get()
    assert saved.mapping["Shoe size"] == "" and saved.mapping["Who"] == "display_name"

    reordered = b"Firm,Who,Reach me at,Mobile no.,Shoe size\nInitech,Cy Dee,cy@example.com,,41\n"
    upload(admin_client, reordered, name="more.csv")
    second = ImportRun.objects.exclude(pk=run.pk).get()
    assert second.mapping["Who"] == "display_name"  # remembered despite the new order

    path = tmp_path / "more.csv"
    path.write_bytes(reordered)
    assert cli.main(["import", str(path), "--workspace", "acme", "--dry-run", "--json"]) == 0
    item = json.loads(capsys.readouterr().out)["items"][0]
    assert item["contact"]["display_name"] == "Cy Dee"


def test_a_file_with_more_columns_than_the_mapping_form_can_post_says_so(
    admin_client: Client, settings: Any
) -> None:
    # 1,200 columns: the form's POST was refused with a bare 400 (TooManyFieldsSent), and
    # 200,000 columns kept the page rendering for minutes.
    wide = b"Name,Email," + b",".join(b"Extra %d" % i for i in range(1200)) + b"\n"
    wide += b"Ana Lima,ana@example.com" + b",x" * 1200 + b"\n"
    upload(admin_client, wide)
    run = ImportRun.objects.get()
    page = admin_client.get(url("mapping", run)).content.decode()
    assert "This file has 1202 columns, more than the 999 this step can show" in page
    assert "<select" not in page
    # The limit follows Django's: a form that fits is shown and can be posted.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 6
    upload(admin_client, ODD_CSV, name="odd.csv")
    odd = ImportRun.objects.get(filename="odd.csv")
    assert admin_client.get(url("mapping", odd)).content.decode().count("<select") == 5
    response = admin_client.post(url("mapping", odd), mapping_post(odd, ODD_MAPPING))
    assert response["Location"] == url("detail", odd)


def test_a_mapping_without_any_contact_field_is_refused_on_the_page(admin_client: Client) -> None:
    upload(admin_client, ODD_CSV)
    run = ImportRun.objects.get()
    response = admin_client.post(url("mapping", run), mapping_post(run, {"Shoe size": "notes"}))
    assert response.status_code == 200
    assert "map at least one column to a name" in response.content.decode()
    run.refresh_from_db()
    assert run.status == Status.MAPPING


def test_a_non_contact_csv_can_still_be_mapped_by_hand_when_chosen_as_generic(
    admin_client: Client,
) -> None:
    ledger = b"Date,Amount,Customer\n2024-01-02,19.99,Ana Lima\n"
    assert upload(admin_client, ledger).status_code == 200  # refused when detected
    response = upload(admin_client, ledger, fmt="generic_csv")
    run = ImportRun.objects.get()
    assert response["Location"] == url("mapping", run)


def test_cli_mapping_file_maps_columns_and_a_bad_key_is_refused(
    admin: User, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data, mapping = tmp_path / "odd.csv", tmp_path / "mapping.json"
    data.write_bytes(ODD_CSV)
    mapping.write_text(json.dumps(ODD_MAPPING))
    args = [str(data), "--workspace", "acme", "--dry-run", "--json", "--mapping", str(mapping)]
    assert cli.main(["import", *args]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [i["contact"]["display_name"] for i in document["items"]] == ["Ana Lima", "Bo Chen"]
    mapping.write_text(json.dumps({"Who": "shoe_size"}))
    assert cli.main(["import", *args]) == 2
    assert "'shoe_size', which is not a contact field" in capsys.readouterr().err


def test_a_cli_mapping_is_remembered_for_the_next_file_on_the_command_line_and_the_page(
    admin: User, admin_client: Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data, mapping = tmp_path / "odd.csv", tmp_path / "mapping.json"
    data.write_bytes(ODD_CSV)
    mapping.write_text(json.dumps(ODD_MAPPING))
    args = ["--workspace", "acme", "--dry-run", "--json"]
    assert cli.main(["import", str(data), *args, "--mapping", str(mapping)]) == 0
    capsys.readouterr()
    assert SavedMapping.objects.get().mapping == ODD_MAPPING
    # The next export of the same layout, its columns in another order, without --mapping.
    later = tmp_path / "later.csv"
    later.write_bytes(
        b"Firm,Shoe size,Who,Mobile no.,Reach me at\nInitech,40,Cy Diaz,,cy@example.com\n"
    )
    assert cli.main(["import", str(later), *args]) == 0
    contact = json.loads(capsys.readouterr().out)["items"][0]["contact"]
    assert (contact["display_name"], contact["organization"]) == ("Cy Diaz", "Initech")
    assert contact["emails"][0]["label"] == "work"
    upload(admin_client, later.read_bytes())
    assert ImportRun.objects.get().mapping == ODD_MAPPING


def test_a_bad_cli_mapping_is_not_remembered(
    admin: User, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data, mapping = tmp_path / "odd.csv", tmp_path / "mapping.json"
    data.write_bytes(ODD_CSV)
    mapping.write_text(json.dumps({"Who": "shoe_size"}))
    assert cli.main(["import", str(data), "--workspace", "acme", "--mapping", str(mapping)]) == 2
    assert not SavedMapping.objects.exists()


def test_a_big_file_is_analysed_in_the_worker_not_in_the_request(
    transactional_db: Any, admin_client: Client, run_worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "INLINE_ANALYSIS_BYTES", 10)
    vcard = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.com\r\nEND:VCARD\r\n"
    upload(admin_client, vcard, name="a.vcf")
    run = ImportRun.objects.get()
    assert run.status == Status.ANALYZING
    progress = admin_client.get(url("progress", run)).content.decode()
    assert "Reading the file" in progress and 'hx-trigger="every 1s"' in progress
    run_worker()
    run.refresh_from_db()
    assert run.status == Status.PREVIEWED and run.summary["create"] == 1


# -- undo -----------------------------------------------------------------------------------
VCARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\nORG:New Co\r\n"
    b"EMAIL:ana@example.com\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Chen\r\nN:Chen;Bo;;;\r\n"
    b"EMAIL:bo@example.com\r\nEND:VCARD\r\n"
)


def committed(client: Client, run_worker: Any, strategy: str = "merge") -> ImportRun:
    upload(client, VCARDS, name="people.vcf")
    run = ImportRun.objects.get()
    client.post(url("commit", run), {"strategy": strategy, "action": "commit"})
    run_worker()
    run.refresh_from_db()
    assert run.status == Status.COMMITTED
    return run


def test_undo_removes_created_contacts_and_restores_updated_ones(
    transactional_db: Any, admin_client: Client, run_worker: Any, make_contact: Any, admin: User
) -> None:
    existing = make_contact(owner=admin, organization="Old Co")
    run = committed(admin_client, run_worker)
    assert Contact.objects.get(pk=existing.pk).organization == "New Co"
    admin_client.post(url("undo", run))
    run.refresh_from_db()
    assert run.status == Status.UNDOING
    run_worker()
    run.refresh_from_db()
    assert run.status == Status.UNDONE and run.undone_at is not None
    restored = Contact.objects.get()
    assert restored.pk == existing.pk and restored.organization == "Old Co"
    assert restored.version == existing.version + 2  # the import, then the undo
    page = admin_client.get(url("detail", run)).content.decode()
    assert "This import was undone" in page
    admin_client.post(url("undo", run))  # a second undo does nothing
    assert Contact.objects.count() == 1


def test_undo_leaves_a_contact_edited_since_and_asks(
    transactional_db: Any, admin_client: Client, run_worker: Any
) -> None:
    run = committed(admin_client, run_worker)
    bo = Contact.objects.get(given_name="Bo")
    update_contact(bo, {"title": "Buyer"}, expected_version=bo.version)
    admin_client.post(url("undo", run))
    run_worker()
    run.refresh_from_db()
    assert run.status == Status.COMMITTED  # not undone while a decision is pending
    assert list(Contact.objects.values_list("given_name", flat=True)) == ["Bo"]
    page = admin_client.get(url("detail", run)).content.decode()
    assert "changed since the import" in page and "Buyer" in page
    # The page said only "Imported …: 2 created" while Ana was already gone.
    assert "The undo removed the other contacts this import created" in page
    change = ContactChange.objects.get(operation=run.operation, contact_ref=bo.pk)
    admin_client.post(url("resolve", run, change_id=change.pk), {"decision": "keep"})
    run.refresh_from_db()
    assert run.status == Status.UNDONE
    assert Contact.objects.get().title == "Buyer"


def test_reverting_anyway_after_a_conflict_removes_the_contact(
    transactional_db: Any, admin_client: Client, run_worker: Any
) -> None:
    run = committed(admin_client, run_worker)
    bo = Contact.objects.get(given_name="Bo")
    update_contact(bo, {"title": "Buyer"}, expected_version=bo.version)
    admin_client.post(url("undo", run))
    run_worker()
    change = ContactChange.objects.get(operation=run.operation, contact_ref=bo.pk)
    admin_client.post(url("resolve", run, change_id=change.pk), {"decision": "revert"})
    run.refresh_from_db()
    assert run.status == Status.UNDONE and Contact.objects.count() == 0


def test_a_member_cannot_undo_or_see_an_admins_import(
    transactional_db: Any, admin_client: Client, member_client: Client, run_worker: Any
) -> None:
    run = committed(admin_client, run_worker)
    assert member_client.post(url("undo", run)).status_code == 404
    assert member_client.get(url("detail", run)).status_code == 404


def test_every_suggested_field_is_a_choice_on_the_mapping_page(admin_client: Client) -> None:
    """An unlabeled address (Street, City, Zip, Country) must not show as "don't import"."""
    content = (
        b"Name,Email,Street,City,Zip,Country\nAna Lima,ana@example.com,1 Main St,Lisbon,1000,PT\n"
    )
    upload(admin_client, content, fmt="generic_csv")
    run = ImportRun.objects.get()
    columns = runs.run_columns(ImportRun.objects.get(pk=run.pk)).columns
    page = admin_client.get(url("mapping", run)).content.decode()
    for column in columns:
        assert column.suggested, column.name
        assert f'value="{column.suggested}" selected' in page, column.name
    admin_client.post(url("mapping", run), mapping_post(run, run.mapping))
    run.refresh_from_db()
    address = run.preview_items()[0]["contact"]["addresses"][0]
    assert (address["street"], address["city"], address["postcode"]) == (
        "1 Main St",
        "Lisbon",
        "1000",
    )


def test_undo_asks_before_deleting_a_contact_that_gained_bookings_or_tasks(
    transactional_db: Any, admin_client: Client, run_worker: Any, admin: User
) -> None:
    from datetime import date, timedelta

    from django.utils import timezone

    from calkeep.bookings.actions import add_task, book_meeting
    from calkeep.bookings.models import Booking, FollowUpTask

    run = committed(admin_client, run_worker)
    bo = Contact.objects.get(given_name="Bo")
    booking = book_meeting(
        bo.workspace, admin, title="Intro", attendee_name="Bo Chen",
        attendee_email="bo@example.com", starts_at=timezone.now() + timedelta(days=1),
    ).booking  # fmt: skip
    add_task(bo, admin, "Send the offer", date.today())
    assert Contact.objects.get(pk=bo.pk).version == bo.version  # links leave the version alone
    admin_client.post(url("undo", run))
    run_worker()
    run.refresh_from_db()
    assert run.status == Status.COMMITTED
    assert Contact.objects.filter(pk=bo.pk).exists()
    page = admin_client.get(url("detail", run)).content.decode()
    assert "1 booking, 1 follow-up task" in page
    change = ContactChange.objects.get(operation=run.operation, contact_ref=bo.pk)
    admin_client.post(url("resolve", run, change_id=change.pk), {"decision": "keep"})
    run.refresh_from_db()
    assert run.status == Status.UNDONE
    assert Booking.objects.get(pk=booking.pk).contact_id == bo.pk
    assert FollowUpTask.objects.get().contact_id == bo.pk


def test_an_analysis_that_crashes_ends_the_run_with_a_message_not_a_500(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(runs, "plan_import", crash)
    response = upload(admin_client, VCARDS, name="people.vcf")
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == Status.FAILED
    assert "could not be analysed (RuntimeError: disk on fire)" in run.error_message
    assert "disk on fire" in admin_client.get(url("detail", run)).content.decode()


def test_an_undo_that_crashes_leaves_the_import_in_place_and_says_so(
    transactional_db: Any, admin_client: Client, run_worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = committed(admin_client, run_worker)

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(runs, "revert_changes", crash)
    admin_client.post(url("undo", run))
    run_worker()
    run.refresh_from_db()
    assert run.status == Status.COMMITTED and Contact.objects.count() == 2
    assert (
        "The undo failed and changed nothing"
        in admin_client.get(url("detail", run)).content.decode()
    )
