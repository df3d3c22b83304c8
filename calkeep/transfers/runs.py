"""An import run's life: upload → (column mapping) → analysis (the dry run) → commit →
undo. Each step that can take long runs in the worker; every step is safe to run twice
because it first checks, under a row lock, that the run is in the state the step expects.
The page, the tasks and `calkeep import` call these functions."""

from __future__ import annotations

import hashlib
import logging
from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from calkeep.accounts.models import Membership
from calkeep.contacts.bulk import write_cache
from calkeep.contacts.changes import (
    RevertOutcome,
    conflicts_of,
    keep_change,
    pending_changes,
    revert_changes,
)
from calkeep.contacts.models import ContactChange
from calkeep.formats.csv_mapping import has_contact_evidence, validate_mapping
from calkeep.formats.csv_preview import CsvColumns, read_columns
from calkeep.formats.detect import detect_format
from calkeep.formats.draft import ParsedFile, UnreadableFile
from calkeep.formats.encoding import refuse_unreadable
from calkeep.lib.forked import Background
from calkeep.lib.progress import Progress
from calkeep.transfers.actions import (
    ImportOptions,
    check_options,
    check_size,
    preview_items,
    read_file,
    write_plan,
)
from calkeep.transfers.models import ImportRun, SavedMapping
from calkeep.transfers.planning import ImportPlan, plan_import
from calkeep.transfers.preview import (
    PackedPreview,
    discard_other_previews,
    pack_preview,
    store_preview,
)
from calkeep.transfers.progress import ProgressReporter
from calkeep.transfers.readings import (
    complete_reading,
    discard_readings,
    load_reading,
    reading_key,
    store_reading,
)

Status = ImportRun.Status
logger = logging.getLogger(__name__)
# Files up to this size are analysed while the upload request waits (well under a second);
# bigger ones in the worker, so a 10 MB file never holds a request open.
INLINE_ANALYSIS_BYTES = 512 * 1024
# From this many rows, the commit packs a new preview in a second process
# (lib/forked.Background) while it writes.
_FORK_PACKING_ROWS = 5000


# -- upload and mapping ----------------------------------------------------------------------
def receive_upload(
    viewer: Membership, filename: str, data: bytes, options: ImportOptions
) -> ImportRun:
    """Check the file quickly (size, binary, format) and keep it. A generic CSV stops at the
    column-mapping step; anything else goes on to the analysis."""
    check_size(len(data))
    region = check_options(viewer.workspace, options)
    refuse_unreadable(data)
    kind = detect_format(data) if options.format == "auto" else options.format
    run = ImportRun(
        workspace=viewer.workspace, created_by=viewer.user, filename=filename[:255],
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data, format=kind,
        requested_format=kind, region=region, strategy=options.strategy,
        mapping=options.mapping or {}, status=Status.ANALYZING,
    )  # fmt: skip
    if kind == "generic_csv" and options.mapping is None:
        columns = read_columns(data)
        run.encoding = columns.encoding
        remembered = remembered_mapping(viewer, columns)
        if (
            remembered is None
            and options.format == "auto"
            and not has_contact_evidence(columns.suggestion())
        ):
            raise UnreadableFile(_not_contacts(columns), "not_contacts")
        run.mapping = remembered or columns.suggestion()
        run.status = Status.MAPPING
    run.save_with_file()
    if run.status == Status.ANALYZING:
        start_analysis(run)
        # Not the file again (the caller has it): on PostgreSQL it comes back as hex text.
        run.refresh_from_db(fields=_FIELDS_BUT_THE_FILE)
    return run


_FIELDS_BUT_THE_FILE = [f.name for f in ImportRun._meta.concrete_fields if f.name != "data"]


def _not_contacts(columns: CsvColumns) -> str:
    names = ", ".join(c.name for c in columns.columns[:12])
    more = ", …" if len(columns.columns) > 12 else ""
    return (
        f"this file does not look like a contact list: its columns are {names}{more}, and "
        "none of them looks like a name, an email address or a phone number. Check that you "
        "chose the right file, or choose “CSV with mapped columns” as the format to map the "
        "columns by hand"
    )


def remembered_mapping(viewer: Membership, columns: CsvColumns) -> dict[str, str] | None:
    saved = SavedMapping.objects.filter(
        workspace=viewer.workspace, signature=columns.signature
    ).first()
    if saved is None:
        return None
    names = {c.name for c in columns.columns}
    return {name: key for name, key in saved.mapping.items() if name in names}


def run_columns(run: ImportRun) -> CsvColumns:
    return read_columns(bytes(run.data))


def confirm_mapping(run: ImportRun, mapping: dict[str, str]) -> ImportRun:
    """The person's mapping: checked, remembered for the workspace, then the analysis."""
    columns = run_columns(run)
    checked = validate_mapping(mapping, [c.name for c in columns.columns])
    if not has_contact_evidence(checked):
        raise UnreadableFile(
            "map at least one column to a name, an organization, an email or a phone",
            "mapping_no_contact_field",
        )
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.status not in (Status.MAPPING, Status.PREVIEWED, Status.FAILED):
            return locked
        SavedMapping.objects.update_or_create(
            workspace=locked.workspace, signature=columns.signature,
            defaults={"headers": [c.name for c in columns.columns], "mapping": checked},
        )  # fmt: skip
        locked.mapping = checked
        locked.status = Status.ANALYZING
        locked.error_message = ""
        locked.save(update_fields=["mapping", "status", "error_message"])
    start_analysis(locked)
    locked.refresh_from_db()
    return locked


def saved_mapping_for(viewer: Membership, data: bytes) -> dict[str, str] | None:
    """`calkeep import` of a generic CSV without --mapping uses the workspace's remembered
    mapping for these headers, as the page would."""
    try:
        return remembered_mapping(viewer, read_columns(data))
    except UnreadableFile:
        return None


# -- analysis (the dry run) ---------------------------------------------------------------------
def start_analysis(run: ImportRun) -> None:
    from calkeep.transfers.tasks import analyze_import_task

    if run.size <= INLINE_ANALYSIS_BYTES:
        analyze_run(run.pk)
    else:
        transaction.on_commit(lambda: analyze_import_task.enqueue(run.pk))


def analyze_run(run_id: int) -> None:
    """Read and plan the stored file; keep the preview. A file that cannot be read ends the
    run with its message, nothing else written."""
    run = ImportRun.objects.defer("data").get(pk=run_id)
    if run.status != Status.ANALYZING:
        return
    try:
        with ProgressReporter(run.pk) as progress:
            viewer = run_member(run)
            reading = _read(run, viewer, progress)
            plan = plan_import(viewer, reading.parsed, run.strategy, progress=progress)
            _store_preview(run, plan, Status.PREVIEWED, progress, reading)
    except UnreadableFile as error:
        _fail(run.pk, error.message)
    except Exception as error:
        # Inline (small files) this runs in the upload request, in the worker otherwise:
        # either way the run says what happened instead of staying "Reading the file".
        logger.exception("Analysis of import %s failed", run_id)
        _fail(run.pk, f"The file could not be analysed ({type(error).__name__}: {error}).")


def replan(run: ImportRun, strategy: str) -> None:
    """The dry run again with another strategy (or against the workspace as it is now)."""
    waiting = ImportRun.objects.filter(
        pk=run.pk, status__in=[Status.PREVIEWED, Status.FAILED], preview__isnull=False
    )
    if not waiting.update(status=Status.ANALYZING, strategy=strategy):
        return  # queued, imported or analysing meanwhile: nothing to plan again
    run.refresh_from_db()
    start_analysis(run)


@dataclass
class _Reading:
    """The run's file as read for this analysis or commit: `kept` when it was taken from a
    reading stored earlier, not read now."""

    parsed: ParsedFile
    key: str
    kept: bool


def _read(run: ImportRun, viewer: Membership, progress: Progress) -> _Reading:
    """The stored file, read with the run's options. What comes out depends on them and the
    file alone, and neither changes while the worker has the run (ANALYZING, RUNNING): an
    earlier analysis' reading with the same key (transfers/readings.py) is taken instead of
    reading the file again."""
    options = ImportOptions(run.requested_format, run.region, run.strategy, run.mapping or None)
    data = run.stored_file()
    region = check_options(viewer.workspace, options)
    key = reading_key(data, options.format, region, options.mapping)
    kept = load_reading(run, key, progress)
    if kept is not None:
        return _Reading(kept, key, kept=True)
    return _Reading(read_file(viewer.workspace, data, options, progress), key, kept=False)


_PREVIEW_FIELDS = [
    "format", "encoding", "rows", "summary", "preview", "status", "phase", "error_message",
]  # fmt: skip


def _store_preview(
    run: ImportRun,
    plan: ImportPlan,
    status: str,
    progress: Progress,
    reading: _Reading,
) -> None:
    """The analysis' end. The preview and the reading, kept for the commit (unless it was
    kept already: a second analysis), are written first, outside a transaction (on SQLite a
    transaction holds the one write lock for as long as it lasts); the run takes them only
    if it is still being analysed (a second analysis of it may have finished meanwhile).
    The reading is packed here, not in a second process while planning: the forked child
    made every page the planning touched a copy-on-write fault (~0.4 s), and on a busy
    machine it took the core the planning needed. The preview of a large file is packed
    in a second process while this one packs and stores the reading."""
    digest = plan.outcome_digest()
    packing = None
    large = not reading.kept and len(plan.items) >= _FORK_PACKING_ROWS
    if large and not _keeps_preview(run, digest):
        packing = Background(lambda: pack_preview(preview_items(plan)))
    try:
        stored = None if reading.kept else store_reading(run, reading.key, reading.parsed)
        fields = _set_preview(run, plan, status, digest, progress, packing)
    finally:
        if packing is not None:
            packing.cancel()
    with transaction.atomic():
        current = ImportRun.objects.select_for_update().only("status").get(pk=run.pk)
        if current.status != Status.ANALYZING:
            if "preview" in fields and run.preview is not None:  # packed now, not kept
                run.preview.delete()
            if stored is not None:
                stored.delete()
            return
        run.save(update_fields=fields)
        discard_other_previews(run)
        if stored is not None:
            complete_reading(run, stored)


def _keeps_preview(run: ImportRun, digest: str) -> bool:
    """Whether the preview already stored shows a plan with this outcome digest (the commit
    of an analysed run, nothing changed meanwhile). An empty digest is never equal."""
    return bool(digest) and digest == run.preview_digest and run.preview_id is not None


def _set_preview(
    run: ImportRun,
    plan: ImportPlan,
    status: str,
    digest: str,
    progress: Progress,
    packing: Background[PackedPreview] | None = None,
) -> list[str]:
    """The plan's counts and preview on the run; the fields to save. The preview already
    stored is kept when it shows this plan (`_keeps_preview`): packing the 63,000 items of a
    10 MB file takes a second. `packing` gives the preview packed already."""
    run.format = plan.parsed.format
    run.encoding = plan.parsed.encoding
    run.rows = len(plan.items)
    run.summary = plan.summary()
    run.status = status
    run.phase = ""
    run.error_message = ""
    if _keeps_preview(run, digest):
        return [f for f in _PREVIEW_FIELDS if f != "preview"]
    items = preview_items(plan) if packing is None else packing.result()
    run.preview = store_preview(run, items, progress, len(plan.items))
    run.preview_digest = digest
    return [*_PREVIEW_FIELDS, "preview_digest"]


def run_member(run: ImportRun) -> Membership:
    members = Membership.objects.select_related("workspace", "user")
    membership = members.filter(workspace_id=run.workspace_id, user=run.created_by).first()
    if run.created_by is None or membership is None:
        raise UnreadableFile(
            "the person who started this import is no longer a member of the workspace",
            "no_member",
        )
    return membership


def _fail(run_id: int, message: str) -> None:
    ImportRun.objects.filter(pk=run_id).update(
        status=Status.FAILED, error_message=message, phase=""
    )


# -- commit -----------------------------------------------------------------------------------
def queue_commit(run: ImportRun, strategy: str) -> bool:
    """Hand the run to the worker. False when it is not waiting for a commit (already queued,
    running, imported or undone): a second click, or a second commit, does nothing."""
    from calkeep.transfers.tasks import commit_import_task

    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not locked.can_commit:
            return False
        locked.status = Status.QUEUED
        locked.strategy = strategy
        locked.error_message = ""
        locked.phase = "Waiting for the worker"
        locked.save(update_fields=["status", "strategy", "error_message", "phase"])
        transaction.on_commit(lambda: commit_import_task.enqueue(locked.pk))
    return True


def commit_run(run_id: int) -> ImportPlan | None:
    """In the worker: plan again and write, in one transaction, so the commit does exactly
    what a dry run of this moment would show. A run left RUNNING by a crashed worker is
    taken up again; one that is already imported is left alone."""
    runs = ImportRun.objects.select_for_update().defer("data")
    with transaction.atomic():
        run = runs.get(pk=run_id)
        # A run with an operation was written already (its upload is gone with the commit).
        if run.status not in (Status.QUEUED, Status.RUNNING) or run.operation_id is not None:
            return None
        run.status = Status.RUNNING
        run.phase = f"Importing {run.rows:,} rows in one transaction"
        run.save(update_fields=["status", "phase"])
    try:
        with ProgressReporter(run_id) as progress:
            return _commit(run_id, progress)
    except Exception as error:
        _fail(run_id, _failure_message(error))
        raise


def _commit(run_id: int, progress: Progress) -> ImportPlan | None:
    """The file is read (or the analysis' reading of it taken back, see _read) before the
    write transaction begins: on SQLite that transaction holds the database's one write lock
    for as long as it lasts, and reading a 10 MB file takes some 3 s. Planning sees, and
    locks, the contacts as they are inside it."""
    run = ImportRun.objects.defer("data").get(pk=run_id)
    reading = _read(run, run_member(run), progress)
    parsed = reading.parsed
    # SQLite writes faster with a larger page cache (contacts/bulk.write_cache), which costs
    # its size in memory; a commit that read the file itself (`calkeep import`, or no kept
    # reading) is at its peak already, so it writes with the usual cache.
    cache = write_cache() if reading.kept else nullcontext()
    with cache, transaction.atomic():
        run = ImportRun.objects.select_for_update().defer("data").get(pk=run_id)
        if run.status != Status.RUNNING:
            return None  # another worker finished it meanwhile
        viewer = run_member(run)
        plan = plan_import(viewer, parsed, run.strategy, lock=True, progress=progress)
        # An analysed run kept its plan's digest; a run of `calkeep import` has none.
        digest = plan.outcome_digest() if run.preview_digest else ""
        # A preview to pack is packed in a second process while this one writes (what it
        # shows is decided by the plan; writing only gives new contacts their ids), also
        # after reading the file here: the packed chunks (~9 MB for the 10 MB CSV) are
        # unpickled as they come through the pipe (lib/forked.py), so they are in memory
        # once, which keeps this peak under 300 MB.
        fork = len(plan.items) >= _FORK_PACKING_ROWS
        packing = None
        if fork and not _keeps_preview(run, digest):
            packing = Background(lambda: pack_preview(preview_items(plan)))
        try:
            run.operation = write_plan(viewer, plan, f"Import of {run.filename}", progress)
            run.committed_at = timezone.now()
            fields = _set_preview(run, plan, Status.COMMITTED, digest, progress, packing)
        finally:
            if packing is not None:
                packing.cancel()
        # The upload goes with the commit: a committed run is never read again (its
        # preview, change records and undo do not need the file), and a person's file is
        # not kept longer than it is used. One UPDATE, which on SQLite rewrites the row.
        run.data = b""
        run.save(update_fields=[*fields, "operation", "committed_at", "data"])
        discard_other_previews(run)
        discard_readings(run)  # a committed run is never read again
    return plan


def _failure_message(error: Exception) -> str:
    if isinstance(error, UnreadableFile):
        return f"The import stopped and nothing was written: {error.message}"
    return f"The import failed and nothing was written ({type(error).__name__}: {error})."


def import_now(
    viewer: Membership, filename: str, data: bytes, options: ImportOptions
) -> ImportPlan:
    """`calkeep import` without --dry-run: a run like the page's, committed in this process
    (the commit reads and plans the file itself: no separate dry run first). A file that
    cannot be read leaves no run behind."""
    check_size(len(data))
    region = check_options(viewer.workspace, options)
    refuse_unreadable(data)
    kind = detect_format(data) if options.format == "auto" else options.format
    run = ImportRun(
        workspace=viewer.workspace, created_by=viewer.user, filename=filename[:255],
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data, format=kind,
        requested_format=kind, region=region, strategy=options.strategy,
        mapping=options.mapping or {}, status=Status.QUEUED,
    )  # fmt: skip
    run.save_with_file()
    try:
        committed = commit_run(run.pk)
    except UnreadableFile:
        run.delete()
        raise
    assert committed is not None
    return committed


# -- undo ---------------------------------------------------------------------------------------
def request_undo(run: ImportRun) -> bool:
    from calkeep.transfers.tasks import undo_import_task

    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != Status.COMMITTED or locked.operation_id is None:
            return False
        locked.status = Status.UNDOING
        locked.undo_requested_at = timezone.now()
        locked.phase = "Undoing the import"
        locked.error_message = ""
        locked.save(update_fields=["status", "undo_requested_at", "phase", "error_message"])
        transaction.on_commit(lambda: undo_import_task.enqueue(locked.pk))
    return True


def _locked_runs() -> QuerySet[ImportRun]:
    # PostgreSQL cannot lock the nullable side of the operation join: lock the run only.
    return ImportRun.objects.select_for_update(of=("self",)).select_related("operation")


def undo_run(run_id: int, actor: AbstractBaseUser | None = None) -> RevertOutcome | None:
    """Revert every change of the import. Contacts edited since are left alone and listed
    as conflicts; the run counts as undone when none is left waiting for a decision."""
    try:
        with transaction.atomic():
            run = _locked_runs().get(pk=run_id)
            if run.status != Status.UNDOING or run.operation is None:
                return None
            outcome = revert_changes(
                run.workspace, pending_changes(run.operation), actor or run.created_by,
                label=f"Undo of the import of {run.filename}",
            )  # fmt: skip
            _finish_undo(run)
    except Exception as error:
        ImportRun.objects.filter(pk=run_id, status=Status.UNDOING).update(
            status=Status.COMMITTED, phase="",
            error_message=f"The undo failed and changed nothing ({type(error).__name__}: "
            f"{error}). Try again.",
        )  # fmt: skip
        raise
    return outcome


def _finish_undo(run: ImportRun) -> None:
    assert run.operation is not None
    run.operation.refresh_from_db()
    if run.operation.reverted_at is not None:
        run.status, run.undone_at = Status.UNDONE, run.operation.reverted_at
    else:
        run.status = Status.COMMITTED  # with conflicts waiting: the page lists them
    run.phase = ""
    run.save(update_fields=["status", "undone_at", "phase"])


def written_counts(run: ImportRun) -> dict[str, int]:
    """Contacts the commit created and updated, from its change records (several rows of a
    file can update one contact)."""
    if run.operation_id is None:
        return {}
    counts = ContactChange.objects.filter(operation_id=run.operation_id).values("action")
    found = {row["action"]: row["n"] for row in counts.annotate(n=Count("pk"))}
    return {"create": found.get("create", 0), "update": found.get("update", 0)}


def undo_conflicts(run: ImportRun) -> list:
    if run.operation is None or run.undo_requested_at is None or run.status == Status.UNDONE:
        return []
    return conflicts_of(run.operation)


@transaction.atomic
def resolve_conflict(
    run: ImportRun, change: ContactChange, revert: bool, actor: AbstractBaseUser | None
) -> None:
    """The person's decision on one contact edited since the import: revert it anyway (the
    later edits are lost, knowingly) or keep it as it is now."""
    locked = _locked_runs().get(pk=run.pk)
    if locked.operation is None or change.operation_id != locked.operation_id:
        return
    if revert:
        revert_changes(locked.workspace, [change], actor, f"Undo of {locked.filename}", force=True)
    else:
        keep_change(change)
    _finish_undo(locked)


# -- recovery ---------------------------------------------------------------------------------
def interrupted_runs() -> list[tuple[object, list[object]]]:
    """(task, its arguments) for every run a worker should be working on (calkeep/worker.py)."""
    from calkeep.transfers.tasks import analyze_import_task, commit_import_task, undo_import_task

    tasks = {
        Status.ANALYZING: analyze_import_task, Status.QUEUED: commit_import_task,
        Status.RUNNING: commit_import_task, Status.UNDOING: undo_import_task,
    }  # fmt: skip
    in_progress = ImportRun.objects.filter(status__in=list(tasks)).values_list("pk", "status")
    return [(tasks[Status(status)], [run_id]) for run_id, status in in_progress]
