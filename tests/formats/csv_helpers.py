"""Build CSV bytes the way exporting programs write them, for the CSV tests."""

from __future__ import annotations

import csv
import io

from calkeep.formats.csv_dialects import read_csv
from calkeep.formats.detect import detect_format
from calkeep.formats.draft import ContactDraft, ParsedFile
from calkeep.formats.normalize import finish_row


def csv_bytes(
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\r\n",
    quote_all: bool = False,
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=delimiter,
        lineterminator=newline,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def read(data: bytes, mapping: dict[str, str] | None = None, region: str = "US") -> ParsedFile:
    """detect_format + read_csv + the normalizer, as read_contacts does for CSV."""
    parsed = read_csv(data, kind=detect_format(data), mapping=mapping)
    for row in parsed.rows:
        finish_row(row, region)
    return parsed


def only_draft(parsed: ParsedFile) -> ContactDraft:
    assert len(parsed.rows) == 1, parsed.rows
    draft = parsed.rows[0].draft
    assert draft is not None
    return draft
