"""The commit of an analysed run takes the analysis' reading of the file (transfers/
readings.py) instead of reading it again, and writes exactly what reading it again would
have written; it still plans against the contacts as they are inside its transaction. A
reading is taken only for the same bytes, options, code and libraries; a damaged or
incomplete one, never: the file is read again."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from calkeep.accounts.models import Membership
from calkeep.contacts.models import Contact, ContactChange, ContactKey
from calkeep.formats import phones
from calkeep.transfers import readings, runs
from calkeep.transfers.actions import ImportOptions
from calkeep.transfers.models import ImportReading, ImportReadingChunk, ImportRun
from tests.transfers.test_import import google_csv

Status = ImportRun.Status
ROWS = 12
DATA = google_csv(
    *(f"P{i},,L{i},Co {i},,p{i}@example.com,Mobile,+44 20 7946 {i:04d},vip" for i in range(ROWS)),
    "Ana,,Lima,,,not an email,Home,4.47E+11,",  # warnings
    ",,,,Work,,,,",  # no contact data: an error
)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The format of every read of a file (by read_file, as analysis and commit read)."""
    calls: list[str] = []
    original = runs.read_file

    def counting(workspace: Any, data: bytes, options: ImportOptions, *args: Any) -> Any:
        calls.append(options.format)
        return original(workspace, data, options, *args)

    monkeypatch.setattr(runs, "read_file", counting)
    monkeypatch.setattr(readings, "CHUNK", 5)  # several chunks
    return calls


def analysed(viewer: Membership, data: bytes = DATA, **options: Any) -> ImportRun:
    run = runs.receive_upload(viewer, "people.csv", data, ImportOptions(**options))
    assert run.status == Status.PREVIEWED
    return run


def commit(run: ImportRun, strategy: str = "merge") -> ImportRun:
    assert runs.queue_commit(run, strategy)
    assert runs.commit_run(run.pk) is not None
    return ImportRun.objects.get(pk=run.pk)


def written(workspace_id: int) -> list[tuple[Any, ...]]:
    """Everything the commits wrote, ids aside."""
    contacts = Contact.objects.filter(workspace_id=workspace_id).order_by("family_name")
    keys = ContactKey.objects.filter(workspace_id=workspace_id).order_by("kind", "value")
    changes = ContactChange.objects.order_by("pk")
    return [
        *(
            (c.display_name, c.given_name, c.family_name, c.organization, c.emails, c.phones,
             c.tags, c.search_text, c.version, c.source)
            for c in contacts
        ),
        *((k.kind, k.value) for k in keys),
        *((c.action, c.before, c.after) for c in changes),
    ]  # fmt: skip


def test_the_analysis_keeps_its_reading_and_the_commit_takes_it(
    viewer: Membership, reads: list[str]
) -> None:
    run = analysed(viewer)
    reading = ImportReading.objects.get(run=run)
    assert reading.complete and reading.rows == ROWS + 2
    assert ImportReadingChunk.objects.filter(reading=reading).count() == 3
    committed = commit(run)
    assert reads == ["google_csv"]  # the analysis only
    assert committed.status == Status.COMMITTED
    assert committed.summary == {"create": ROWS + 1, "update": 0, "skip": 0, "error": 1}
    assert not ImportReading.objects.exists()  # a committed run is never read again
    assert not ImportReadingChunk.objects.exists()


def test_the_commit_writes_what_reading_the_file_again_writes(
    viewer: Membership, reads: list[str], monkeypatch: pytest.MonkeyPatch, make_contact: Any,
    admin: User,
) -> None:  # fmt: skip
    p3 = {"emails": [{"value": "p3@example.com", "label": "", "primary": True}], "phones": []}
    make_contact(owner=admin, **p3)
    # Read again: the run's reading is not taken (as in a worker whose code changed).
    run = analysed(viewer)
    monkeypatch.setattr(runs, "load_reading", lambda *args: None)
    commit(run)
    assert reads == ["google_csv", "google_csv"]
    again = written(viewer.workspace_id)
    monkeypatch.undo()
    Contact.objects.all().delete()
    ContactChange.objects.all().delete()
    make_contact(owner=admin, **p3)
    reads.clear()
    monkeypatch.setattr(readings, "CHUNK", 5)
    monkeypatch.setattr(runs, "read_file", lambda *a: pytest.fail("read again"))
    run = analysed_without_counting(viewer)
    # A fresh worker: no number of the file parsed in this process; the commit neither
    # parses one (their national numbers come with the reading) nor reads the file.
    monkeypatch.setattr(phones, "_NATIONAL_NUMBERS", {})
    monkeypatch.setattr(phones, "fast_parse", lambda *a: pytest.fail("parsed"))
    commit(run)
    assert written(viewer.workspace_id) == again


def analysed_without_counting(viewer: Membership) -> ImportRun:
    from calkeep.transfers.actions import read_file

    original = runs.read_file
    runs.read_file = read_file  # type: ignore[assignment]
    try:
        return analysed(viewer)
    finally:
        runs.read_file = original  # type: ignore[assignment]


def test_the_commit_still_plans_against_the_contacts_as_they_are_then(
    viewer: Membership, reads: list[str], make_contact: Any, admin: User
) -> None:
    run = analysed(viewer)
    assert run.summary["create"] == ROWS + 1
    existing = make_contact(
        owner=admin, emails=[{"value": "p0@example.com", "label": "", "primary": True}]
    )
    committed = commit(run)
    assert reads == ["google_csv"]
    assert committed.summary == {"create": ROWS, "update": 1, "skip": 0, "error": 1}
    existing.refresh_from_db()
    assert existing.organization == "Co 0"


def test_committing_twice_does_nothing_the_second_time(
    viewer: Membership, reads: list[str]
) -> None:
    run = commit(analysed(viewer))
    count = Contact.objects.count()
    assert not runs.queue_commit(run, "merge")
    ImportRun.objects.filter(pk=run.pk).update(status=Status.QUEUED)  # a stale task
    assert runs.commit_run(run.pk) is None or Contact.objects.count() == count
    assert Contact.objects.count() == count


@pytest.mark.parametrize(
    "change",
    [
        {"region": "DE"},
        {"requested_format": "outlook_csv"},
        {"data": google_csv("Bo,,Chen,,,bo@example.com,,,")},
    ],
)
def test_a_reading_of_other_bytes_or_options_is_never_taken(
    viewer: Membership, reads: list[str], change: dict[str, Any]
) -> None:
    """Nothing changes these while the worker has the run; if anything did, the key would
    differ and the file is read again."""
    run = analysed(viewer)
    ImportRun.objects.filter(pk=run.pk).update(**change)
    committed = commit(run)
    assert len(reads) == 2
    assert committed.status == Status.COMMITTED


def test_a_reading_made_by_other_code_is_never_taken(
    viewer: Membership, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = analysed(viewer)
    monkeypatch.setattr(readings, "code_fingerprint", lambda: "an updated worker")
    commit(run)
    assert len(reads) == 2


@pytest.mark.parametrize("damage", ["chunk", "missing", "rows", "incomplete"])
def test_a_damaged_or_incomplete_reading_is_read_again(
    viewer: Membership, reads: list[str], damage: str
) -> None:
    run = analysed(viewer)
    reading = ImportReading.objects.get(run=run)
    chunks = ImportReadingChunk.objects.filter(reading=reading)
    if damage == "chunk":
        chunks.filter(number=1).update(data=b"not zlib")
    elif damage == "missing":
        chunks.filter(number=1).delete()
    elif damage == "rows":
        ImportReading.objects.filter(pk=reading.pk).update(rows=reading.rows + 1)
    else:
        ImportReading.objects.filter(pk=reading.pk).update(complete=False)
    committed = commit(run)
    assert len(reads) == 2
    assert committed.summary == {"create": ROWS + 1, "update": 0, "skip": 0, "error": 1}
    assert Contact.objects.count() == ROWS + 1


def test_a_second_analysis_takes_the_reading_and_another_mapping_replaces_it(
    viewer: Membership, reads: list[str], client: Any
) -> None:
    run = analysed(viewer, strategy="skip")
    first = ImportReading.objects.get(run=run)
    runs.replan(run, "overwrite")  # the dry run again with another strategy
    run.refresh_from_db()
    assert run.status == Status.PREVIEWED and run.strategy == "overwrite"
    assert reads == ["google_csv"]
    assert list(ImportReading.objects.all()) == [first]
    # A mapped CSV confirmed with another mapping: a reading of its own, the old one goes.
    data = b"Who,Reach me at\nAna Lima,ana@example.com\n"
    odd = runs.receive_upload(viewer, "odd.csv", data, ImportOptions())
    assert odd.status == Status.MAPPING and not ImportReading.objects.filter(run=odd).exists()
    runs.confirm_mapping(odd, {"Who": "display_name", "Reach me at": "email:work"})
    mapped = ImportReading.objects.get(run=odd)
    runs.confirm_mapping(odd, {"Who": "organization", "Reach me at": "email:home"})
    replaced = ImportReading.objects.get(run=odd)
    assert replaced.pk != mapped.pk and replaced.key != mapped.key
    assert reads == ["google_csv", "generic_csv", "generic_csv"]
    committed = commit(ImportRun.objects.get(pk=odd.pk))
    assert len(reads) == 3
    assert Contact.objects.get(organization="Ana Lima").emails[0]["label"] == "home"
    assert committed.status == Status.COMMITTED


def test_a_run_of_calkeep_import_keeps_no_reading(viewer: Membership, reads: list[str]) -> None:
    runs.import_now(viewer, "a.csv", DATA, ImportOptions())
    assert reads == ["google_csv"] and not ImportReading.objects.exists()
