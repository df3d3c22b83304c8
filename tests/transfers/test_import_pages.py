"""People → Import: upload, dry-run preview, commit in the background, refusals."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from calkeep.contacts.models import Contact
from calkeep.transfers.models import ImportRun
from tests.corpus import PUBLIC_DIR

VCARD = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\n"
    b"EMAIL;TYPE=work:ana@example.com\r\nTEL;TYPE=cell:(201) 555-0123\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Chen\r\nN:Chen;Bo;;;\r\nTEL:not a number\r\nEND:VCARD\r\n"
)


def upload(client: Client, content: bytes, name: str = "people.vcf", **fields: str) -> Any:
    data = {"file": SimpleUploadedFile(name, content), "format": "auto", "region": "US", **fields}
    return client.post(reverse("transfers:upload", kwargs={"ws": "acme"}), data)


def test_upload_shows_a_dry_run_and_writes_no_contact(admin_client: Client) -> None:
    response = upload(admin_client, VCARD)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "transfers:detail", kwargs={"ws": "acme", "run_id": run.pk}
    )
    page = admin_client.get(response["Location"]).content.decode()
    assert "Dry run" in page and "Ana Lima" in page and "Bo Chen" in page
    assert "not a number" in page and "is not a phone number" in page
    assert run.summary == {"create": 2, "update": 0, "skip": 0, "error": 0}
    assert Contact.objects.count() == 0


def test_times_are_shown_in_the_workspaces_time_zone(admin_client: Client) -> None:
    response = upload(admin_client, VCARD)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(created_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    detail = admin_client.get(response["Location"]).content.decode()
    assert "uploaded 2026-01-01 22:04" in detail  # America/New_York, 5 hours behind
    listing = admin_client.get(reverse("transfers:upload", kwargs={"ws": "acme"}))
    assert "2026-01-01 22:04" in listing.content.decode()
    assert "<td>vCard</td>" in listing.content.decode()  # the format's name, not its code


def test_commit_runs_in_the_worker_and_the_page_shows_the_result(
    transactional_db: Any, admin_client: Client, run_worker: Any
) -> None:
    upload(admin_client, VCARD)
    run = ImportRun.objects.get()
    url = reverse("transfers:commit", kwargs={"ws": "acme", "run_id": run.pk})
    response = admin_client.post(url, {"strategy": "skip", "action": "commit"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED
    progress = admin_client.get(
        reverse("transfers:progress", kwargs={"ws": "acme", "run_id": run.pk})
    )
    assert 'hx-trigger="every 1s"' in progress.content.decode()
    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED
    assert sorted(c.name for c in Contact.objects.all()) == ["Ana Lima", "Bo Chen"]
    bo = Contact.objects.get(given_name="Bo")
    assert bo.phones == [{"raw": "not a number", "e164": None, "label": "", "extension": ""}]
    page = admin_client.get(reverse("transfers:detail", kwargs={"ws": "acme", "run_id": run.pk}))
    assert "2 created" in page.content.decode()


def test_changing_the_strategy_updates_the_dry_run(
    admin_client: Client, make_contact: Any, admin: Any
) -> None:
    make_contact(owner=admin, organization="Old", phones=[])  # the file adds a phone
    upload(admin_client, VCARD)
    run = ImportRun.objects.get()
    assert run.summary["skip"] == 1
    url = reverse("transfers:commit", kwargs={"ws": "acme", "run_id": run.pk})
    admin_client.post(url, {"strategy": "merge", "action": "preview"})
    run.refresh_from_db()
    assert run.strategy == "merge" and run.summary["update"] == 1 and run.status == "previewed"


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "empty"), (bytes(range(256)) * 8, "binary"), (b"Date,Amount\n2024-01-01,3\n", "Date")],
    ids=["empty", "binary", "not-contacts"],
)
def test_unreadable_uploads_get_a_message_on_the_page(
    admin_client: Client, content: bytes, expected: str
) -> None:
    response = upload(admin_client, content, name="input.csv")
    assert response.status_code == 200
    assert expected.lower() in response.content.decode().lower()
    assert ImportRun.objects.count() == 0


def test_an_upload_over_10_mb_is_refused_with_a_message_to_split_it(admin_client: Client) -> None:
    response = upload(admin_client, b"a" * (10 * 1024 * 1024 + 1), name="huge.csv")
    assert response.status_code == 200
    assert "Split it into smaller files" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_corpus_file_uploads_through_the_page(admin_client: Client) -> None:
    content = (PUBLIC_DIR / "roundcube_google-legacy-multiline-groups.csv").read_bytes()
    upload(admin_client, content, name="google.csv")
    run = ImportRun.objects.get()
    assert run.format == "google_csv" and run.rows == 1


def test_another_workspaces_import_is_a_404(admin_client: Client, outsider_client: Client) -> None:
    upload(admin_client, VCARD)
    run = ImportRun.objects.get()
    for name in ("detail", "progress", "problems_csv"):
        url = reverse(f"transfers:{name}", kwargs={"ws": "acme", "run_id": run.pk})
        assert outsider_client.get(url).status_code == 404
    commit_url = reverse("transfers:commit", kwargs={"ws": "acme", "run_id": run.pk})
    assert outsider_client.post(commit_url, {"strategy": "skip"}).status_code == 404


def test_problems_download_as_csv(admin_client: Client) -> None:
    upload(admin_client, VCARD)
    run = ImportRun.objects.get()
    response = admin_client.get(
        reverse("transfers:problems_csv", kwargs={"ws": "acme", "run_id": run.pk})
    )
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0] == "row,line,outcome,severity,field,message"
    assert "2," in text and "phones[0]" in text


def test_the_problems_csv_keeps_formulas_from_running(admin_client: Client) -> None:
    upload(
        admin_client, b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nTEL:=HYPERLINK(1)\r\nEND:VCARD\r\n"
    )
    run = ImportRun.objects.get()
    response = admin_client.get(
        reverse("transfers:problems_csv", kwargs={"ws": "acme", "run_id": run.pk})
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    message = rows[1][-1]
    # The message quotes the cell ('=HYPERLINK(1)' ...): a spreadsheet reading past the
    # quote would see a formula, so one more apostrophe guards it.
    assert message == "''=HYPERLINK(1)' is not a phone number"
