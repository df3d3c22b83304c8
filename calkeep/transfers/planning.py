"""The dry run: what each row of a file would do to the workspace. The commit runs this very
code again inside its transaction and then writes what it says (PRODUCT.md: one code path)."""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import uuid
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection

from calkeep.accounts.models import Membership
from calkeep.contacts.actions import values_from_draft
from calkeep.contacts.combining import changed_fields, merge_values, overwrite_values
from calkeep.contacts.models import Contact, ContactKey
from calkeep.formats.draft import ContactDraft, Issue, ParsedFile, ParsedRow
from calkeep.formats.draft_dicts import draft_to_dict
from calkeep.formats.emails import normalize_email
from calkeep.lib.memory import paused_gc
from calkeep.lib.progress import EVERY, Progress

STRATEGIES = ("skip", "merge", "overwrite")
OUTCOMES = ("create", "update", "skip", "error")
_LOOKUP_CHUNK = 5000
_ARRAY_CHUNK = 50_000  # values per `= ANY(%s)` lookup on PostgreSQL


@dataclass(slots=True)
class PlanItem:
    """One row's outcome. `warnings` and `errors` start as the row's own lists (tens of
    thousands of copies otherwise): add to them with `warn`, which copies first."""

    row: int
    line: int
    outcome: str
    draft: ContactDraft | None
    match: dict[str, Any] | None = None
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    target_id: int | None = None  # the existing contact an update writes to
    target_row: int | None = None  # an earlier row of the same file this row folds into
    changes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The item exactly as PRODUCT.md's `--json` contract shows it."""
        contact = None
        if self.draft is not None:
            contact = draft_to_dict(self.draft)
            contact["display_name"] = self.draft.effective_display_name()
        return {
            "row": self.row,
            "outcome": self.outcome,
            "match": self.match,
            "contact": contact,
            "warnings": [w.to_dict() for w in self.warnings],
            "errors": [e.to_dict() for e in self.errors],
        }


@dataclass
class ImportPlan:
    parsed: ParsedFile
    strategy: str
    items: list[PlanItem]
    # Final values per existing contact an update touches (several rows may touch one).
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    existing: dict[int, Contact] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for item in self.items:
            counts[item.outcome] += 1
        return counts

    def outcome_digest(self) -> str:
        """What this plan decided for each row (outcome, match, the earlier row it folds
        into, the fields it changes, the warnings that say so), with the strategy and the
        code that made it. The file and its options do not change within a run and reading
        is deterministic, so two plans of one run with one digest have the same items: the
        same preview."""
        digest = hashlib.sha256(f"{code_fingerprint()}\n{self.strategy}\n".encode())
        encode = json.JSONEncoder().encode
        with paused_gc():  # 100,000 small tuples: the collector would scan the whole plan
            for start in range(0, len(self.items), 5000):
                decided = [
                    (i.row, i.outcome, i.match, i.target_row, i.changes,
                     [(w.field, w.message, w.code) for w in i.warnings])
                    for i in self.items[start : start + 5000]
                ]  # fmt: skip
                digest.update(encode(decided).encode())
        return digest.hexdigest()

    def document(self, dry_run: bool) -> dict[str, Any]:
        return {
            "format": self.parsed.format,
            "encoding": self.parsed.encoding,
            "dry_run": dry_run,
            "rows": len(self.items),
            "summary": self.summary(),
            "items": [item.to_dict() for item in self.items],
        }


@functools.cache
def code_fingerprint() -> str:
    """A digest of calkeep's Python source: a worker updated between an analysis and its
    commit never reuses the analysis' preview. Unreadable source gives a value of its own
    each time (no reuse at all)."""
    digest = hashlib.sha256()
    try:
        root = Path(__file__).resolve().parent.parent
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    except OSError:
        return uuid.uuid4().hex
    return digest.hexdigest()


def plan_import(
    viewer: Membership,
    parsed: ParsedFile,
    strategy: str,
    lock: bool = False,
    progress: Progress | None = None,
) -> ImportPlan:
    """Decide create / update / skip / error for every row. Matches are looked up among
    the contacts the importing member may see: a shared normalized email is the same
    person; a shared E.164 number is only shown as a candidate. With `lock` (the commit,
    inside its transaction) the contacts an update will write are row-locked, so an edit
    saved meanwhile is either seen by the plan or waits for the commit: never overwritten.
    A row without an email that shares a number with a contact without an email, and has
    the same name, is that person too (matched by phone): an export of such contacts
    imported again finds them instead of making copies. `progress` hears the rows planned
    ("match")."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}")
    rows = parsed.rows
    with paused_gc():
        emails = [_row_emails(row) for row in rows]
        email_owner = _oldest(_existing_keys(viewer, ContactKey.EMAIL, _keys(rows, emails)))
        phones = [_row_phones(row) for row in rows]
        phone_holders = _existing_keys(viewer, ContactKey.PHONE, _keys(rows, phones))
        phone_owner = _oldest(phone_holders)
        plan = ImportPlan(parsed, strategy, [])
        owners = set(email_owner.values())
        # Skipping a match needs no values of the contact: a file imported again (every
        # row matching) would otherwise load the whole workspace to skip it.
        matchable: Container[int] = owners
        if strategy != "skip":
            plan.existing = _load(viewer, owners, lock)
            matchable = plan.existing
        phone_people = _emailless_phone_holders(viewer, plan, rows, emails, phone_holders, lock)
        found = _Found(email_owner, matchable, phone_owner, phone_holders, phone_people)
        seen_in_file: dict[str, PlanItem] = {}
        for number, (row, row_emails) in enumerate(zip(rows, emails, strict=True), 1):
            item = _plan_row(plan, row, row_emails, found, seen_in_file)
            plan.items.append(item)
            if progress is not None and number % EVERY == 0:
                progress("match", number, len(rows))
    return plan


@dataclass
class _Found:
    """What the lookups found for the file's keys."""

    email_owner: dict[str, int]  # normalized email -> oldest visible contact holding it
    matchable: Container[int]  # contacts an email match may go to
    phone_owner: dict[str, int]  # E.164 -> oldest visible contact holding it
    phone_holders: dict[str, list[int]]  # E.164 -> every visible contact holding it
    phone_people: dict[int, str]  # such a contact without emails -> its name, folded


def _emailless_phone_holders(
    viewer: Membership,
    plan: ImportPlan,
    rows: list[ParsedRow],
    emails: list[list[str]],
    phone_holders: dict[str, list[int]],
    lock: bool,
) -> dict[int, str]:
    """The contacts without emails that hold a number of a row without emails, with their
    names folded; loaded (and locked) into plan.existing when the strategy writes."""
    ids = {
        contact_id
        for row, row_emails in zip(rows, emails, strict=True)
        if not row_emails and not row.errors
        for phone in _row_phones(row)
        for contact_id in phone_holders.get(phone, ())
    }
    if not ids:
        return {}
    contacts = {pk: plan.existing[pk] for pk in ids if pk in plan.existing}
    contacts.update(_load(viewer, ids - contacts.keys(), lock))
    if plan.strategy != "skip":
        plan.existing.update(contacts)
    return {pk: _folded_name(c.name) for pk, c in contacts.items() if not c.emails}


def _folded_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _row_emails(row: ParsedRow) -> list[str]:
    if row.draft is None:
        return []
    return [k for k in (normalize_email(e.value) for e in row.draft.emails) if k]


def _row_phones(row: ParsedRow) -> list[str]:
    return [p.e164 for p in row.draft.phones if p.e164] if row.draft else []


def _keys(rows: list[ParsedRow], values: list[list[str]]) -> set[str]:
    return {key for row, keys in zip(rows, values, strict=True) if not row.errors for key in keys}


def _lookup_chunk() -> int:
    """Values per IN (...) lookup: as many as the backend takes in one statement (SQLite
    says how many itself; Django assumes 999, its oldest limit)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(100, min(limit - 10, _LOOKUP_CHUNK))
    return _LOOKUP_CHUNK


def _existing_keys(viewer: Membership, kind: str, values: set[str]) -> dict[str, list[int]]:
    """value -> ids of the visible contacts holding it, oldest first. The key table is
    searched on its (workspace, kind, value) index alone; which of the few contacts found
    the member may see is asked once afterwards."""
    holders: dict[str, list[int]] = {}
    for value, contact_id in _key_rows(viewer.workspace_id, kind, sorted(values)):
        holders.setdefault(value, []).append(contact_id)
    visible = _visible_ids(viewer, {i for ids in holders.values() for i in ids})
    seen = {value: sorted(i for i in ids if i in visible) for value, ids in holders.items()}
    return {value: ids for value, ids in seen.items() if ids}


def _oldest(holders: dict[str, list[int]]) -> dict[str, int]:
    return {value: ids[0] for value, ids in holders.items()}


def _key_rows(workspace_id: int, kind: str, values: list[str]) -> Iterator[tuple[str, int]]:
    """(value, contact id) of the workspace's keys of this kind among `values`. Plain SQL:
    for tens of thousands of values the ORM spent longer building the IN lists than the
    database spent answering them."""
    meta, quote = ContactKey._meta, connection.ops.quote_name
    table = quote(str(meta.db_table))
    columns = {f.name: quote(str(f.column)) for f in meta.concrete_fields}
    value, contact, workspace = columns["value"], columns["contact"], columns["workspace"]
    kind_column = columns["kind"]
    query = f"SELECT {value}, {contact} FROM {table} WHERE {workspace} = %s AND {kind_column} = %s"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One parameter, an array written as text: psycopg adapts thousands of separate
            # parameters (or a list's items) several times slower than PostgreSQL answers.
            for start in range(0, len(values), _ARRAY_CHUNK):
                array = _text_array(values[start : start + _ARRAY_CHUNK])
                cursor.execute(
                    f"{query} AND {value} = ANY(%s::text[])", [workspace_id, kind, array]
                )
                yield from cursor.fetchall()
            return
        size = _lookup_chunk()
        for start in range(0, len(values), size):
            chunk = values[start : start + size]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{query} AND {value} IN ({marks})", [workspace_id, kind, *chunk])
            yield from cursor.fetchall()


def _text_array(values: list[str]) -> str:
    """PostgreSQL's text form of an array of these strings: each quoted, with `\\` and `"`
    escaped by a backslash (so commas, braces, spaces and NULL stay plain text)."""
    if any('"' in v or "\\" in v for v in values):
        values = [v.replace("\\", "\\\\").replace('"', '\\"') for v in values]
    return '{"' + '","'.join(values) + '"}'


def _visible_ids(viewer: Membership, ids: set[int]) -> set[int]:
    visible: set[int] = set()
    ordered = sorted(ids)
    size = _lookup_chunk()
    contacts = Contact.objects.visible_to(viewer)
    for start in range(0, len(ordered), size):
        chunk = ordered[start : start + size]
        visible.update(contacts.filter(pk__in=chunk).values_list("pk", flat=True))
    return visible


def _load(viewer: Membership, ids: set[int], lock: bool) -> dict[int, Contact]:
    contacts: dict[int, Contact] = {}
    ordered = sorted(ids)
    size = _lookup_chunk()
    for start in range(0, len(ordered), size):
        chunk = ordered[start : start + size]
        query = Contact.objects.visible_to(viewer).filter(pk__in=chunk)
        if lock:
            query = query.select_for_update().order_by("pk")  # id order: no deadlocks
        for contact in query:
            contacts[contact.pk] = contact
    return contacts


def warn(item: PlanItem, issue: Issue) -> None:
    item.warnings = [*item.warnings, issue]


def _plan_row(
    plan: ImportPlan,
    row: ParsedRow,
    emails: list[str],
    found: _Found,
    seen_in_file: dict[str, PlanItem],
) -> PlanItem:
    item = PlanItem(row.row, row.line, "create", row.draft, None, row.warnings, row.errors)
    if row.errors or row.draft is None:
        item.outcome = "error"
        return item
    existing_id = next((found.email_owner[e] for e in emails if e in found.email_owner), None)
    earlier = next((seen_in_file[e] for e in emails if e in seen_in_file), None)
    for email in emails:
        seen_in_file.setdefault(email, item)
    phones = _row_phones(row)
    if existing_id is not None and existing_id in found.matchable:
        _plan_existing_match(plan, item, existing_id)
    elif earlier is not None:
        _plan_in_file_duplicate(plan, item, earlier)
    elif (person := _same_person_by_phone(row.draft, emails, phones, found)) is not None:
        _plan_existing_match(plan, item, person, by="phone")
    else:
        _note_phone_candidate(item, phones, found.phone_owner, seen_in_file)
    return item


def _same_person_by_phone(
    draft: ContactDraft, emails: list[str], phones: list[str], found: _Found
) -> int | None:
    """The contact without emails that holds one of the row's numbers under the row's
    name, when the row has no email either."""
    if emails:
        return None
    name = _folded_name(draft.effective_display_name())
    for phone in phones:
        for contact_id in found.phone_holders.get(phone, ()):
            if name and found.phone_people.get(contact_id) == name:
                return contact_id
    return None


def _plan_existing_match(
    plan: ImportPlan, item: PlanItem, contact_id: int, by: str = "email"
) -> None:
    item.match = {"contact_id": contact_id, "by": by}
    item.target_id = contact_id
    if plan.strategy == "skip":
        item.outcome = "skip"
        return
    assert item.draft is not None
    current = plan.updates.get(contact_id) or plan.existing[contact_id].editable_values()
    incoming = values_from_draft(item.draft)
    combine = merge_values if plan.strategy == "merge" else overwrite_values
    after = combine(current, incoming)
    item.changes = changed_fields(current, after)
    if not item.changes:
        item.outcome = "skip"
        warn(item, Issue("", f"contact {contact_id} already holds these values", "unchanged"))
        return
    item.outcome = "update"
    plan.updates[contact_id] = after


def _plan_in_file_duplicate(plan: ImportPlan, item: PlanItem, earlier: PlanItem) -> None:
    """A second row with an email an earlier row has: the same person twice in one file.
    Matched to an existing contact, it follows the strategy like that row. Otherwise it
    is folded into the contact the earlier row creates: merged (skip and merge: nothing
    of either row is lost) or written over it (overwrite: the later row wins). Its match
    stays null: no existing contact is involved."""
    note = f"same email as row {earlier.row} of this file"
    if earlier.target_id is not None:
        _plan_existing_match(plan, item, earlier.target_id)
        warn(item, Issue("emails", note, "duplicate_in_file"))
        return
    assert item.draft is not None and earlier.draft is not None
    combine = overwrite_values if plan.strategy == "overwrite" else merge_values
    before = values_from_draft(earlier.draft)
    after = combine(before, values_from_draft(item.draft))
    item.target_row = earlier.row
    item.changes = changed_fields(before, after)
    item.outcome = "update" if item.changes else "skip"
    warn(item, Issue("emails", f"{note}; folded into that row", "duplicate_in_file"))
    earlier.draft = ContactDraft.from_dict(after)


def _note_phone_candidate(
    item: PlanItem,
    phones: list[str],
    phone_owner: dict[str, int],
    seen_in_file: dict[str, PlanItem],
) -> None:
    """A shared number is a possible duplicate, never a match: with an existing contact
    (match by phone, outcome create), else with an earlier row of the file (a warning)."""
    earlier = next((seen_in_file[p] for p in phones if p in seen_in_file), None)
    for phone in phones:
        seen_in_file.setdefault(phone, item)
    for phone in phones:
        if phone in phone_owner:
            contact_id = phone_owner[phone]
            item.match = {"contact_id": contact_id, "by": "phone"}
            warn(
                item,
                Issue(
                    "phones",
                    f"shares the number {phone} with contact {contact_id}: "
                    "a possible duplicate to review after the import",
                    "phone_candidate",
                ),
            )
            return
    if earlier is not None:
        shared = next(p for p in phones if seen_in_file.get(p) is earlier)
        message = f"shares the number {shared} with row {earlier.row} of this file: a possible "
        warn(item, Issue("phones", message + "duplicate to review", "phone_candidate_in_file"))
