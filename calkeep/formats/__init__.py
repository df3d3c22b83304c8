"""Pure codecs: bytes -> contact drafts with row problems, and contacts -> bytes.

Nothing here imports Django models or touches the network; `read_contacts` is what the
import page, `calkeep import` and the tests all call."""

from __future__ import annotations

from calkeep.formats.draft import ParsedFile, UnreadableFile
from calkeep.formats.normalize import EarlyNumbers, finish_rows
from calkeep.lib.progress import Progress

FORMATS = ("google_csv", "outlook_csv", "icloud_csv", "vcard", "generic_csv")


def read_contacts(
    data: bytes,
    *,
    format: str = "auto",
    region: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ParsedFile:
    """Read a contact file. Raises UnreadableFile with a message for a person when the file
    as a whole cannot be read; problems of single rows come back on the rows. `progress`
    hears steps "read" (lines of the file), "phones" (numbers) and "check" (rows)."""
    from calkeep.formats.csv_dialects import read_csv
    from calkeep.formats.detect import detect_format
    from calkeep.formats.vcard import parse_vcard

    if format not in ("auto", *FORMATS):
        raise UnreadableFile(f"unknown format {format!r}; choose one of auto, {', '.join(FORMATS)}")
    kind = detect_format(data) if format == "auto" else format
    early = EarlyNumbers(region)  # a child may start on the numbers while the file is read
    try:
        if kind == "vcard":
            parsed = parse_vcard(data, progress, early)
        else:
            parsed = read_csv(data, kind=kind, mapping=mapping, progress=progress, early=early)
        finish_rows(parsed.rows, region, progress, early)
    finally:
        early.cancel()
    return parsed


__all__ = ["FORMATS", "ParsedFile", "UnreadableFile", "read_contacts"]
