"""The column-mapping step of a CSV import: suggest a mapping, check one a person edited, and
name a header set so the app can remember the mapping for the next file like it.

A mapping is `{column name: field key}` (field keys: see csv_headers; "" ignores a column).
Column names are the file's headers as `unique_headers` shows them: stripped, an unnamed
column called `Column 7`, a repeated name numbered `Titre (2)` (French Outlook writes `Titre`
twice: the salutation and the job title)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from calkeep.formats.csv_headers import (
    ADDRESS_LABELS,
    ADDRESS_PARTS,
    CONTACT_EVIDENCE,
    EMAIL_LABELS,
    PHONE_LABELS,
    SIMPLE_FIELDS,
    fold_header,
    match_header,
)
from calkeep.formats.draft import UnreadableFile

_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_SHAPE = re.compile(r"^\+?[\d\s().\-/]{6,24}(?:\s*(?:x|ext\.?|#)\s*\d{1,6})?$", re.IGNORECASE)
_DATE_SHAPE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")
_GROUP_KEY = re.compile(
    r"^(email|phone|url)#(\d{1,4})(?::label)?$|^address#(\d{1,4}):(\w+)$|^phone#\d{1,4}:extension$"
)
_HONORIFIC_WORDS = (
    "mr mrs ms miss mx dr prof sir dame rev herr frau hr fr mme mlle m sr sra srta don dona "
    "sig sigra dott ing dhr mevr mag dipl lord lady hon capt"
)
_HONORIFICS = frozenset(_HONORIFIC_WORDS.split())
# Aliases people (and older saved mappings) may use for a field key.
_ALIASES = {
    "phone:work": "phone:business",
    "phone:cell": "phone:mobile",
    "email:business": "email:work",
}
_SAMPLE_SHARE = 0.6


def unique_headers(headers: list[str]) -> list[str]:
    """Stripped header names, unique and non-empty (see the module docstring)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, header in enumerate(headers, start=1):
        name = header.strip().lstrip("\ufeff").strip() or f"Column {index}"
        count = seen.get(name.casefold(), 0) + 1
        seen[name.casefold()] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return names


def suggest_mapping(
    headers: list[str], sample_rows: list[list[str]], kind: str = "generic_csv"
) -> dict[str, str]:
    """{column name: field key} for every column, from header names in every language of
    the synonym table and, for unknown headers, from what the sample values look like."""
    names = unique_headers(headers)
    mapping: dict[str, str] = {}
    first_key_of: dict[str, str] = {}
    for index, (raw, name) in enumerate(zip(headers, names, strict=True)):
        key = match_header(raw, kind)
        folded = fold_header(raw)
        if key == "prefix" and first_key_of.get(folded) == "prefix":
            key = "title"  # Outlook's second `Titre` (French) is the job title
        values = _column_values(sample_rows, index)
        if key == "prefix" and folded == "title" and kind == "generic_csv":
            key = _prefix_or_job_title(values)
        if key is None:
            key = _key_from_values(values)
        first_key_of.setdefault(folded, key)
        mapping[name] = key
    return mapping


def _column_values(rows: list[list[str]], index: int) -> list[str]:
    return [row[index].strip() for row in rows if index < len(row) and row[index].strip()]


def _prefix_or_job_title(values: list[str]) -> str:
    """A spreadsheet's `Title` is a salutation in Outlook's sense or a job title in a CRM's."""
    for value in values:
        tokens = re.findall(r"[^\W\d_]+", value.casefold())
        if tokens and not all(token in _HONORIFICS for token in tokens):
            return "title"
    return "prefix"


def _key_from_values(values: list[str]) -> str:
    if not values:
        return ""
    emails = sum(1 for v in values if looks_like_email(v))
    if emails >= len(values) * _SAMPLE_SHARE:
        return "email"
    phones = sum(1 for v in values if looks_like_phone(v))
    if phones >= len(values) * _SAMPLE_SHARE:
        return "phone"
    return ""


def looks_like_email(value: str) -> bool:
    return bool(_EMAIL_SHAPE.match(value.strip()))


def looks_like_phone(value: str) -> bool:
    value = value.strip()
    if not _PHONE_SHAPE.match(value) or _DATE_SHAPE.match(value):
        return False
    digits = sum(ch.isdigit() for ch in value)
    # Amounts (`1234.50`) and plain counters have no phone's length or separators.
    return 7 <= digits <= 15 and not re.fullmatch(r"\d+[.,]\d{1,2}", value)


def normalize_field_key(key: str) -> str | None:
    """The canonical spelling of a field key, or None when it is not one."""
    key = _ALIASES.get(key.strip(), key.strip())
    if key == "" or key in SIMPLE_FIELDS:
        return key
    kind, _, rest = key.partition(":")
    if kind == "email" and (rest == "" or rest in EMAIL_LABELS):
        return key
    if kind == "phone" and (rest == "" or rest in PHONE_LABELS):
        return key
    if kind == "address":
        label, _, part = rest.rpartition(":")
        if part in ADDRESS_PARTS and (label == "" or label in ADDRESS_LABELS):
            return key
        return None
    match = _GROUP_KEY.match(key)
    if match and (match[4] is None or match[4] in (*ADDRESS_PARTS, "label")):
        return key
    return None


def validate_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """A person's mapping checked against the file: every column of the file gets a key
    ("" when the mapping leaves it out). Raises UnreadableFile naming a bad key or column."""
    names = unique_headers(headers)
    by_folded = {name.casefold(): name for name in names}
    checked = dict.fromkeys(names, "")
    for column, key in mapping.items():
        if not isinstance(column, str) or not isinstance(key, str):
            raise UnreadableFile(
                f"the column mapping must map column names to field names; got {column!r}: {key!r}",
                "mapping_invalid",
            )
        name = by_folded.get(column.strip().casefold())
        if name is None:
            shown = shown_columns(names)
            raise UnreadableFile(
                f"the column mapping names the column {column!r}, which this file does not "
                f"have (its columns: {shown})",
                "mapping_unknown_column",
            )
        canonical = normalize_field_key(key)
        if canonical is None:
            raise UnreadableFile(
                f"the column mapping maps {column!r} to {key!r}, which is not a contact field",
                "mapping_unknown_field",
            )
        checked[name] = canonical
    return checked


def shown_columns(columns: list[str], limit: int = 15) -> str:
    """Column names for a message: the first few, each cut to a readable length."""
    names = [name if len(name) <= 40 else name[:39] + "…" for name in columns[:limit]]
    return ", ".join(names) + (", …" if len(columns) > limit else "")


def headers_signature(headers: list[str]) -> str:
    """A stable name for a set of headers (order, case, BOM and surrounding spaces do not
    matter), so a mapping saved for one export applies to the next one of the same layout."""
    names = sorted({unicodedata.normalize("NFC", n).casefold() for n in unique_headers(headers)})
    return hashlib.sha256("\x1f".join(names).encode("utf-8")).hexdigest()[:32]


def has_contact_evidence(mapping: dict[str, str]) -> bool:
    """Whether any column maps to a name, organization, email or phone."""
    for key in mapping.values():
        base = key.split(":", 1)[0].split("#", 1)[0]
        if base in CONTACT_EVIDENCE:
            return True
    return False
