"""A person logs in, adds a contact, imports a real file through People → Import, and finds
an imported contact by typing its phone number differently than the file wrote it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from calkeep.contacts.models import Contact
from tests.browser.conftest import log_in
from tests.corpus import PUBLIC_DIR

pytestmark = pytest.mark.browser


def test_create_import_and_find_by_phone(
    page: Any, live_server: Any, browser_admin: User, task_worker: Any
) -> None:
    task_worker.start()
    log_in(page, live_server, browser_admin)

    page.get_by_role("link", name="New contact").click()
    page.locator("#id_given_name").fill("Dana")
    page.locator("#id_family_name").fill("Whitfield")
    page.locator("#id_emails-0-value").fill("dana@whitfield.example")
    page.locator("#id_phones-0-raw").fill("(212) 555-0188")
    page.get_by_role("button", name="Add contact").click()
    page.get_by_role("heading", name="Dana Whitfield").wait_for()
    assert Contact.objects.get().phones[0]["e164"] == "+12125550188"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    page.set_input_files("#id_file", str(PUBLIC_DIR / "ezvcard_evolution-v30-folded-escaped.vcf"))
    page.get_by_role("button", name="Upload and preview").click()
    preview = page.locator("#preview")
    preview.get_by_text("Mr. John Richter, James Doe Sr.").wait_for()
    assert preview.locator("td.outcome").first.inner_text().lower().startswith("create")

    page.get_by_role("button", name="Import", exact=True).click()
    page.locator('#progress[data-status="committed"]').wait_for(timeout=30_000)
    assert "1 created" in page.locator("#progress").inner_text()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.locator("#q").fill("+1 905.555.1234")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1
    assert "John" in rows.first.inner_text()
    assert "Dana" not in page.locator("table").inner_text()
