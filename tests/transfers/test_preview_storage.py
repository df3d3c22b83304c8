"""An import run's preview is stored gzip-compressed, written item by item."""

from __future__ import annotations

import gzip
import json

import pytest

from calkeep.accounts.models import Workspace
from calkeep.transfers import models
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


@pytest.mark.parametrize("size", [0, 1, 6, 7, 8, 14, 15, 50])
def test_a_run_loaded_without_its_file_reads_it_in_pieces(
    workspace: Workspace, size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models, "_FILE_CHUNK", 7)
    data = bytes(range(256))[:size]
    ImportRun.objects.create(
        workspace=workspace, filename="a.csv", size=size, sha256="", data=data, region="US"
    )
    deferred = ImportRun.objects.defer("data").get()
    assert deferred.stored_file() == data
    assert "data" in deferred.get_deferred_fields()  # not loaded whole on the way
    assert ImportRun.objects.get().stored_file() == data
