"""Which kind of contact file is this: vCard, or which CSV layout.

`detect_format` looks at the first 64 KiB only, so it is cheap to call before reading.
Thunderbird's CSV export is read as generic_csv: its header set is in the synonym table, so
the suggested mapping is complete and needs no extra code (and "generic" keeps the mapping
step visible to the person importing, should they want to adjust it).
"""

from __future__ import annotations

import re

from calkeep.formats.csv_dialects import read_table
from calkeep.formats.csv_headers import layout_scores
from calkeep.formats.draft import UnreadableFile
from calkeep.formats.encoding import decode_bytes, refuse_unreadable

_HEAD_BYTES = 64 * 1024
_VCARD_START = re.compile(r"^\s*begin\s*:\s*vcard\b", re.IGNORECASE)


def detect_format(data: bytes) -> str:
    """One of "vcard", "google_csv", "outlook_csv", "icloud_csv", "generic_csv".
    Raises UnreadableFile for an empty, binary or undecodable file."""
    refuse_unreadable(data)
    text = _decode_head(data)
    if _VCARD_START.match(text):
        return "vcard"
    table = read_table(text)
    return csv_kind(table.headers)


def _decode_head(data: bytes) -> str:
    head = data[:_HEAD_BYTES]
    text = decode_bytes(head).text
    if len(data) > _HEAD_BYTES:
        # The cut may split a multi-byte character or a row; the header line is what counts.
        text = text[: max(text.rfind("\n"), 0)] or text
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise UnreadableFile("the file is empty", "empty_file")
    return text


def csv_kind(headers: list[str]) -> str:
    """The CSV layout the headers belong to."""
    scores = layout_scores(headers)
    if scores["google"] >= 2:
        return "google_csv"
    if scores["outlook"] >= 2:
        return "outlook_csv"
    if scores["apple"] >= 3 and scores["apple"] > scores["thunderbird"]:
        return "icloud_csv"
    return "generic_csv"
