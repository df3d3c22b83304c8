"""The analysis' reading of a run's file, kept for the run's commit (and a second analysis).

Reading and normalizing a 10 MB file (CSV or vCard reader, ~95,000 phone numbers, email
and row checks) is about 3 s of work, the same each time for the same bytes and options:
the commit of an analysed run read it all again. The analysis now stores its ParsedFile
(formats/parsed_codec.py, ~4 MB compressed) and the commit takes it back in about half a
second. The plan is still made again inside the commit's transaction, against the contacts
as they are then: only the reading is reused, never a decision.

A reading is taken only when its key is the one computed again from what the commit has in
hand: the SHA-256 of the bytes it just loaded from the run, the format asked for, the
region, the mapping, the digest of calkeep's source (`code_fingerprint`), the codec's
layout and the versions of the libraries the readers call (phonenumbers' metadata decides
which numbers are valid). Anything else, or any doubt (a chunk missing, a row count that
does not add up, a chunk that does not decode), and the file is read again."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import sys
import zlib
from importlib import metadata

from django.db import transaction

from calkeep.formats.draft import ParsedFile, ParsedRow
from calkeep.formats.parsed_codec import (
    LAYOUT,
    RowDecoder,
    decode_header,
    encode,
    encode_header,
    rows_to_values,
)
from calkeep.formats.phones import known_national_numbers, remember_national_numbers
from calkeep.lib.memory import paused_gc
from calkeep.lib.progress import Progress
from calkeep.transfers.models import ImportReading, ImportReadingChunk, ImportRun
from calkeep.transfers.planning import code_fingerprint

CHUNK = 5000  # rows per stored chunk: ~370 kB compressed for the 10 MB CSV
_READ_BATCH = 4  # chunks per SELECT
_LEVEL = 1
_LIBRARIES = ("phonenumbers", "email-validator", "charset-normalizer")
logger = logging.getLogger(__name__)


@functools.cache
def _library_versions() -> str:
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return f"{sys.version}\n" + "\n".join(versions)


def reading_key(data: bytes, format: str, region: str, mapping: dict[str, str] | None) -> str:
    """What a reading of `data` with these options depends on, as one digest."""
    digest = hashlib.sha256()
    parts = (
        hashlib.sha256(data).hexdigest(), format, region,
        json.dumps(mapping, sort_keys=True), code_fingerprint(), LAYOUT, _library_versions(),
    )  # fmt: skip
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def store_reading(run: ImportRun, key: str, parsed: ParsedFile) -> ImportReading:
    """Write `parsed` as an incomplete reading of `run` (outside the caller's transaction
    is fine: nobody takes it before `complete_reading`). ~0.8 s for the 10 MB CSV."""
    reading = ImportReading.objects.create(
        run=run, key=key, header=encode_header(parsed), rows=len(parsed.rows)
    )
    rows = parsed.rows
    chunks = -(-len(rows) // CHUNK)
    with paused_gc():
        for first in range(0, chunks, _READ_BATCH):
            ImportReadingChunk.objects.bulk_create(
                ImportReadingChunk(
                    reading=reading, number=n, data=_pack(rows[n * CHUNK : (n + 1) * CHUNK])
                )
                for n in range(first, min(first + _READ_BATCH, chunks))
            )
    return reading


def _pack(rows: list[ParsedRow]) -> bytes:
    """The rows, and the national number of each of their valid phone numbers as parsing
    left it (formats/phones.py): the commit writes each number's search digits from it
    instead of parsing the number again (~0.4 s for the 10 MB CSV)."""
    numbers = (p.e164 for r in rows if r.draft is not None for p in r.draft.phones if p.e164)
    payload = {"rows": rows_to_values(rows), "national": known_national_numbers(numbers)}
    return zlib.compress(encode(payload).encode(), _LEVEL)


def _unpack(data: bytes, decoder: RowDecoder, national: dict[str, str]) -> list[ParsedRow]:
    """The chunk's rows; its national numbers go into `national`."""
    payload = json.loads(zlib.decompress(data))
    numbers = payload["national"]
    if not isinstance(numbers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in numbers.items()
    ):
        raise ValueError("national numbers that are not text")
    rows = decoder.rows(payload["rows"])
    national.update(numbers)
    return rows


def complete_reading(run: ImportRun, reading: ImportReading) -> None:
    """Inside the transaction that gives the run its analysis: this reading is the run's
    one, the others go."""
    assert transaction.get_connection().in_atomic_block
    ImportReading.objects.filter(pk=reading.pk).update(complete=True)
    ImportReading.objects.filter(run_id=run.pk).exclude(pk=reading.pk).delete()


def discard_readings(run: ImportRun) -> None:
    ImportReading.objects.filter(run_id=run.pk).delete()


def load_reading(run: ImportRun, key: str, progress: Progress | None = None) -> ParsedFile | None:
    """The run's complete reading with this key, or None (then the caller reads the file).
    `progress` hears the rows taken back ("reuse")."""
    reading = (
        ImportReading.objects.filter(run_id=run.pk, key=key, complete=True).order_by("-pk").first()
    )
    if reading is None:
        return None
    try:
        parsed = decode_header(reading.header)
        decoder = RowDecoder()
        national: dict[str, str] = {}
        numbers = ImportReadingChunk.objects.filter(reading=reading).order_by("number")
        ids = list(numbers.values_list("pk", flat=True))
        with paused_gc():
            for start in range(0, len(ids), _READ_BATCH):
                batch = ImportReadingChunk.objects.filter(pk__in=ids[start : start + _READ_BATCH])
                texts = dict(batch.values_list("number", "data"))
                for number in sorted(texts):
                    if number != len(parsed.rows) // CHUNK or len(parsed.rows) % CHUNK:
                        raise ValueError(f"chunk {number} is not where the rows are")
                    parsed.rows.extend(_unpack(bytes(texts.pop(number)), decoder, national))
                    if progress is not None:
                        progress("reuse", len(parsed.rows), reading.rows)
    except (ValueError, TypeError, KeyError, IndexError, zlib.error) as error:
        logger.warning("Reading %s of import %s is not usable: %s", reading.pk, run.pk, error)
        return None
    if len(parsed.rows) != reading.rows:
        logger.warning("Reading %s of import %s lacks rows", reading.pk, run.pk)
        return None
    remember_national_numbers(national)
    return parsed
