"""An import is a row carrying its state, so the page can show progress and a crashed
worker can pick it up again."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, models

from calkeep.accounts.models import Workspace
from calkeep.contacts.models import Operation
from calkeep.lib.memory import paused_gc

_FILE_CHUNK = 1 << 20
_PREVIEW_BATCH = 1 << 18  # characters of JSON compressed at a time
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
    # The dry run's items (PRODUCT.md's JSON), gzip-compressed: tens of thousands of rows.
    preview_gz = models.BinaryField(null=True, blank=True)
    # ImportPlan.outcome_digest of the plan the stored preview shows: a commit whose plan
    # has the same digest keeps that preview instead of packing it again.
    preview_digest = models.CharField(max_length=64, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
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

    def set_preview(self, items: Iterable[dict[str, Any]]) -> None:
        """`json.dumps(list(items), ensure_ascii=False)`, gzip-compressed, built a batch of
        items at a time: a 10 MB file's preview is 200 MB of dicts and a 50 MB JSON text if
        made in one piece. Level 1: 0.17 s instead of 0.29 s (level 5) for those 50 MB,
        and 5.9 MB stored instead of 4.7."""
        packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: the gzip format
        encode = json.JSONEncoder(ensure_ascii=False).encode
        parts = []
        batch = ["["]
        size = 0
        with paused_gc():
            for index, item in enumerate(items):
                text = encode(item)
                batch.append(text if index == 0 else ", " + text)
                size += len(text)
                if size >= _PREVIEW_BATCH:
                    parts.append(packer.compress("".join(batch).encode()))
                    batch, size = [], 0
        batch.append("]")
        parts.append(packer.compress("".join(batch).encode()))
        parts.append(packer.flush())
        self.preview_gz = b"".join(parts)

    def stored_file(self) -> bytes:
        """The upload. A run loaded without it (`defer("data")`, as the analysis and the
        commit load theirs) reads it a megabyte at a time: PostgreSQL sends bytea as hex
        text, so reading 10 MB in one piece held some 50 MB at once."""
        if "data" not in self.get_deferred_fields():
            return bytes(self.data)
        quote, meta = connection.ops.quote_name, self._meta
        column = quote(str(ImportRun.data.field.column))
        key = quote(str(meta.pk.column))
        sql = f"SELECT substr({column}, %s, %s) FROM {quote(meta.db_table)} WHERE {key} = %s"
        parts: list[bytes] = []
        with connection.cursor() as cursor:
            while True:
                cursor.execute(sql, [1 + len(parts) * _FILE_CHUNK, _FILE_CHUNK, self.pk])
                row = cursor.fetchone()
                if row is None:
                    raise ImportRun.DoesNotExist(f"import run {self.pk} is gone")
                parts.append(bytes(row[0] or b""))
                if len(parts[-1]) < _FILE_CHUNK:
                    return b"".join(parts)

    def preview_items(self) -> list[dict[str, Any]]:
        if not self.preview_gz:
            return []
        return json.loads(gzip.decompress(bytes(self.preview_gz)))

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
            self.status == self.Status.FAILED and self.preview_gz is not None
        )


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
