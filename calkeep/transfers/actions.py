"""Import: read, dry run, write. The import runs (runs.py), `calkeep import` and the
benchmarks call these functions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.conf import settings
from django.db import transaction

from calkeep.accounts.models import Membership, Workspace
from calkeep.contacts.actions import bulk_update_contacts, insert_contacts, values_from_draft
from calkeep.contacts.bulk import background_writes, check_deferred_constraints
from calkeep.contacts.changes import write_change_records
from calkeep.contacts.models import Contact, Operation, Source
from calkeep.formats import read_contacts
from calkeep.formats.csv_mapping import validate_mapping
from calkeep.formats.csv_preview import read_columns
from calkeep.formats.draft import ParsedFile, UnreadableFile
from calkeep.lib.memory import paused_gc
from calkeep.lib.progress import Progress
from calkeep.transfers.models import SavedMapping
from calkeep.transfers.planning import STRATEGIES, ImportPlan, plan_import
from calkeep.webhooks.models import EventType
from calkeep.webhooks.outbox import subscribed_endpoints


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


def read_file(
    workspace: Workspace, data: bytes, options: ImportOptions, progress: Progress | None = None
) -> ParsedFile:
    check_size(len(data))
    region = check_options(workspace, options)
    return read_contacts(
        data, format=options.format, region=region, mapping=options.mapping, progress=progress
    )


def dry_run(
    viewer: Membership,
    data: bytes,
    options: ImportOptions,
    lock: bool = False,
    progress: Progress | None = None,
) -> ImportPlan:
    """Read and plan. The commit passes `lock` (see plan_import)."""
    parsed = read_file(viewer.workspace, data, options, progress)
    del data  # planning has no use for the bytes: 10 MB less while it and the commit run
    return plan_import(viewer, parsed, options.strategy, lock, progress)


def remember_mapping(viewer: Membership, data: bytes, mapping: dict[str, str]) -> None:
    """A generic CSV's column mapping given to `calkeep import --mapping`, remembered for
    the workspace as one confirmed on the import page is: the next file with these headers
    starts with it, on the page and on the command line."""
    columns = read_columns(data)
    names = [c.name for c in columns.columns]
    SavedMapping.objects.update_or_create(
        workspace=viewer.workspace, signature=columns.signature,
        defaults={"headers": names, "mapping": validate_mapping(mapping, names)},
    )  # fmt: skip


def preview_items(plan: ImportPlan) -> Iterator[dict[str, Any]]:
    """The contract items plus what the page shows beside them (line, changed fields), one
    at a time: transfers.preview.store_preview compresses them as they come, so tens of thousands of
    item dicts are never held at once."""
    for item in plan.items:
        data = item.to_dict()
        data["line"] = item.line
        data["changes"] = item.changes
        data["target_row"] = item.target_row
        yield data


# New contacts are written in slices, so only one slice's values, rows and JSON texts are
# alive at a time.
_CREATE_CHUNK = 5000


@transaction.atomic
def write_plan(
    viewer: Membership, plan: ImportPlan, label: str, progress: Progress | None = None
) -> Operation:
    """Write what the plan says, with a change record per contact for undo. `progress`
    hears the contacts written ("write"): new ones a slice at a time, then the updates.

    The database writes a slice while the next one is built (contacts/bulk.py,
    background_writes: the same statements, in the same order, in this transaction), and on
    PostgreSQL checks each slice's foreign keys meanwhile rather than all at COMMIT."""
    workspace = viewer.workspace
    operation = Operation.objects.create(
        workspace=workspace, kind=Operation.Kind.IMPORT, actor=viewer.user, label=label[:300]
    )
    creates = [i for i in plan.items if i.outcome == "create" and i.draft is not None]
    total = len(creates) + len(plan.updates)
    endpoints = subscribed_endpoints(workspace.pk, EventType.CONTACT_CREATED)
    with paused_gc(), background_writes():
        for start in range(0, len(creates), _CREATE_CHUNK):
            items = creates[start : start + _CREATE_CHUNK]
            values = (values_from_draft(i.draft) for i in items if i.draft is not None)
            created = insert_contacts(workspace, viewer.user, values, Source.IMPORT, endpoints)
            write_change_records(operation, created, ())
            check_deferred_constraints()
            for item, pk in zip(items, created.ids, strict=True):
                item.target_id = pk
            if progress is not None:
                progress("write", start + len(items), total)
        write_change_records(operation, (), _write_updates(plan))
    if progress is not None:
        progress("write", total, total)
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
