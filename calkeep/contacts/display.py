"""How contact values read on a page: phones formatted for the workspace's country, flags
for numbers we could not read, and the wording of an edit conflict."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from calkeep.contacts.models import EDITABLE_FIELDS
from calkeep.formats.phones import parse_phone
from calkeep.lib.dates import is_birthday

FIELD_LABELS = {
    "display_name": "Display name",
    "prefix": "Prefix",
    "given_name": "Given name",
    "middle_name": "Middle name",
    "family_name": "Family name",
    "suffix": "Suffix",
    "organization": "Organization",
    "department": "Department",
    "title": "Job title",
    "birthday": "Birthday",
    "notes": "Notes",
    "tags": "Tags",
    "urls": "Websites",
    "emails": "Emails",
    "phones": "Phones",
    "addresses": "Addresses",
}


@dataclass(frozen=True)
class PhoneRow:
    raw: str
    e164: str | None
    formatted: str
    label: str
    extension: str
    warning: str

    @property
    def flagged(self) -> bool:
        return self.e164 is None


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    value: str
    also_yours: bool = False  # the user changed this field too; their value is in the form


@lru_cache(maxsize=10_000)
def format_phone(e164: str, region: str) -> str:
    """National format for numbers of the workspace's own country, international otherwise."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    own = phonenumbers.region_code_for_number(number) == region
    style = PhoneNumberFormat.NATIONAL if own else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def phone_rows(phones: list[dict[str, Any]], region: str) -> list[PhoneRow]:
    return [phone_row(phone, region) for phone in phones]


def phone_row(phone: dict[str, Any], region: str) -> PhoneRow:
    raw = str(phone.get("raw", ""))
    e164 = phone.get("e164") or None
    warning = "" if e164 else parse_phone(raw, region).warning
    return PhoneRow(
        raw=raw,
        e164=e164,
        formatted=format_phone(e164, region) if e164 else raw,
        label=str(phone.get("label", "")),
        extension=str(phone.get("extension", "")),
        warning=warning,
    )


def format_birthday(value: str) -> str:
    """`1990-04-23` -> `23 April 1990`; `--04-23` -> `23 April`; anything else as stored."""
    if not is_birthday(value):
        return value
    month, day = int(value[-5:-3]), int(value[-2:])
    text = f"{day} {calendar.month_name[month]}"
    return text if value.startswith("--") else f"{text} {value[:4]}"


_BARE_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#]\S*)?$", re.IGNORECASE)


def web_href(url: str) -> str | None:
    """Where a website link points: http(s) addresses as they are, a bare `www.x.com` over
    https; anything else (say `javascript:`) is no link at all."""
    if url.lower().startswith(("http://", "https://")):
        return url
    if _BARE_DOMAIN.match(url.strip()):
        return f"https://{url.strip()}"
    return None


def describe_value(field: str, value: Any) -> str:
    """One line of plain text for a field's stored value, as shown in a conflict message."""
    if field in ("emails", "phones", "addresses"):
        return value_text(value) or "(none)"
    if field in ("tags", "urls"):
        return value_text(value, separator=", ") or "(none)"
    return str(value or "") or "(empty)"


def _describe_email(email: dict[str, Any]) -> str:
    notes = [str(email.get("label") or ""), "primary" if email.get("primary") else ""]
    extra = ", ".join(n for n in notes if n)
    return f"{email.get('value', '')} ({extra})" if extra else str(email.get("value", ""))


def _describe_phone(phone: dict[str, Any]) -> str:
    text = str(phone.get("raw", ""))
    if phone.get("extension"):
        text += f" ext. {phone['extension']}"
    return f"{text} ({phone['label']})" if phone.get("label") else text


def _describe_address(address: dict[str, Any]) -> str:
    parts = ("street", "extended", "city", "region", "postcode", "country")
    text = ", ".join(str(address[p]) for p in parts if address.get(p))
    return f"{text} ({address['label']})" if address.get("label") else text


def changed_fields(
    before: dict[str, Any], after: dict[str, Any], yours: dict[str, Any] | None = None
) -> list[FieldChange]:
    """The editable fields whose values differ, with the value they have in `after`; with
    `yours`, whether that value differs from `before` too (both sides changed the field)."""
    return [
        FieldChange(
            field,
            FIELD_LABELS[field],
            describe_value(field, after.get(field)),
            yours is not None
            and not same_value(yours.get(field), before.get(field))
            and not same_value(yours.get(field), after.get(field)),
        )
        for field in EDITABLE_FIELDS
        if not same_value(before.get(field), after.get(field))
    ]


def same_value(a: Any, b: Any) -> bool:
    """Equal as stored: a missing text field and an empty one are the same."""
    return _comparable(a) == _comparable(b)


def _comparable(value: Any) -> Any:
    return value if isinstance(value, list) else (value or "")


_ENTRY_LABELS = {"emails": "Email", "phones": "Phone", "addresses": "Address", "urls": "Website"}
_OTHER_LABELS = {"links": "Linked records", "": "Row"}


def field_label(field: str) -> str:
    """`phones[1]` -> `Phone 2`, `given_name` -> `Given name`: a field path for people."""
    name, _, index = field.partition("[")
    if index and name in _ENTRY_LABELS and index.rstrip("]").isdigit():
        return f"{_ENTRY_LABELS[name]} {int(index.rstrip(']')) + 1}"
    return (
        FIELD_LABELS.get(field) or _OTHER_LABELS.get(field) or field.replace("_", " ").capitalize()
    )


def value_text(value: Any, separator: str = "; ") -> str:
    """A contact field's value as text: lists of emails, phones, addresses, urls and tags
    read as a person would write them, not as data."""
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        return separator.join(_entry_text(entry) for entry in value)
    return str(value)


def _entry_text(entry: Any) -> str:
    if not isinstance(entry, dict):
        return str(entry)
    if "raw" in entry:
        return _describe_phone(entry)
    if "value" in entry:
        return _describe_email(entry)
    return _describe_address(entry)
