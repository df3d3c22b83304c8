"""An import is a row carrying its state, so the page can show progress and a crashed
worker can pick it up again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction

from calkeep.accounts.models import Workspace
from calkeep.contacts.models import Operation

_FILE_CHUNK = 1 << 20


@contextmanager
def _binary_cursor() -> Iterator[Any]:
    """A cursor of this thread's connection, inside its transaction. On PostgreSQL a
    psycopg cursor that sends parameters apart from the SQL, so `%b` passes bytes as they
    are and `binary=True` fetches them so (Django's binds them into the SQL text)."""
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


FORMAT_LABELS = {
    "google_csv": "Google Contacts CSV",
    "outlook_csv": "Outlook CSV",
    "icloud_csv": "iCloud CSV",
    "vcard": "vCard",
    "generic_csv": "CSV with mapped columns",
}


class ImportRun(models.Model):
    class Status(models.TextChoices):
        MAPPING = "mapping", "Choose the columns"
        ANALYZING = "analyzing", "Reading the file"
        PREVIEWED = "previewed", "Ready to import"
        QUEUED = "queued", "Waiting to import"
        RUNNING = "running", "Importing"
        COMMITTED = "committed", "Imported"
        FAILED = "failed", "Failed"
        UNDOING = "undoing", "Undoing"
        UNDONE = "undone", "Undone"

    class Strategy(models.TextChoices):
        SKIP = "skip", "Skip duplicates"
        MERGE = "merge", "Merge duplicates"
        OVERWRITE = "overwrite", "Overwrite duplicates"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The upload itself lives in the database so a worker on another machine can read it.
    data = models.BinaryField()
    format = models.CharField(max_length=20)
    requested_format = models.CharField(max_length=20, default="auto")
    encoding = models.CharField(max_length=40, blank=True)
    region = models.CharField(max_length=2)
    mapping = models.JSONField(default=dict, blank=True)
    strategy = models.CharField(max_length=10, choices=Strategy.choices, default=Strategy.SKIP)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ANALYZING)
    # What the worker is doing now, for the progress line ("Matching 63,338 rows…").
    phase = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    # The dry run's items (PRODUCT.md's JSON) as the page reads them (transfers/preview.py).
    preview = models.OneToOneField(
        "ImportPreview", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # ImportPlan.outcome_digest of the plan the stored preview shows: a commit whose plan
    # has the same digest keeps that preview instead of packing it again.
    preview_digest = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    operation = models.OneToOneField(
        Operation, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_run"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    undo_requested_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.filename})"

    def save_with_file(self) -> None:
        """`save()` for a new run with its upload in `data`. On PostgreSQL the file goes in
        a second statement as a binary parameter: Django binds parameters into the SQL text,
        where bytea is hex, and the strings made for a 10 MB file (~50 MB) stayed with the
        process (the analysis' peak went 30 MB higher than on SQLite)."""
        if connection.vendor != "postgresql" or not self.data or self.pk is not None:
            with transaction.atomic():  # a failure leaves a caller's transaction usable
                self.save()
            return
        data, self.data = self.data, b""
        try:
            with transaction.atomic():
                self.save()
                table, column, key = self._sql_names()
                with _binary_cursor() as cursor:
                    sql = f"UPDATE {table} SET {column} = %b WHERE {key} = %s"
                    cursor.execute(sql, [data, self.pk])
        except BaseException:
            self.pk, self._state.adding = None, True  # the INSERT was rolled back too
            raise
        finally:
            self.data = data

    def stored_file(self) -> bytes:
        """The upload. A run loaded without it (`defer("data")`, as the analysis and the
        commit load theirs) reads it a megabyte at a time (PostgreSQL: in binary, not as
        the hex text Django asks for, which held some 50 MB at once for 10 MB)."""
        if "data" not in self.get_deferred_fields():
            return bytes(self.data)
        table, column, key = self._sql_names()
        sql = f"SELECT substr({column}, %s, %s) FROM {table} WHERE {key} = %s"
        parts: list[bytes] = []
        with _binary_cursor() as cursor:
            while True:
                params = [1 + len(parts) * _FILE_CHUNK, _FILE_CHUNK, self.pk]
                if connection.vendor == "postgresql":
                    cursor.execute(sql, params, binary=True)
                else:
                    cursor.execute(sql, params)
                row = cursor.fetchone()
                if row is None:
                    raise ImportRun.DoesNotExist(f"import run {self.pk} is gone")
                parts.append(bytes(row[0] or b""))
                if len(parts[-1]) < _FILE_CHUNK:
                    return b"".join(parts)

    @staticmethod
    def _sql_names() -> tuple[str, str, str]:
        quote, meta = connection.ops.quote_name, ImportRun._meta
        return (
            quote(str(meta.db_table)),
            quote(str(ImportRun.data.field.column)),
            quote(str(meta.pk.column)),
        )

    def preview_items(self) -> list[dict[str, Any]]:
        """Every item of the stored preview, in row order (tests, small previews)."""
        from calkeep.transfers.preview import iter_items

        return list(iter_items(self.preview_id)) if self.preview_id else []

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, self.format)

    @property
    def is_active(self) -> bool:
        """The worker has (or is about to have) something to do for this run."""
        return self.status in (
            self.Status.ANALYZING,
            self.Status.QUEUED,
            self.Status.RUNNING,
            self.Status.UNDOING,
        )

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.PREVIEWED or (
            self.status == self.Status.FAILED and self.preview_id is not None
        )


class ImportPreview(models.Model):
    """One stored dry-run preview of a run: its items in chunks (ImportPreviewChunk) and, per
    filter of the page, how many items of each chunk the filter shows. A run points at its
    current preview; one being replaced is deleted once the run points at the new one."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="previews")
    items = models.PositiveIntegerField(default=0)
    # {"create": [items of chunk 0 that are creates, of chunk 1, …], "warning": […], …}
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Preview {self.pk} of import {self.run_id}"


class ImportPreviewChunk(models.Model):
    """Items number × PREVIEW_CHUNK onwards of a preview: a JSON list, zlib-compressed."""

    preview = models.ForeignKey(ImportPreview, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["preview", "number"], name="one_chunk_per_number")
        ]

    def __str__(self) -> str:
        return f"Chunk {self.number} of preview {self.preview_id}"


class ImportReading(models.Model):
    """What the analysis read from a run's file (its ParsedFile, formats/parsed_codec.py), so
    the commit can take it instead of reading and normalizing the file again. `key` says
    what the reading came from (transfers/readings.py: the file's bytes, the run's options,
    calkeep's code and the readers' libraries); only a complete reading whose key the
    commit computes again is taken. Chunks hold the rows (ImportReadingChunk)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="readings")
    key = models.CharField(max_length=64)
    header = models.TextField()  # the ParsedFile without its rows, as JSON
    rows = models.PositiveIntegerField(default=0)
    complete = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Reading {self.pk} of import {self.run_id}"


class ImportReadingChunk(models.Model):
    """Rows of a reading, encoded (formats/parsed_codec.py) and zlib-compressed."""

    reading = models.ForeignKey(ImportReading, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reading", "number"], name="one_reading_chunk")
        ]

    def __str__(self) -> str:
        return f"Chunk {self.number} of reading {self.reading_id}"


class ImportProgress(models.Model):
    """How far the worker got in a run's current step (transfers/progress.py writes and reads
    it). Keyed by the run's id with no foreign key: it is written from a connection of its
    own while the commit holds the run's row locked, and on SQLite it lives in a database
    file of its own."""

    run_id = models.BigIntegerField(primary_key=True)
    step = models.CharField(max_length=20)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Import {self.run_id}: {self.step} {self.done}/{self.total}"


class SavedMapping(models.Model):
    """A generic CSV's column mapping, remembered per workspace for the next file with the
    same headers (matched by `headers_signature`)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "signature"], name="one_mapping_per_layout"
            )
        ]

    def __str__(self) -> str:
        return f"Mapping {self.signature[:8]} in {self.workspace_id}"
