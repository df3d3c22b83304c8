"""Import: read, dry run, commit. The import page, its background task and `calkeep import`
all call these functions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from calkeep.accounts.models import Membership, Workspace
from calkeep.contacts.actions import bulk_create_contacts, bulk_update_contacts, values_from_draft
from calkeep.contacts.changes import created_record, updated_record
from calkeep.contacts.models import Contact, ContactChange, Operation, Source
from calkeep.formats import read_contacts
from calkeep.formats.draft import ParsedFile, UnreadableFile
from calkeep.transfers.models import ImportRun
from calkeep.transfers.planning import STRATEGIES, ImportPlan, plan_import


@dataclass
class ImportOptions:
    format: str = "auto"
    region: str | None = None  # None: the workspace's default region
    strategy: str = "skip"
    mapping: dict[str, str] | None = None


def check_size(size: int) -> None:
    """PRODUCT.md: files over 10 MB are refused before parsing."""
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise UnreadableFile(
            f"The file is {size:,} bytes; the import limit is 10 MB ({limit:,} bytes). "
            "Split it into smaller files and import them one after the other.",
            "too_large",
        )


def check_options(workspace: Workspace, options: ImportOptions) -> str:
    """The region the import will use; a bad option is refused like an unreadable file."""
    if options.strategy not in STRATEGIES:
        raise UnreadableFile(
            f"unknown strategy {options.strategy!r}; choose skip, merge or overwrite", "bad_option"
        )
    region = (options.region or workspace.default_region).upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise UnreadableFile(
            f"unknown region {options.region!r}: give an ISO 3166 country code such as US or DE",
            "bad_option",
        )
    return region


def read_file(workspace: Workspace, data: bytes, options: ImportOptions) -> ParsedFile:
    check_size(len(data))
    region = check_options(workspace, options)
    return read_contacts(data, format=options.format, region=region, mapping=options.mapping)


def dry_run(viewer: Membership, data: bytes, options: ImportOptions) -> ImportPlan:
    parsed = read_file(viewer.workspace, data, options)
    return plan_import(viewer, parsed, options.strategy)


# -- import runs (the page's two steps) ------------------------------------------------
def start_import(
    viewer: Membership, filename: str, data: bytes, options: ImportOptions
) -> tuple[ImportRun, ImportPlan]:
    """Step 1: read and plan the file, and keep it with its preview for the commit."""
    plan = dry_run(viewer, data, options)
    run = ImportRun(
        workspace=viewer.workspace,
        created_by=viewer.user,
        filename=filename[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        format=plan.parsed.format,
        requested_format=options.format,
        encoding=plan.parsed.encoding,
        region=check_options(viewer.workspace, options),
        mapping=options.mapping or plan.parsed.mapping,
        strategy=options.strategy,
        rows=len(plan.items),
        summary=plan.summary(),
    )
    run.set_preview(preview_items(plan))
    run.save()
    return run, plan


def preview_items(plan: ImportPlan) -> list[dict[str, Any]]:
    """The contract items plus what the page shows beside them (line, changed fields)."""
    items = []
    for item in plan.items:
        data = item.to_dict()
        data["line"] = item.line
        data["changes"] = item.changes
        data["target_row"] = item.target_row
        items.append(data)
    return items


def replan(run: ImportRun, strategy: str) -> ImportPlan:
    """Plan the stored file again (a new strategy, or the state of the workspace now)."""
    viewer = _viewer(run)
    options = ImportOptions(run.requested_format, run.region, strategy, run.mapping or None)
    plan = dry_run(viewer, bytes(run.data), options)
    run.strategy = strategy
    run.summary = plan.summary()
    run.rows = len(plan.items)
    run.set_preview(preview_items(plan))
    run.save(update_fields=["strategy", "summary", "rows", "preview_gz"])
    return plan


def _viewer(run: ImportRun) -> Membership:
    members = Membership.objects.select_related("workspace", "user")
    membership = members.filter(workspace_id=run.workspace_id, user=run.created_by).first()
    if run.created_by is None or membership is None:
        raise UnreadableFile(
            "the person who started this import is no longer a member", "no_member"
        )
    return membership


def queue_commit(run: ImportRun, strategy: str) -> bool:
    """Mark the run queued and hand it to the worker once this transaction commits.
    False when it was already queued, running or done: a second click does nothing."""
    from calkeep.transfers.tasks import commit_import_task

    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.status not in (ImportRun.Status.PREVIEWED, ImportRun.Status.FAILED):
            return False
        locked.status = ImportRun.Status.QUEUED
        locked.strategy = strategy
        locked.error_message = ""
        locked.save(update_fields=["status", "strategy", "error_message"])
        transaction.on_commit(lambda: commit_import_task.enqueue(locked.pk))
    return True


def commit_run(run_id: int) -> ImportPlan | None:
    """Step 2, in the worker: plan again and write, all in one transaction. Safe to run
    twice: a run that is not queued (or left running by a crashed worker) is left alone."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.status not in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING):
            return None
        run.status = ImportRun.Status.RUNNING
        run.save(update_fields=["status"])
    try:
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().get(pk=run_id)
            if run.status != ImportRun.Status.RUNNING:
                return None  # another worker finished it meanwhile
            viewer = _viewer(run)
            options = ImportOptions(
                run.requested_format, run.region, run.strategy, run.mapping or None
            )
            plan = dry_run(viewer, bytes(run.data), options)
            operation = write_plan(viewer, plan, label=f"Import of {run.filename}")
            run.operation = operation
            run.status = ImportRun.Status.COMMITTED
            run.committed_at = timezone.now()
            run.summary = plan.summary()
            run.progress_done = run.progress_total = len(plan.items)
            run.set_preview(preview_items(plan))
            run.save()
        return plan
    except Exception as error:
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.FAILED, error_message=_failure_message(error)
        )
        raise


def _failure_message(error: Exception) -> str:
    if isinstance(error, UnreadableFile):
        return error.message
    return f"The import failed and nothing was written ({type(error).__name__}: {error})."


def commit_now(
    viewer: Membership, filename: str, data: bytes, options: ImportOptions
) -> ImportPlan:
    """`calkeep import` without --dry-run: the same run, committed in this process."""
    run, _ = start_import(viewer, filename, data, options)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED)
    plan = commit_run(run.pk)
    assert plan is not None
    return plan


@transaction.atomic
def write_plan(viewer: Membership, plan: ImportPlan, label: str) -> Operation:
    """Write what the plan says, with a change record per contact for undo."""
    operation = Operation.objects.create(
        workspace=viewer.workspace, kind=Operation.Kind.IMPORT, actor=viewer.user, label=label[:300]
    )
    creates = [(i, i.draft) for i in plan.items if i.outcome == "create" and i.draft is not None]
    created = bulk_create_contacts(
        viewer.workspace, viewer.user, [values_from_draft(d) for _, d in creates], Source.IMPORT
    )
    changes = [created_record(operation, c) for c in created]
    updated = _write_updates(plan)
    changes += [updated_record(operation, contact, before) for contact, before in updated]
    ContactChange.objects.bulk_create(changes, batch_size=1000)
    for (item, _), contact in zip(creates, created, strict=True):
        item.target_id = contact.pk
    return operation


def _write_updates(plan: ImportPlan) -> list[tuple[Contact, dict[str, Any]]]:
    pairs = []
    befores = {}
    for contact_id, values in plan.updates.items():
        contact = plan.existing[contact_id]
        befores[contact_id] = contact.editable_values()
        pairs.append((contact, values))
    touched = bulk_update_contacts(pairs)
    return [(c, befores[c.pk]) for c in touched]
