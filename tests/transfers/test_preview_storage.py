"""An import run's preview is stored in compressed chunks with per-filter counts, so a page
of any filter reads only the chunks that hold its rows; the upload is read in pieces."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from calkeep.accounts.models import Workspace
from calkeep.transfers import models, preview, views
from calkeep.transfers.models import ImportPreviewChunk, ImportRun
from calkeep.transfers.preview import FILTERS, PreviewRows, iter_items, shows, store_preview

# 23 items: outcome by row, a warning on every third; in chunks of 4 (monkeypatched), the
# filters' items straddle chunk boundaries and "error" leaves whole chunks out.
OUTCOMES = {2: "update", 5: "update", 6: "update", 11: "skip", 17: "error", 21: "error"}


def item(row: int) -> dict[str, Any]:
    return {
        "row": row, "outcome": OUTCOMES.get(row, "create"), "match": None,
        "contact": {"display_name": f"Zoë 😀 {row}", "tags": []},
        "warnings": [{"field": "", "message": "odd", "code": "x"}] if row % 3 == 0 else [],
        "errors": [{"field": "", "message": "bad", "code": "y"}] if row in (17, 21) else [],
    }  # fmt: skip


ITEMS = [item(row) for row in range(1, 24)]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """Chunks of 4 items; each list of chunk numbers a page view loaded."""
    monkeypatch.setattr(preview, "CHUNK", 4)
    loaded: list[list[int]] = []
    original = preview._load_chunks

    def spy(preview_id: int, numbers: list[int]) -> Any:
        loaded.append(sorted(numbers))
        return original(preview_id, numbers)

    monkeypatch.setattr(preview, "_load_chunks", spy)
    return loaded


@pytest.fixture
def run(workspace: Workspace, admin: User) -> ImportRun:
    return ImportRun.objects.create(
        workspace=workspace, created_by=admin, filename="a.csv", size=1, sha256="", data=b"x",
        region="US", status=ImportRun.Status.PREVIEWED,
    )  # fmt: skip


def stored(run: ImportRun, items: list[dict[str, Any]]) -> ImportRun:
    run.preview = store_preview(run, iter(items))
    run.save(update_fields=["preview"])
    return run


def test_a_stored_preview_reads_back_in_row_order(
    run: ImportRun, small_chunks: list[list[int]]
) -> None:
    stored(run, ITEMS)
    assert run.preview_items() == ITEMS
    assert ImportPreviewChunk.objects.filter(preview=run.preview).count() == 6  # 4 × 5 + 3
    assert run.preview is not None and run.preview.items == 23
    for name in FILTERS:
        per_chunk = [
            sum(1 for i in ITEMS[start : start + 4] if shows(i, name)) for start in range(0, 23, 4)
        ]
        assert run.preview.counts[name] == per_chunk


@pytest.mark.parametrize("name", ["", *FILTERS])
@pytest.mark.parametrize("per_page", [1, 3, 5, 100])
def test_every_page_of_every_filter_shows_its_rows_across_chunk_boundaries(
    run: ImportRun, small_chunks: list[list[int]], name: str, per_page: int
) -> None:
    stored(run, ITEMS)
    assert run.preview is not None
    expected = [i for i in ITEMS if shows(i, name)]
    paginator = Paginator(PreviewRows(run.preview, name), per_page)
    assert paginator.count == len(expected)
    shown = []
    for number in paginator.page_range:
        small_chunks.clear()
        page = list(paginator.page(number))
        assert page == expected[(number - 1) * per_page : number * per_page]
        # Only the chunks that hold the page's rows were read.
        assert small_chunks == [sorted({ITEMS.index(i) // 4 for i in page})]
        shown += page
    assert shown == expected


def test_a_preview_reads_back_after_the_chunk_size_changed(
    run: ImportRun, small_chunks: list[list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    stored(run, ITEMS)  # in chunks of 4
    monkeypatch.setattr(preview, "CHUNK", 7)
    assert run.preview is not None
    assert Paginator(PreviewRows(run.preview), 5).page(5).object_list == ITEMS[20:]
    assert run.preview_items() == ITEMS


def test_an_empty_preview_has_one_empty_page(run: ImportRun) -> None:
    stored(run, [])
    assert run.preview is not None
    page = Paginator(PreviewRows(run.preview, "error"), 100).get_page(1)
    assert list(page) == [] and page.paginator.num_pages == 1
    assert run.preview_items() == []


def test_the_problems_are_read_from_the_chunks_that_hold_some(
    run: ImportRun, small_chunks: list[list[int]]
) -> None:
    stored(run, ITEMS)
    assert run.preview_id is not None
    problems = list(iter_items(run.preview_id, ("error", "warning")))
    assert problems == [i for i in ITEMS if i["warnings"] or i["errors"]]
    assert small_chunks == [[0, 1, 2, 3, 4, 5]]  # every chunk has a row with a warning
    small_chunks.clear()
    assert [i["row"] for i in iter_items(run.preview_id, ("error",))] == [17, 21]
    assert small_chunks == [[4, 5]]


def test_the_detail_page_pages_a_filter_across_chunks(
    run: ImportRun, admin_client: Client, small_chunks: list[list[int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(views, "PREVIEW_PAGE", 2)
    stored(run, ITEMS)
    url = reverse("transfers:detail", kwargs={"ws": "acme", "run_id": run.pk})
    pages = {}
    for number in (1, 2, 3):
        small_chunks.clear()
        page = admin_client.get(url, {"show": "warning", "page": number}).content.decode()
        pages[number] = [row for row in range(1, 24) if f'data-row="{row}"' in page]
        assert f"Page {number} of 4" in page
    assert pages == {1: [3, 6], 2: [9, 12], 3: [15, 18]}
    assert small_chunks == [[3, 4]]  # page 3: rows 15 and 18
    page = admin_client.get(url, {"show": "error", "page": 9}).content.decode()
    assert 'data-row="17"' in page and 'data-row="21"' in page  # past the end: the last page
    unknown = admin_client.get(url, {"show": "nonsense"}).content.decode()
    assert 'data-row="1"' in unknown and 'data-row="2"' in unknown  # all rows


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


@pytest.mark.parametrize("size", [0, 1, 256, 3 * 256 + 5])
def test_a_new_run_keeps_its_file_byte_for_byte(
    workspace: Workspace, size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """save_with_file: on PostgreSQL the file is written apart, as a binary parameter;
    every byte value (NUL, quotes, backslashes, invalid UTF-8) comes back as it was, and a
    run that fails to save leaves nothing."""
    monkeypatch.setattr(models, "_FILE_CHUNK", 100)
    data = (bytes(range(256)) * 4)[:size]
    run = ImportRun(workspace=workspace, filename="a.csv", size=size, sha256="", data=data)
    run.save_with_file()
    assert run.pk is not None and run.data == data
    assert ImportRun.objects.defer("data").get(pk=run.pk).stored_file() == data
    assert bytes(ImportRun.objects.get(pk=run.pk).data) == data
    broken = ImportRun(workspace=workspace, filename="b.csv", size=1, sha256="", data=b"x")
    broken.workspace_id = None  # type: ignore[assignment]  # the INSERT fails
    with pytest.raises(DatabaseError):
        broken.save_with_file()
    assert ImportRun.objects.count() == 1
    assert broken.data == b"x" and broken.pk is None  # as it was, ready to save again
    broken.workspace = workspace
    broken.save_with_file()
    assert ImportRun.objects.defer("data").get(pk=broken.pk).stored_file() == b"x"


def test_a_preview_packed_apart_is_stored_as_the_streamed_one(
    run: ImportRun, small_chunks: list[list[int]]
) -> None:
    """The commit packs its preview in a second process (preview.pack_preview) and stores
    what comes back: the same chunks, counts and items as packing while storing."""
    streamed = store_preview(run, iter(ITEMS))
    packed = preview.pack_preview(iter(ITEMS))
    assert packed.items == 23 and len(packed.chunks) == 6
    apart = store_preview(run, packed)
    assert (apart.items, apart.counts) == (streamed.items, streamed.counts)

    def chunks(preview_id: int) -> list[tuple[int, bytes]]:
        rows = ImportPreviewChunk.objects.filter(preview_id=preview_id).order_by("number")
        return [(c.number, bytes(c.data)) for c in rows]

    assert chunks(apart.pk) == chunks(streamed.pk)
    assert list(iter_items(apart.pk)) == ITEMS
