"""Issue "Cleanup Phase 0, reversible change records": preview the bulk rules, apply one in
the background and watch its counts, see the rule's count drop, revert one change record."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from calkeep.cleanup.models import CleanupJob
from calkeep.contacts.models import Contact
from tests.browser.conftest import TaskWorker, log_in
from tests.cleanup.messy_contacts import make_messy

pytestmark = pytest.mark.browser


def test_preview_apply_one_rule_watch_the_counts_and_revert_one_record(
    page: Any, live_server: Any, browser_admin: User, task_worker: TaskWorker
) -> None:
    workspace = browser_admin.memberships.get().workspace
    made = make_messy(workspace, browser_admin)
    dana = made["split_name_company"]
    log_in(page, live_server, browser_admin)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="AI Cleanup").click()
    page.get_by_role("heading", name="AI Cleanup: Bulk rules").wait_for()
    split_row = page.locator('#rules tr[data-rule="split_name_company"]')
    assert "1 contact" in split_row.locator(".count").inner_text()
    assert "1 contact" in page.locator('#rules tr[data-rule="relabel_phones"] .count').inner_text()

    split_row.get_by_role("link", name="Preview changes").click()
    preview = page.locator("#preview")
    preview.locator("td.before", has_text="Dana Whitfield (Globex Corp)").wait_for()
    assert "Globex Corp" in preview.locator("td.after").all_inner_texts()
    assert page.locator("#total").inner_text().startswith("1 contact would change")

    page.get_by_role("button", name="Apply this rule").click()
    page.get_by_role("heading", name="Cleanup run").wait_for()
    assert page.locator("#progress").get_attribute("data-status") == "queued"
    assert page.locator('[data-count="changed"]').inner_text() == "0"
    task_worker.start()
    page.locator('#progress[data-status="done"]').wait_for(timeout=30_000)
    assert page.locator('[data-count="changed"]').inner_text() == "1"
    assert page.locator('[data-count="done"]').inner_text() == "6"
    dana.refresh_from_db()
    assert (dana.display_name, dana.organization) == ("Dana Whitfield", "Globex Corp")

    page.get_by_role("link", name="Bulk rules").click()
    split_row = page.locator('#rules tr[data-rule="split_name_company"]')
    assert "0 contacts" in split_row.locator(".count").inner_text()
    assert "1 contact" in page.locator('#rules tr[data-rule="relabel_phones"] .count').inner_text()
    job = CleanupJob.objects.get()
    page.locator(f'#runs tr[data-run="{job.pk}"]').get_by_role("link").first.click()

    record = page.locator("#records tr").filter(has_text="Dana Whitfield (Globex Corp)")
    record.get_by_role("button", name="Revert").click()
    page.get_by_role("status").filter(has_text="Reverted.").wait_for()
    assert "Reverted" in page.locator("#records").inner_text()
    dana = Contact.objects.get(pk=dana.pk)
    assert (dana.display_name, dana.organization) == ("Dana Whitfield (Globex Corp)", "")
    page.get_by_role("link", name="Bulk rules").click()
    assert (
        "1 contact" in page.locator('#rules tr[data-rule="split_name_company"] .count').inner_text()
    )
