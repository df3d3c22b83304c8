"""Migration 0004 splits the previews stored whole (preview_gz) into chunks, and joins them
again when it is reversed."""

from __future__ import annotations

import gzip
import json
from typing import Any

from calkeep.accounts.models import Workspace
from calkeep.transfers.models import ImportPreviewChunk, ImportRun
from tests.migration_helpers import latest, migrate

BEFORE = [("transfers", "0003_import_run_preview_digest")]
SPLIT = [("transfers", "0004_import_preview_chunks")]


def test_a_preview_stored_whole_is_split_into_chunks_and_back(
    transactional_db: Any, workspace: Workspace
) -> None:
    items = [
        {"row": row, "outcome": "error" if row == 150 else "create", "contact": {"n": "Zoë"},
         "warnings": [{"field": "", "message": "w", "code": ""}] if row > 240 else [],
         "errors": []}
        for row in range(1, 251)
    ]  # fmt: skip
    packed = gzip.compress(json.dumps(items, ensure_ascii=False).encode())
    try:
        old = migrate(BEFORE).get_model("transfers", "ImportRun")
        fields = {"workspace_id": workspace.pk, "size": 1, "sha256": "", "data": b"x"}
        whole = old.objects.create(filename="a.csv", preview_gz=packed, **fields).pk
        none = old.objects.create(filename="b.csv", preview_gz=None, **fields).pk
        migrate(latest("transfers"))

        run = ImportRun.objects.get(pk=whole)
        assert run.preview is not None and run.preview_items() == items
        assert run.preview.items == 250
        assert run.preview.counts["error"] == [0, 1, 0]
        assert run.preview.counts["warning"] == [0, 0, 10]
        assert ImportPreviewChunk.objects.filter(preview=run.preview).count() == 3
        assert ImportRun.objects.get(pk=none).preview is None

        old = migrate(BEFORE).get_model("transfers", "ImportRun")
        back = old.objects.get(pk=whole).preview_gz
        assert json.loads(gzip.decompress(bytes(back))) == items
        assert old.objects.get(pk=none).preview_gz is None
    finally:
        migrate(latest("transfers"))
