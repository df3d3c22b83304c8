"""CSV contact files -> ParsedFile: Google (legacy and 2023+ layouts), Outlook (any of its
languages), Apple Contacts, Thunderbird and any other spreadsheet through a column mapping.

Every kind goes the same way: decode (encoding.py), find the delimiter, split records with
the csv module, map each header to a field key (csv_headers.py, csv_mapping.py), build a
column plan once and apply it to every row (csv_rows.py). The kind only changes details:
Google's ` ::: ` lists, `* ` markers and system groups, and which date order a layout uses.

`row` counts data rows from 1 (the header and blank rows are not counted); `line` is the
physical line (counting LF line breaks) where the row starts, for "row 12 (line 14)".
"""

from __future__ import annotations

import csv
import io
import itertools
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from calkeep.formats.csv_headers import fold_header
from calkeep.formats.csv_mapping import (
    has_contact_evidence,
    looks_like_email,
    looks_like_phone,
    shown_columns,
    suggest_mapping,
    unique_headers,
    validate_mapping,
)
from calkeep.formats.csv_rows import (
    ColumnPlan,
    build_draft,
    build_plan,
    day_order_evidence,
    is_ambiguous_date,
    may_hold_guarded_cells,
)
from calkeep.formats.draft import Issue, ParsedFile, ParsedRow, UnreadableFile
from calkeep.formats.encoding import decode_bytes, refuse_unreadable
from calkeep.lib.dates import parse_birthday
from calkeep.lib.memory import paused_gc
from calkeep.lib.progress import EVERY, Progress

if TYPE_CHECKING:
    from calkeep.formats.normalize import EarlyNumbers

CSV_KINDS = ("google_csv", "outlook_csv", "icloud_csv", "generic_csv")
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 30
_SAMPLE_ROWS = 50
_LONG_RECORD_LINES = 200
_PREAMBLE_RECORDS = 10
# Far beyond any real export (Outlook writes 92 columns, Google about 90), low enough that
# mapping every header stays well under a second.
MAX_COLUMNS = 250_000


Record = tuple[int, list[str]]  # (physical line where the record starts, cells)


@dataclass
class CsvTable:
    """A header and its records, blank records left out. The records stream: a 10 MB file's
    rows are never all held as cell lists at once."""

    delimiter: str
    headers: list[str]
    sample: list[Record]  # the first records, for mapping suggestions
    rest: Iterator[Record]
    notices: list[str] = field(default_factory=list)
    header_line: int = 1

    def records(self) -> Iterator[Record]:
        """Every record, once."""
        return itertools.chain(self.sample, self.rest)


def read_csv(
    data: bytes,
    *,
    kind: str,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
    early: EarlyNumbers | None = None,
) -> ParsedFile:
    """Read a CSV contact file of `kind`. `mapping` ({column: field key}) overrides the
    mapping the headers suggest. Raises UnreadableFile when the file as a whole is unusable.
    `early` is offered the rows as they are read (normalize.EarlyNumbers)."""
    if kind not in CSV_KINDS:
        raise UnreadableFile(f"unknown CSV kind {kind!r}; choose one of {', '.join(CSV_KINDS)}")
    refuse_unreadable(data)
    with paused_gc():
        return _read_csv(data, kind, mapping, progress, early)


def _read_csv(
    data: bytes,
    kind: str,
    mapping: dict[str, str] | None,
    progress: Progress | None,
    early: EarlyNumbers | None,
) -> ParsedFile:
    decoded = decode_bytes(data)
    if decoded.text.lstrip("\ufeff \t\r\n")[:11].upper() == "BEGIN:VCARD":
        raise UnreadableFile(
            "this is a vCard file, not a CSV file: import it as vCard (or let the format be "
            "detected)",
            "wrong_format",
        )
    table = read_table(decoded.text)
    if header_is_data(table.headers):
        table = _without_header(table)
    if mapping is not None:
        applied = validate_mapping(mapping, table.headers)
    else:
        applied = suggest_mapping(table.headers, [cells for _, cells in table.sample], kind)
        if not has_contact_evidence(applied):
            table, applied = _header_after_preamble(table, kind) or (table, applied)
    columns = unique_headers(table.headers)
    if not has_contact_evidence(applied):
        raise UnreadableFile(_not_contacts_message(columns, mapping is not None), "not_contacts")
    plan = build_plan(columns, applied, kind)
    plan.day_first = _default_day_first(kind, table.headers)
    plan.guarded = may_hold_guarded_cells(decoded.text)
    notices = table.notices  # the record stream adds to it while rows are read
    if decoded.replaced:
        notices.append(
            f"{decoded.replaced} byte(s) could not be read as {decoded.encoding} and were "
            "replaced with �"
        )
    counted = progress is not None or early is not None
    lines = decoded.text.count("\n") + 1 if counted else 0
    rows = _read_rows(table, plan, notices, progress, lines, early)
    return ParsedFile(kind, decoded.encoding, rows, notices, columns, applied, table.delimiter)


def header_is_data(headers: list[str]) -> bool:
    """A list of addresses exported without a header row: its first row holds an email
    address or a phone number where column names should be."""
    return any(looks_like_email(h) or looks_like_phone(h) for h in headers[:200])


def _without_header(table: CsvTable) -> CsvTable:
    names = [f"Column {i}" for i in range(1, len(table.headers) + 1)]
    table.notices.append(
        "the first row holds contact data, not column names: it was imported as a contact, "
        "and the columns are called Column 1, Column 2, …"
    )
    sample = [(table.header_line, table.headers), *table.sample]
    return CsvTable(table.delimiter, names, sample, table.rest, table.notices)


def _header_after_preamble(table: CsvTable, kind: str) -> tuple[CsvTable, dict[str, str]] | None:
    """Some exports put a note above the column names (LinkedIn's `Notes:` paragraph):
    look for the header among the first few records."""
    for position, (line, cells) in enumerate(table.sample[:_PREAMBLE_RECORDS]):
        if len(cells) < 2:
            continue
        rest = table.sample[position + 1 :]
        mapping = suggest_mapping(cells, [c for _, c in rest], kind)
        if has_contact_evidence(mapping):
            headers = [h.strip().lstrip("\ufeff") for h in cells]
            table.notices.append(
                f"the {line - table.header_line} line(s) above the column names on line "
                f"{line} were skipped"
            )
            return CsvTable(
                table.delimiter, headers, rest, table.rest, table.notices, line
            ), mapping
    return None


def _read_rows(
    table: CsvTable,
    plan: ColumnPlan,
    notices: list[str],
    progress: Progress | None,
    lines: int,
    early: EarlyNumbers | None = None,
) -> list[ParsedRow]:
    """The file's records as rows; `progress` hears the line reached ("read") out of `lines`,
    and `early` is offered the rows read so far."""
    width = len(table.headers)
    rows: list[ParsedRow] = []
    short: list[int] = []
    for number, (line, cells) in enumerate(table.records(), start=1):
        draft, warnings = build_draft(cells, plan)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            warnings.append(
                Issue(
                    "",
                    f"row {number} (line {line}) has {len(cells)} cells but the header has "
                    f"{width}; the cells after column {width} were not imported",
                    "extra_cells",
                )
            )
        elif len(cells) < width:
            short.append(number)
        rows.append(ParsedRow(number, draft, line, warnings))
        if number % EVERY == 0:
            if progress is not None:
                progress("read", line, lines)
            if early is not None:
                early.offer(rows, line, lines)
    if short:
        shown = ", ".join(str(n) for n in short[:10]) + (", …" if len(short) > 10 else "")
        notices.append(
            f"{len(short)} row(s) have fewer cells than the header's {width} (rows {shown}); "
            "the missing cells were read as empty"
        )
    if plan.birthdays:
        _parse_birthdays(rows, plan.day_first, notices)
    return rows


def _parse_birthdays(rows: list[ParsedRow], default_day_first: bool, notices: list[str]) -> None:
    """Rows carry the birthday as written until the whole column is known: one `25/12/1990`
    anywhere in the file settles whether `03/04/1990` is March or April."""
    written = [(row, row.draft.birthday) for row in rows if row.draft and row.draft.birthday]
    evidence = day_order_evidence([text for _, text in written])
    day_first = default_day_first if evidence is None else evidence
    ambiguous = [row.row for row, text in written if is_ambiguous_date(text)]
    if evidence is None and ambiguous:
        order = "day/month/year" if day_first else "month/day/year"
        notices.append(
            f"{len(ambiguous)} birthday(s) such as row {ambiguous[0]}'s could be read day first "
            f"or month first and no date in the file settles it; they were read as {order}"
        )
    for row, text in written:
        assert row.draft is not None
        value, warning = parse_birthday(text, day_first=day_first)
        row.draft.birthday = value
        if warning:
            row.warnings.append(Issue("birthday", warning, "birthday_unreadable"))


def _default_day_first(kind: str, headers: list[str]) -> bool:
    """Outlook writes dates in the exporting PC's locale: month first in an English export."""
    english = any(fold_header(h) in ("firstname", "lastname", "birthday") for h in headers[:200])
    return not (kind == "outlook_csv" and english)


def _not_contacts_message(columns: list[str], mapped_by_hand: bool) -> str:
    shown = shown_columns(columns)
    if mapped_by_hand:
        return (
            f"the column mapping assigns none of the columns ({shown}) to a name, "
            "organization, email or phone, so no contact could be read"
        )
    return (
        f"this file does not look like a contact list: its columns are {shown}, and none "
        "of them looks like a name, an email address or a phone number. Check that you "
        "chose the right file, or map the columns by hand"
    )


def read_table(text: str) -> CsvTable:
    """Split decoded text into a header and records. Raises UnreadableFile when empty."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise UnreadableFile("the file is empty", "empty_file")
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # classic Mac OS line ends
    hinted, text = _excel_separator_hint(text)
    delimiter = hinted or detect_delimiter(text)
    _allow_long_fields(len(text))
    notices: list[str] = []
    records = _records(text, delimiter, notices)
    header_line, headers = next(records, (0, []))
    if not headers:
        raise UnreadableFile("the file holds no rows", "empty_file")
    if len(headers) > MAX_COLUMNS:
        raise UnreadableFile(
            f"the first row has {len(headers):,} columns; a contact export has at most a few "
            "hundred, so this is not a contact list (or its columns are not separated by "
            "commas, semicolons or tabs)",
            "too_many_columns",
        )
    sample = list(itertools.islice(records, _SAMPLE_ROWS))
    table = CsvTable(
        delimiter,
        [h.strip().lstrip("\ufeff") for h in headers],
        sample,
        records,
        notices,
        header_line,
    )
    blank = header_line - 1 - (1 if hinted else 0)
    if blank > 0:
        table.notices.append(f"the first {blank} line(s) were blank and skipped")
    return table


def _excel_separator_hint(text: str) -> tuple[str | None, str]:
    """Excel's `sep=;` first line names the delimiter and is not the header. It is blanked
    rather than cut, so line numbers still match the file."""
    first, newline, rest = text.partition("\n")
    hint = first.strip()
    if hint.lower().startswith("sep=") and len(hint) == 5:
        return hint[4], newline + rest
    return None, text


def _allow_long_fields(length: int) -> None:
    # A whole 10 MB file can be one quoted cell; the csv module refuses fields over 128 KiB.
    if csv.field_size_limit() < length + 1:
        csv.field_size_limit(min(sys.maxsize, max(length + 1, 1 << 24)))


class _LineCounter:
    """Feeds the csv module line by line and counts LF line breaks, so a row's physical line
    is known. A bare CR (inside a quoted Thunderbird cell) is not counted as a line."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.breaks = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        if line[-1:] == "\n":
            self.breaks += 1
        return line


def _records(text: str, delimiter: str, notices: list[str]) -> Iterator[Record]:
    """(line, cells) of each non-blank record. A record that runs over many lines almost
    always means a quote that is never closed: the rest of the file became one cell."""
    if text.count("\r") == text.count("\r\n"):
        lines: Iterator[str] = io.StringIO(text, newline="")
        counter = None
    else:
        counter = _LineCounter(text)
        lines = counter
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        # Without bare CRs every line the csv module reads ends in one LF, and its own
        # line count is the physical one (the faster path).
        start = (counter.breaks if counter else reader.line_num) + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            continue  # the csv module has already moved past the broken line
        end = counter.breaks if counter else reader.line_num
        if end - start > _LONG_RECORD_LINES:
            notices.append(
                f"the record starting on line {start} runs over {end - start + 1:,} lines: a "
                'quote (") in it is probably never closed, so the lines after it were read '
                "as part of one cell"
            )
        if "".join(cells).strip():  # blank rows (`,,,`) are skipped
            yield start, cells


def detect_delimiter(text: str) -> str:
    """`,`, `;`, tab or `|`: the one that splits the header into the most columns while the
    next rows agree with it. Quotes are respected (a tab inside a quoted cell is data), which
    csv.Sniffer gets wrong on real exports."""
    sample = _sample(text)
    best, best_score = ",", 0.0
    for delimiter in DELIMITERS:
        score = _delimiter_score(sample, delimiter)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _sample(text: str) -> str:
    if len(text) <= _SNIFF_CHARS:
        return text
    cut = text.rfind("\n", 0, _SNIFF_CHARS)
    return text[: cut + 1] if cut > 0 else text[:_SNIFF_CHARS]


def _delimiter_score(sample: str, delimiter: str) -> float:
    rows: list[list[str]] = []
    try:
        for cells in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in cells):
                rows.append(cells)
            if len(rows) > _SNIFF_RECORDS:
                break
    except csv.Error:
        return 0.0
    if not rows or len(rows[0]) < 2:
        return 0.0
    width = len(rows[0])
    if len(rows) == 1:
        return float(width)
    agreement = sum(min(len(r), width) / max(len(r), width) for r in rows[1:]) / (len(rows) - 1)
    return width * agreement
