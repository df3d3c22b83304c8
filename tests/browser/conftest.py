"""Playwright for Python driving Debian's Chromium (playwright cannot download browsers
here). CI sets CALKEEP_REQUIRE_BROWSER=1, so a missing Chromium fails instead of skipping."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker

from calkeep.accounts.models import Membership, Plan, Role, Workspace

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
PASSWORD = "browser-test-password"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CALKEEP_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


class TaskWorker:
    """The real django-tasks database worker, in a thread of the test process; started
    when the test says so, so a test can see work wait in the queue first."""

    def __init__(self) -> None:
        self.worker = Worker(
            queue_names=["default"], interval=0.2, batch=False,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS, startup_delay=False, max_tasks=None,
            worker_id="browser-tests", excluded_queue_names=[],
        )  # fmt: skip
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self.worker.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.worker.running = False
        if self.thread is not None:
            self.thread.join(timeout=10)


@pytest.fixture
def task_worker(transactional_db: Any) -> Iterator[TaskWorker]:
    worker = TaskWorker()
    yield worker
    worker.stop()


@pytest.fixture
def browser_admin(transactional_db: Any) -> User:
    workspace = Workspace.objects.create(
        slug="acme",
        name="Acme",
        plan=Plan.BUSINESS,
        default_region="US",
        time_zone="America/New_York",
    )
    user = User.objects.create_user("ada@acme.test", "ada@acme.test", PASSWORD, first_name="Ada")
    Membership.objects.create(workspace=workspace, user=user, role=Role.ADMIN)
    return user


def log_in(page: Any, live_server: Any, user: User) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/acme/people/")
