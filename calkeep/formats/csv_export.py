"""Contacts -> CSV: UTF-8 with a BOM, CRLF line ends, one header row, one contact per row.

The layout is Google Contacts' 2023+ export plus its legacy `Name` column, so Google Contacts
imports it and our own reader (csv_dialects, which detects it as `google_csv`) reads every
field back unchanged. Each contact is a dict in the import contract's shape (PRODUCT.md).

Column order (stable; N counts from 1, numbered groups are sized to the data, see
`GroupCounts`, and there is always at least one group of each kind):

  Name, Name Prefix, First Name, Middle Name, Last Name, Name Suffix,
  Organization Name, Organization Department, Organization Title, Birthday, Notes, Labels,
  E-mail N - Label, E-mail N - Value                                 (for N in 1..emails)
  Phone N - Label, Phone N - Value, Phone N - Extension              (for N in 1..phones)
  Address N - Label, Address N - Street, Address N - Extended Address, Address N - City,
  Address N - Region, Address N - Postal Code, Address N - Country   (for N in 1..addresses)
  Website N - Value                                                  (for N in 1..urls)

Values:
- `Name` is the name the contact shows: its display name, else the one derived from its
  names (an import stores a Name equal to the derived one as derived again).
- `Birthday` is `YYYY-MM-DD`, or `--MM-DD` without a year (Google's own spelling).
- `Labels` holds the tags separated by ` ::: `; a tag that starts with `*` is written
  `* *tag`, since Google's readers take a leading `* ` for a system-group mark.
- Labels of emails, phones and addresses: Google's words for the standard ones (`Work`,
  `Home`, `Other`, `Mobile`; a phone's `business` is `Work`), custom labels as stored. The
  primary email's label starts with `* ` (Google's mark). A phone or address label that
  starts with `*` is written behind `* ` for the same reason as tags.
- `Phone N - Value` is the number as written. When the number does not show its extension
  (or ends in our own ` ext. 45` spelling), ` ext. <extension>` is appended for programs that
  only read the value; `Phone N - Extension` holds the extension, and our reader takes it
  from there and removes exactly that appended text.
- Formula injection: a cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage
  return (after any leading apostrophes) gets one `'` in front, so Excel shows text instead of
  running a formula. `csv_rows.cell_value` removes exactly that apostrophe on import.

What this layout cannot say (read back differently by our import, and by Google's):
a value holding ` ::: ` (Google's separator inside a cell); a custom label that only differs
from a standard one by case or is its synonym (`Work`, `Cell`, `Business`), which reads back
as the standard label; a non-primary email label that starts with `*`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from calkeep.formats.draft import shown_name
from calkeep.formats.phones import EXTENSION_SEPARATOR, shows_extension

BOM = "\ufeff"
LINE_END = "\r\n"
CONTENT_TYPE = "text/csv; charset=utf-8"
# Rows are written to the stream in chunks of this many: large enough that a 100k-contact
# export is a few hundred writes, small enough that the first bytes leave at once.
ROWS_PER_CHUNK = 500

FIXED_COLUMNS = (
    ("Name", "display_name"),
    ("Name Prefix", "prefix"),
    ("First Name", "given_name"),
    ("Middle Name", "middle_name"),
    ("Last Name", "family_name"),
    ("Name Suffix", "suffix"),
    ("Organization Name", "organization"),
    ("Organization Department", "department"),
    ("Organization Title", "title"),
    ("Birthday", "birthday"),
    ("Notes", "notes"),
    ("Labels", "tags"),
)
ADDRESS_COLUMNS = (
    ("Street", "street"),
    ("Extended Address", "extended"),
    ("City", "city"),
    ("Region", "region"),
    ("Postal Code", "postcode"),
    ("Country", "country"),
)
TAG_SEPARATOR = " ::: "
PRIMARY_MARK = "* "
_FORMULA_STARTS = frozenset("=+-@\t\r")
_EMAIL_WORDS = {"work": "Work", "home": "Home", "other": "Other"}
_PHONE_WORDS = {"business": "Work", "mobile": "Mobile", "home": "Home", "other": "Other"}
_ADDRESS_WORDS = _EMAIL_WORDS


@dataclass(frozen=True)
class GroupCounts:
    """How many numbered column groups of each kind the header has: the most any one
    contact of the export needs, at least one."""

    emails: int = 1
    phones: int = 1
    addresses: int = 1
    urls: int = 1

    def __post_init__(self) -> None:
        for name in ("emails", "phones", "addresses", "urls"):
            object.__setattr__(self, name, max(1, int(getattr(self, name) or 0)))

    @classmethod
    def of(cls, contacts: Iterable[Mapping[str, Any]]) -> GroupCounts:
        """The counts a set of contacts needs (one pass over them)."""
        most = dict.fromkeys(("emails", "phones", "addresses", "urls"), 1)
        for contact in contacts:
            for name in most:
                most[name] = max(most[name], len(contact.get(name) or []))
        return cls(**most)


def csv_header(counts: GroupCounts) -> list[str]:
    """The column names, in the order of the module docstring."""
    header = [name for name, _ in FIXED_COLUMNS]
    for n in range(1, counts.emails + 1):
        header += [f"E-mail {n} - Label", f"E-mail {n} - Value"]
    for n in range(1, counts.phones + 1):
        header += [f"Phone {n} - Label", f"Phone {n} - Value", f"Phone {n} - Extension"]
    for n in range(1, counts.addresses + 1):
        header += [f"Address {n} - Label"]
        header += [f"Address {n} - {name}" for name, _ in ADDRESS_COLUMNS]
    header += [f"Website {n} - Value" for n in range(1, counts.urls + 1)]
    return header


def write_csv(
    contacts: Iterable[Mapping[str, Any]],
    counts: GroupCounts | None = None,
    rows_per_chunk: int = ROWS_PER_CHUNK,
) -> Iterator[bytes]:
    """The CSV file in chunks of UTF-8 bytes: the BOM and header first, then rows.

    `counts` sizes the numbered groups; pass it to stream (the caller knows it from a cheap
    first pass). Without it the contacts are read into a list to find it. Raises ValueError
    for a contact with more entries than `counts` allows, rather than drop them."""
    if counts is None:
        contacts = list(contacts)
        counts = GroupCounts.of(contacts)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow(csv_header(counts))
    yield (BOM + _drain(buffer)).encode("utf-8")
    pending = 0
    for contact in contacts:
        writer.writerow(csv_row(contact, counts))
        pending += 1
        if pending >= rows_per_chunk:
            yield _drain(buffer).encode("utf-8")
            pending = 0
    if pending:
        yield _drain(buffer).encode("utf-8")


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_row(contact: Mapping[str, Any], counts: GroupCounts) -> list[str]:
    """One contact's cells, formula-guarded, in the order of `csv_header(counts)`."""
    cells = [shown_name(contact)]  # the Name column: what the contact shows
    cells += [_text(contact, key) for _, key in FIXED_COLUMNS[1:-1]]
    cells.append(TAG_SEPARATOR.join(_tag(str(t)) for t in contact.get("tags") or []))
    cells += _groups(contact, "emails", counts.emails, 2, _email_cells)
    cells += _groups(contact, "phones", counts.phones, 3, _phone_cells)
    cells += _groups(contact, "addresses", counts.addresses, 7, _address_cells)
    cells += _groups(contact, "urls", counts.urls, 1, lambda url: [str(url)])
    return [neutralize(cell) for cell in cells]


def neutralize(value: str) -> str:
    """The formula guard (module docstring): `=1+1` -> `'=1+1`, `'=x` -> `''=x`."""
    start = value.lstrip("'")
    if start and start[0] in _FORMULA_STARTS:
        return "'" + value
    return value


def _text(contact: Mapping[str, Any], key: str) -> str:
    value = contact.get(key)
    return "" if value is None else str(value)


def _tag(tag: str) -> str:
    return PRIMARY_MARK + tag if tag.startswith("*") else tag


def _groups(
    contact: Mapping[str, Any], field: str, count: int, width: int, cells_of: Any
) -> list[str]:
    entries: Sequence[Any] = contact.get(field) or []
    if len(entries) > count:
        raise ValueError(
            f"a contact has {len(entries)} {field} but the header has room for {count}"
        )
    cells: list[str] = []
    for entry in entries:
        cells += cells_of(entry)
    return cells + [""] * (width * (count - len(entries)))


def _label(label: str, words: Mapping[str, str]) -> str:
    if label in words:
        return words[label]
    return PRIMARY_MARK + label if label.startswith("*") else label


def _email_cells(email: Mapping[str, Any]) -> list[str]:
    label = str(email.get("label") or "")
    written = _EMAIL_WORDS.get(label, label)
    if email.get("primary"):
        written = PRIMARY_MARK + written
    return [written, str(email.get("value") or "")]


def _phone_cells(phone: Mapping[str, Any]) -> list[str]:
    raw = str(phone.get("raw") or phone.get("e164") or "")
    extension = str(phone.get("extension") or "")
    return [_label(str(phone.get("label") or ""), _PHONE_WORDS), _shown(raw, extension), extension]


def _shown(raw: str, extension: str) -> str:
    """The number with its extension appended when it does not show it already. A number
    that ends in our own ` ext. 45` gets it appended again, so that reading it back (which
    removes one) gives the number as written."""
    if not extension:
        return raw
    suffix = EXTENSION_SEPARATOR + extension
    if raw.endswith(suffix) or not shows_extension(raw, extension):
        return raw + suffix
    return raw


def _address_cells(address: Mapping[str, Any]) -> list[str]:
    label = _label(str(address.get("label") or ""), _ADDRESS_WORDS)
    return [label, *(str(address.get(key) or "") for _, key in ADDRESS_COLUMNS)]
