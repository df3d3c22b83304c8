"""An import run's preview is stored gzip-compressed, written item by item."""

from __future__ import annotations

import gzip
import json

from calkeep.transfers.models import ImportRun


def test_streamed_preview_reads_back_as_the_list_it_was_given() -> None:
    items = [{"row": i, "contact": {"given_name": "Zoë 😀", "tags": []}} for i in range(3)]
    run = ImportRun()
    run.set_preview(iter(items))
    assert run.preview_items() == items
    assert (
        gzip.decompress(bytes(run.preview_gz or b""))
        == json.dumps(items, ensure_ascii=False).encode()
    )
    run.set_preview(iter([]))
    assert run.preview_items() == []
