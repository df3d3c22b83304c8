"""Issue "Import and export, complete": upload a generic CSV, edit the suggested mapping, run
the dry run, commit with merge, watch the progress, undo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from calkeep.accounts.models import Membership
from calkeep.contacts.actions import create_contact
from calkeep.contacts.models import Contact
from calkeep.transfers import runs
from calkeep.transfers.actions import ImportOptions
from calkeep.transfers.models import ImportRun
from tests.browser.conftest import TaskWorker, log_in

pytestmark = pytest.mark.browser

SPREADSHEET = (
    "Who,Reach me at,Mobile no.,Firm,Remarks\n"
    "Ana Lima,ana@example.com,(201) 555-0123,New Co,Met in Lisbon\n"
    "Bo Chen,bo@example.com,201-555-0199,Globex,\n"
)


def test_generic_csv_mapping_dry_run_merge_progress_and_undo(
    page: Any, live_server: Any, browser_admin: User, task_worker: TaskWorker, tmp_path: Path
) -> None:
    workspace = browser_admin.memberships.get().workspace
    existing = create_contact(workspace, browser_admin, {
        "given_name": "Ana", "family_name": "Lima", "organization": "Old Co",
        "emails": [{"value": "ana@example.com", "label": "", "primary": True}],
    })  # fmt: skip
    path = tmp_path / "spreadsheet.csv"
    path.write_text(SPREADSHEET, encoding="utf-8")
    log_in(page, live_server, browser_admin)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("heading", name="Choose the columns: spreadsheet.csv").wait_for()
    assert page.get_by_label("Reach me at").input_value().startswith("email")
    page.get_by_label("Who").select_option("display_name")
    page.get_by_label("Firm").select_option("organization")
    page.get_by_label("Remarks").select_option("notes")
    page.get_by_role("button", name="Continue to the dry run").click()

    preview = page.locator("#preview")
    preview.get_by_text("Bo Chen").wait_for()
    page.get_by_label("Merge duplicates").check()
    page.get_by_role("button", name="Update the dry run").click()
    ana_row = page.locator('#preview tr[data-row="1"]')
    ana_row.get_by_text("update", exact=False).first.wait_for()
    assert "by email" in ana_row.inner_text()

    page.get_by_role("button", name="Import", exact=True).click()
    waiting = page.locator("#progress progress")
    waiting.wait_for()  # the commit waits in the queue: the page shows it working
    assert page.locator("#progress").get_attribute("data-status") == "queued"
    task_worker.start()
    page.locator('#progress[data-status="committed"]').wait_for(timeout=30_000)
    assert "1 created, 1 updated" in page.locator("#progress").inner_text()
    merged = Contact.objects.get(pk=existing.pk)
    assert merged.organization == "New Co" and merged.notes == "Met in Lisbon"
    assert Contact.objects.count() == 2

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Undo this import").click()
    page.get_by_text("This import was undone").wait_for(timeout=30_000)
    assert list(Contact.objects.values_list("organization", flat=True)) == ["Old Co"]
    assert ImportRun.objects.get().status == ImportRun.Status.UNDONE


def test_without_javascript_the_import_page_reloads_until_the_commit_is_done(
    browser: Any, live_server: Any, browser_admin: User, task_worker: TaskWorker
) -> None:
    viewer = Membership.objects.get(user=browser_admin)
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.com\r\nEND:VCARD\r\n"
    run = runs.receive_upload(viewer, "ana.vcf", data, ImportOptions())
    assert runs.queue_commit(run, "skip")
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server, browser_admin)
        page.goto(f"{live_server.url}/w/acme/people/import/{run.pk}/")
        assert page.locator("#progress").get_attribute("data-status") == "queued"
        task_worker.start()
        # No htmx without JavaScript: the page's own refresh brings the result.
        page.locator('#progress[data-status="committed"]').wait_for(timeout=30_000)
        assert "1 created" in page.locator("#progress").inner_text()
    finally:
        context.close()
