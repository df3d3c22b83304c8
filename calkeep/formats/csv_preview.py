"""What the column-mapping step shows: the columns of a CSV file with a few sample values,
the suggested field for each, and the fields a person can choose from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from calkeep.formats.csv_dialects import header_is_data, read_table
from calkeep.formats.csv_headers import ADDRESS_LABELS, EMAIL_LABELS, PHONE_LABELS
from calkeep.formats.csv_mapping import headers_signature, suggest_mapping, unique_headers
from calkeep.formats.encoding import decode_bytes, refuse_unreadable

_SIMPLE_LABELS = {
    "display_name": "Display name", "prefix": "Name prefix (Mr., Dr.)",
    "given_name": "First name", "middle_name": "Middle name", "family_name": "Last name",
    "suffix": "Name suffix (Jr.)", "organization": "Organization", "department": "Department",
    "title": "Job title", "notes": "Notes", "tags": "Tags / groups", "url": "Website",
    "birthday": "Birthday", "birthday:year": "Birthday: year",
    "birthday:month": "Birthday: month", "birthday:day": "Birthday: day",
}  # fmt: skip
_ADDRESS_PART_LABELS = {
    "street": "street", "extended": "extended address", "pobox": "PO box", "city": "city",
    "region": "state / region", "postcode": "postal code", "country": "country",
    "formatted": "full address (one cell)",
}  # fmt: skip


@dataclass
class CsvColumn:
    name: str
    samples: list[str]
    suggested: str


@dataclass
class CsvColumns:
    encoding: str
    delimiter: str
    columns: list[CsvColumn]
    signature: str

    def suggestion(self) -> dict[str, str]:
        return {c.name: c.suggested for c in self.columns}


def field_choices(extra_keys: Iterable[str] = ()) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped (key, label) choices for a column's field, as a <select> shows them. Any key
    in `extra_keys` (a suggestion outside these groups) gets a choice too, so a suggested
    mapping is never shown as "don't import"."""
    emails = [("email", "Email")] + [(f"email:{k}", f"Email ({k})") for k in EMAIL_LABELS]
    phones = [("phone", "Phone")] + [
        (f"phone:{k}", f"Phone ({label.lower()})") for k, label in PHONE_LABELS.items()
    ]
    addresses = [
        (f"address:{part}", f"Address: {text}") for part, text in _ADDRESS_PART_LABELS.items()
    ]
    addresses += [
        (f"address:{label}:{part}", f"{label.capitalize()} address: {text}")
        for label in ADDRESS_LABELS
        for part, text in _ADDRESS_PART_LABELS.items()
    ]
    groups = [
        ("", [("", "— don't import —")]),
        ("Name and work", list(_SIMPLE_LABELS.items())),
        ("Email", emails),
        ("Phone", phones),
        ("Address", addresses),
    ]
    known = {key for _, choices in groups for key, _ in choices}
    others = sorted({key for key in extra_keys if key and key not in known})
    if others:
        groups.append(("Other", [(key, key) for key in others]))
    return groups


def field_label(key: str) -> str:
    for _, choices in field_choices():
        for choice_key, label in choices:
            if choice_key == key:
                return label
    return key


def read_columns(data: bytes, samples: int = 3) -> CsvColumns:
    """Columns of a CSV with up to `samples` non-empty values each. UnreadableFile as
    read_csv raises it for files that are not CSV at all."""
    refuse_unreadable(data)
    decoded = decode_bytes(data)
    table = read_table(decoded.text)
    rows = [cells for _, cells in table.sample]
    headers = table.headers
    if header_is_data(headers):
        rows = [headers, *rows]
        headers = [f"Column {i}" for i in range(1, len(headers) + 1)]
    suggested = suggest_mapping(headers, rows)
    names = unique_headers(headers)
    columns = [
        CsvColumn(name, _samples(rows, index, samples), suggested.get(name, ""))
        for index, name in enumerate(names)
    ]
    return CsvColumns(decoded.encoding, table.delimiter, columns, headers_signature(headers))


def _samples(rows: list[list[str]], index: int, limit: int) -> list[str]:
    values = []
    for row in rows:
        if index < len(row) and row[index].strip():
            values.append(row[index].strip()[:80])
            if len(values) == limit:
                break
    return values
