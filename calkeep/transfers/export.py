"""Export: the contacts a member may see, as CSV or vCard bytes, streamed in chunks.

The export page and `calkeep export` call `export_contacts`. Contacts are read as plain
values (never model instances) in id order, a chunk at a time, so a 100k-contact export holds
one chunk in memory. The CSV header needs to know how many emails, phones, addresses and
urls the fullest contact has before the first row: one aggregate query over the JSON list
lengths answers that, in the same database snapshot as the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Func, IntegerField, Max, QuerySet
from django.db.models.functions import Coalesce

from calkeep.accounts.models import Membership
from calkeep.contacts.models import Contact
from calkeep.formats import csv_export
from calkeep.formats.csv_export import GroupCounts, write_csv
from calkeep.formats.draft import CONTACT_FIELDS
from calkeep.formats.vcard import write_vcards

FORMATS = ("csv", "vcard")
VCARD_VERSIONS = ("4.0", "3.0")
VCARD_CONTENT_TYPE = "text/vcard; charset=utf-8"
# Rows fetched per database round trip; also what bounds the memory an export holds.
FETCH_CHUNK = 2000
# Contacts per chunk handed to the response: few writes, and the first bytes leave at once.
CONTACTS_PER_CHUNK = 200
_LIST_FIELDS = ("emails", "phones", "addresses", "urls")


@dataclass(frozen=True)
class ExportFile:
    format: str
    version: str
    extension: str
    content_type: str

    def filename(self, day: date) -> str:
        return f"calkeep-contacts-{day.isoformat()}.{self.extension}"


def export_file(format: str, version: str = "4.0") -> ExportFile:
    """What a format and version export as. Raises ValueError for an unknown one."""
    if format == "csv":
        return ExportFile("csv", "", "csv", csv_export.CONTENT_TYPE)
    if format == "vcard":
        if version not in VCARD_VERSIONS:
            raise ValueError(f"vCard version must be 4.0 or 3.0, not {version!r}")
        return ExportFile("vcard", version, "vcf", VCARD_CONTENT_TYPE)
    raise ValueError(f"unknown export format {format!r}; choose csv or vcard")


def exported_contacts(membership: Membership) -> QuerySet[Contact]:
    """Exactly the contacts the member may see, in a stable order."""
    return Contact.objects.visible_to(membership).order_by("pk")


def count_exported(membership: Membership) -> int:
    return exported_contacts(membership).count()


def export_contacts(membership: Membership, format: str, version: str = "4.0") -> Iterator[bytes]:
    """The export file in chunks of bytes. The format is checked at once (ValueError); the
    database is read only as the chunks are consumed."""
    kind = export_file(format, version)
    if kind.format == "csv":
        return _csv_chunks(membership)
    return _vcard_chunks(membership, kind.version)


def _csv_chunks(membership: Membership) -> Iterator[bytes]:
    with _one_snapshot():
        contacts = exported_contacts(membership)
        counts = group_counts(contacts)
        yield from write_csv(contact_values(contacts), counts, CONTACTS_PER_CHUNK)


def _vcard_chunks(membership: Membership, version: str) -> Iterator[bytes]:
    cards: list[str] = []
    for card in write_vcards(contact_values(exported_contacts(membership)), version):
        cards.append(card)
        if len(cards) >= CONTACTS_PER_CHUNK:
            yield "".join(cards).encode("utf-8")
            cards.clear()
    if cards:
        yield "".join(cards).encode("utf-8")


def contact_values(contacts: QuerySet[Contact]) -> Iterator[dict[str, Any]]:
    """Each contact in the import contract's shape, with its stored display name (blank when
    derived; the writers show the derived one, and an import stores it as derived again)."""
    for values in contacts.values(*CONTACT_FIELDS).iterator(chunk_size=FETCH_CHUNK):
        values["birthday"] = values["birthday"] or None
        yield values


class JSONArrayLength(Func):
    """The length of a JSON list column, computed by the database."""

    function = "json_array_length"
    output_field = IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="jsonb_array_length", **extra)


def group_counts(contacts: QuerySet[Contact]) -> GroupCounts:
    """The most emails, phones, addresses and urls any one of the contacts has."""
    most = contacts.order_by().aggregate(
        **{name: Coalesce(Max(JSONArrayLength(name)), 0) for name in _LIST_FIELDS}
    )
    return GroupCounts(**most)


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """Run the counting query and the row query on one snapshot of the data, so a contact
    that gains an email in between cannot outgrow the header. SQLite transactions see one
    snapshot already; PostgreSQL needs REPEATABLE READ, which only the outermost
    transaction can set (inside a caller's transaction the caller decides)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield
