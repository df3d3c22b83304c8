"""A dry run's per-row preview, stored so that a page view reads only what it shows.

The items (PRODUCT.md's JSON plus line, changes and target_row) are kept in chunks of
CHUNK items, each a zlib-compressed JSON list in a row of its own (ImportPreviewChunk).
For each filter of the page the preview records how many items of each chunk it shows
(ImportPreview.counts), so page k of "error" is found by adding up counts and reads only the
chunks that hold its items: one or two for a filter that shows many rows, at most one chunk
per item shown (100 chunks of 100 items) for a filter whose items lie far apart. A whole
preview in one compressed piece meant decompressing and parsing it all (50 MB of JSON for a
10 MB file, 2-3 s) for every page view."""

from __future__ import annotations

import itertools
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from calkeep.lib.memory import paused_gc
from calkeep.lib.progress import Progress
from calkeep.transfers.models import ImportPreview, ImportPreviewChunk, ImportRun

CHUNK = 100
FILTERS = ("create", "update", "skip", "error", "warning")
_INSERT_BATCH = 50  # chunks per INSERT: about half a megabyte
_READ_BATCH = 50  # chunks per SELECT when reading them all
# Deflate level 1: 50 MB of JSON in 0.17 s; level 5 took 0.29 s for a fifth less (52337f2).
_LEVEL = 1


def shows(item: dict[str, Any], name: str) -> bool:
    """Whether the page's filter `name` ("" for all rows) shows this item."""
    if not name:
        return True
    if name == "warning":
        return bool(item["warnings"])
    return bool(item["outcome"] == name)


@dataclass
class PackedPreview:
    """A preview's chunks, compressed, and its per-filter counts, not stored yet
    (`pack_preview`): what a second process hands back (the commit packs its preview there
    while it writes the contacts)."""

    chunks: list[bytes]
    counts: dict[str, list[int]]
    items: int


def pack_preview(items: Iterable[dict[str, Any]]) -> PackedPreview:
    """Pure computation: the chunks `store_preview` would write for these items."""
    packed = PackedPreview([], {name: [] for name in FILTERS}, 0)
    for chunk in _packed_chunks(iter(items), packed):
        packed.chunks.append(chunk)
    return packed


def _packed_chunks(source: Iterator[dict[str, Any]], into: PackedPreview) -> Iterator[bytes]:
    """Each chunk of the items, compressed, as they come; `into` gets the counts."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    with paused_gc():
        while chunk := list(itertools.islice(source, CHUNK)):
            _count(chunk, into.counts)
            into.items += len(chunk)
            yield zlib.compress(encode(chunk).encode(), _LEVEL)


def store_preview(
    run: ImportRun,
    items: Iterable[dict[str, Any]] | PackedPreview,
    progress: Progress | None = None,
    total: int = 0,
) -> ImportPreview:
    """Write `items` as a new preview of `run` (the run does not point at it yet). Items are
    encoded and compressed a chunk at a time as they come, so a 10 MB file's 200 MB of
    item dicts are never all alive at once; `progress` hears how many of `total` are
    stored so far ("preview"). Items packed already (`pack_preview`) are only written."""
    preview = ImportPreview.objects.create(run=run)
    if isinstance(items, PackedPreview):
        packed, chunks = items, iter(items.chunks)
    else:
        packed = PackedPreview([], {name: [] for name in FILTERS}, 0)
        chunks = _packed_chunks(iter(items), packed)
    pending: list[ImportPreviewChunk] = []
    for number, data in enumerate(chunks):
        pending.append(ImportPreviewChunk(preview=preview, number=number, data=data))
        if len(pending) == _INSERT_BATCH:
            ImportPreviewChunk.objects.bulk_create(pending)
            pending = []
            if progress is not None:
                progress("preview", min((number + 1) * CHUNK, total), total)
    ImportPreviewChunk.objects.bulk_create(pending)
    preview.items, preview.counts = packed.items, packed.counts
    preview.save(update_fields=["items", "counts"])
    return preview


def _count(chunk: list[dict[str, Any]], counts: dict[str, list[int]]) -> None:
    """Append the chunk's number of items each filter shows (what `shows` says, in one pass)."""
    tally = dict.fromkeys(FILTERS, 0)
    for item in chunk:
        tally[item["outcome"]] += 1
        if item["warnings"]:
            tally["warning"] += 1
    for name, count in tally.items():
        counts[name].append(count)


def discard_other_previews(run: ImportRun) -> None:
    """Once the run points at its new preview, the ones it replaced go."""
    others = ImportPreview.objects.filter(run_id=run.pk)
    if run.preview_id is not None:
        others = others.exclude(pk=run.preview_id)
    others.delete()


class PreviewRows(Sequence[dict[str, Any]]):
    """The items one filter of a preview shows, as Django's Paginator wants them: `len()`
    from the counts, a slice from the chunks that hold it."""

    def __init__(self, preview: ImportPreview, name: str = "") -> None:
        self.preview = preview
        self.name = name if name in FILTERS else ""
        if self.name:
            self.per_chunk: list[int] = list(preview.counts.get(self.name, []))
        else:  # every item has one outcome: a chunk's items, whatever CHUNK was when stored
            outcomes = [preview.counts.get(name, []) for name in FILTERS if name != "warning"]
            self.per_chunk = [sum(counts) for counts in zip(*outcomes, strict=True)]

    def __len__(self) -> int:
        return sum(self.per_chunk)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return self._slice(index)
        found = self._slice(slice(index, index + 1 if index != -1 else None))
        if not found:
            raise IndexError("preview index out of range")
        return found[0]

    def _slice(self, index: slice) -> list[dict[str, Any]]:
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("a preview is read a page at a time, without steps")
        wanted = _chunks_holding(self.per_chunk, start, stop)
        found = _load_chunks(self.preview.pk, [number for number, _, _ in wanted])
        items: list[dict[str, Any]] = []
        for number, first, last in wanted:
            # A chunk missing is one of a preview replaced since this page began: the page
            # shows fewer rows, and the next view the new preview.
            chunk = [i for i in found.get(number, []) if shows(i, self.name)]
            items.extend(chunk[first:last])
        return items


def _chunks_holding(per_chunk: list[int], start: int, stop: int) -> list[tuple[int, int, int]]:
    """(chunk number, first, last) for the shown items start..stop-1: items first..last-1,
    counted among the chunk's shown items, of each chunk that holds some of them."""
    wanted = []
    before = 0  # shown items in the chunks before this one
    for number, count in enumerate(per_chunk):
        if before >= stop:
            break
        if count and before + count > start:
            wanted.append((number, max(start - before, 0), min(stop - before, count)))
        before += count
    return wanted


def _load_chunks(preview_id: int, numbers: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = ImportPreviewChunk.objects.filter(preview_id=preview_id, number__in=numbers)
    return {number: _items(data) for number, data in rows.values_list("number", "data")}


def _items(data: bytes | memoryview) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(zlib.decompress(data))
    return items


def iter_items(preview_id: int, names: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    """Every item of a preview in row order; with `names`, only the items one of these
    filters shows, read from the chunks that hold any."""
    preview = ImportPreview.objects.get(pk=preview_id)
    wanted = list(names)
    numbers = [
        number
        for number in range(len(PreviewRows(preview).per_chunk))
        if not wanted or any(preview.counts[name][number] for name in wanted)
    ]
    for start in range(0, len(numbers), _READ_BATCH):
        batch = numbers[start : start + _READ_BATCH]
        found = _load_chunks(preview_id, batch)
        for number in batch:
            for item in found.get(number, []):
                if not wanted or any(shows(item, name) for name in wanted):
                    yield item
