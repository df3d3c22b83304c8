"""Live progress of an import: the analysis and the commit report each step with counts, at
most twice a second, on a connection of their own, so the page shows "Writing contacts: 3
of 4" while the commit's transaction is still open; without JavaScript the page reloads."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from calkeep.accounts.models import Membership, Workspace
from calkeep.contacts.models import Contact
from calkeep.formats import phones, read_contacts
from calkeep.transfers import preview, progress, runs
from calkeep.transfers.actions import ImportOptions
from calkeep.transfers.models import ImportRun
from calkeep.transfers.progress import ProgressReporter, StepProgress, read_progress, sidecar_name
from tests.transfers.test_commit_concurrency import in_thread
from tests.transfers.test_import import google_csv

Status = ImportRun.Status
ROWS = 2500
# 2,500 people, each with an email and a number of their own (a 125 KB file: analysed inline).
PEOPLE = google_csv(
    *(f"P{i},,L{i},,,p{i}@example.com,Mobile,201-555-{i:04d}," for i in range(ROWS))
)
Call = tuple[str, int, int]


class Recorder:
    """Stands in for ProgressReporter: keeps every report it is given."""

    made: list[Recorder] = []

    def __init__(self, run_id: int, interval: float | None = None) -> None:
        self.calls: list[Call] = []
        Recorder.made.append(self)

    def __call__(self, step: str, done: int, total: int) -> None:
        self.calls.append((step, done, total))

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[Recorder]:
    Recorder.made = []
    monkeypatch.setattr(runs, "ProgressReporter", Recorder)
    monkeypatch.setattr(phones, "_RESULTS", {})  # numbers another test parsed are cached
    monkeypatch.setattr(preview, "_INSERT_BATCH", 5)  # a report every 500 preview rows
    return Recorder.made


def steps(calls: list[Call]) -> list[str]:
    return [step for i, (step, _, _) in enumerate(calls) if i == 0 or calls[i - 1][0] != step]


def of(calls: list[Call], step: str) -> list[tuple[int, int]]:
    return [(done, total) for name, done, total in calls if name == step]


def test_the_analysis_reports_each_step_in_counts_every_thousand_rows(
    viewer: Membership, recorded: list[Recorder]
) -> None:
    run = runs.receive_upload(viewer, "people.csv", PEOPLE, ImportOptions(strategy="merge"))
    assert run.status == Status.PREVIEWED and run.rows == ROWS
    calls = recorded[0].calls
    assert steps(calls) == ["read", "phones", "check", "match", "preview"]
    assert of(calls, "read") == [(1001, 2502), (2001, 2502)]  # lines: a header, a last \n
    assert of(calls, "phones") == [(1000, ROWS), (2000, ROWS), (ROWS, ROWS)]
    assert of(calls, "check") == of(calls, "match") == [(1000, ROWS), (2000, ROWS)]
    assert of(calls, "preview") == [(n, ROWS) for n in range(500, 2501, 500)]


def test_the_commit_reports_the_contacts_written(
    viewer: Membership, recorded: list[Recorder], make_contact: Any, admin: User
) -> None:
    make_contact(owner=admin, emails=[{"value": "p7@example.com", "label": "", "primary": True}])
    run = runs.receive_upload(viewer, "people.csv", PEOPLE, ImportOptions(strategy="merge"))
    assert runs.queue_commit(run, "merge")
    assert runs.commit_run(run.pk) is not None
    calls = recorded[1].calls
    # The rows are the analysis' reading, taken back (transfers/readings.py); the plan is
    # the analysis' own, so its preview is kept and not saved again.
    assert steps(calls) == ["reuse", "match", "write"]
    assert of(calls, "reuse") == [(ROWS, ROWS)]  # one stored chunk
    assert of(calls, "write") == [(ROWS - 1, ROWS), (ROWS, ROWS)]  # 2,499 new, then 1 update
    assert len(calls) < 12  # never per row


@pytest.mark.parametrize("kind", ["csv", "vcard"])
def test_reading_reports_the_line_reached(kind: str) -> None:
    if kind == "csv":
        data = PEOPLE
    else:
        card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:P{0}\r\nEMAIL:p{0}@example.com\r\nEND:VCARD\r\n"
        data = "".join(card.format(i) for i in range(ROWS)).encode()
    calls: list[Call] = []
    parsed = read_contacts(data, region="US", progress=lambda *call: calls.append(call))
    assert len(parsed.rows) == ROWS
    read = of(calls, "read")
    assert len(read) == 2 and read[0][1] == read[1][1] >= data.count(b"\n")  # every line
    assert read[0][0] < read[1][0] < read[1][1]


def test_reports_reach_the_database_at_most_every_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: now[0])
    written: list[Call] = []
    monkeypatch.setattr(progress, "_open_channel", lambda create: object())
    monkeypatch.setattr(progress, "_upsert", lambda channel, run_id, *call: written.append(call))
    reporter = ProgressReporter(1, interval=0.5)
    for moment, done in [(100.1, 1), (100.49, 2), (100.5, 3), (100.9, 4), (101.0, 5)]:
        now[0] = moment
        reporter("check", done, 10)
    assert written == [("check", 3, 10), ("check", 5, 10)]  # nothing before the first 0.5 s


def test_work_over_before_the_first_interval_writes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[bool] = []
    monkeypatch.setattr(progress, "_open_channel", lambda create: opened.append(create))
    monkeypatch.setattr(progress.time, "monotonic", lambda: 5.0)
    with ProgressReporter(1) as reporter:
        reporter("read", 10, 20)
    assert opened == []


@pytest.fixture
def running(workspace: Workspace, admin: User) -> ImportRun:
    return ImportRun.objects.create(
        workspace=workspace, created_by=admin, filename="big.csv", size=1, sha256="", data=b"x",
        region="US", status=Status.RUNNING, phase="Importing 63,338 rows in one transaction",
    )  # fmt: skip


def progress_page(client: Client, run: ImportRun) -> str:
    url = reverse("transfers:progress", kwargs={"ws": "acme", "run_id": run.pk})
    return client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_the_progress_partial_shows_counts_a_bar_and_a_percentage(
    running: ImportRun, admin_client: Client
) -> None:
    reporter = ProgressReporter(running.pk, interval=0)
    try:
        reporter("write", 12_000, 57_005)
        assert read_progress(running.pk) == StepProgress("write", 12_000, 57_005)
        page = progress_page(admin_client, running)
        assert "Writing contacts: 12,000 of 57,005</span> (21 %)" in page
        assert '<progress max="57005" value="12000"' in page
        assert 'hx-trigger="every 1s"' in page
    finally:
        reporter.close()
    page = progress_page(admin_client, running)
    assert read_progress(running.pk) is None
    assert "Importing 63,338 rows in one transaction" in page and "<progress aria-label" in page


def test_a_finished_run_shows_its_result_not_a_left_over_progress(
    running: ImportRun, admin_client: Client
) -> None:
    reporter = ProgressReporter(running.pk, interval=0)
    try:
        reporter("write", 3, 4)  # a worker that died before removing it
        ImportRun.objects.filter(pk=running.pk).update(status=Status.FAILED, error_message="Oops")
        page = progress_page(admin_client, running)
        assert "Oops" in page and "Writing contacts" not in page
    finally:
        reporter.close()


def test_progress_is_seen_while_the_commit_transaction_is_open(
    transactional_db: Any, admin: User, workspace: Workspace, make_contact: Any,
    admin_client: Client, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The worker writes on its own connection: the page sees 3 of 4 contacts written while
    nothing of the import is committed yet (SQLite: its own file; PostgreSQL: a second
    connection, the run's row being locked by the commit)."""
    make_contact(owner=admin, organization="Old Co")  # ana@example.com: an update
    viewer = Membership.objects.get(user=admin, workspace=workspace)
    data = google_csv(
        "Ana,,Lima,New Co,,ana@example.com,,,", "Bo,,Chen,,,bo@example.com,,,",
        "Cy,,Dee,,,cy@example.com,,,", "Di,,Eve,,,di@example.com,,,",
    )  # fmt: skip
    run = runs.receive_upload(viewer, "people.csv", data, ImportOptions(strategy="merge"))
    ImportRun.objects.filter(pk=run.pk).update(status=Status.QUEUED)

    written, proceed = threading.Event(), threading.Event()
    upsert = progress._upsert

    def pausing(channel: Any, run_id: int, step: str, done: int, total: int) -> None:
        upsert(channel, run_id, step, done, total)
        if step == "write" and not written.is_set():
            written.set()
            proceed.wait(10)

    monkeypatch.setattr(progress, "INTERVAL", 0)
    monkeypatch.setattr(progress, "_upsert", pausing)
    errors: list[BaseException] = []
    committing = in_thread(lambda: runs.commit_run(run.pk), errors)
    try:
        assert written.wait(10)
        assert read_progress(run.pk) == StepProgress("write", 3, 4)
        assert "Writing contacts: 3 of 4</span> (75 %)" in progress_page(admin_client, run)
        assert Contact.objects.count() == 1  # the three new ones are not committed yet
        assert ImportRun.objects.get(pk=run.pk).status == Status.RUNNING
    finally:
        proceed.set()
        committing.join(30)
    assert errors == []
    assert ImportRun.objects.get(pk=run.pk).status == Status.COMMITTED
    assert Contact.objects.count() == 4
    assert read_progress(run.pk) is None  # removed when the work is over


def test_progress_that_cannot_be_written_does_not_stop_the_import(
    viewer: Membership, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("no room for progress")

    monkeypatch.setattr(progress, "INTERVAL", 0)
    monkeypatch.setattr(progress, "_upsert", broken)
    plan = runs.import_now(viewer, "people.csv", PEOPLE, ImportOptions())
    assert len(plan.items) == ROWS and Contact.objects.count() == ROWS
    failures = [r for r in caplog.records if "progress cannot be written" in r.getMessage()]
    assert len(failures) == 1  # tried once, then left off


def test_the_progress_file_sits_beside_the_database() -> None:
    assert sidecar_name("/var/calkeep/calkeep.sqlite3") == "/var/calkeep/calkeep-progress.sqlite3"
    assert sidecar_name("/tmp/test.sqlite3_gw0") == "/tmp/test-progress.sqlite3_gw0"


def test_without_javascript_a_working_import_page_reloads_itself(
    running: ImportRun, admin_client: Client
) -> None:
    url = reverse("transfers:detail", kwargs={"ws": "acme", "run_id": running.pk})
    refresh = '<noscript><meta http-equiv="refresh" content="5"></noscript>'
    assert refresh in admin_client.get(url).content.decode()
    ImportRun.objects.filter(pk=running.pk).update(status=Status.COMMITTED)
    assert refresh not in admin_client.get(url).content.decode()
