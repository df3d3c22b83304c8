"""The values a codec produces: one ContactDraft per row or card, with the row's problems.

These shapes are PRODUCT.md's import contract; `to_dict` gives exactly its JSON. A 10 MB file
makes some 400,000 of them, hence slots: a PhoneDraft takes 64 bytes instead of 350.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


def derive_display_name(given: str, family: str, organization: str, emails: list[str]) -> str:
    """PRODUCT.md: given + family, else organization, else the first email."""
    name = " ".join(p for p in (given.strip(), family.strip()) if p)
    return name or organization.strip() or next((e.strip() for e in emails if e.strip()), "")


def shown_name(values: Mapping[str, Any]) -> str:
    """The display name a contact dict shows: its own, else the derived one."""
    emails = [str(e.get("value", "")) for e in values.get("emails") or [] if isinstance(e, dict)]
    return str(values.get("display_name") or "") or derive_display_name(
        str(values.get("given_name") or ""),
        str(values.get("family_name") or ""),
        str(values.get("organization") or ""),
        emails,
    )


def stored_display_name(values: Mapping[str, Any]) -> str:
    """The display name to store: "" (derived) when it only repeats the derived one, as an
    export's FN or Name column does, so it keeps following edits of the name parts."""
    name = str(values.get("display_name") or "")
    return "" if name and name == shown_name({**values, "display_name": ""}) else name


NAME_FIELDS = ("display_name", "prefix", "given_name", "middle_name", "family_name", "suffix")
TEXT_FIELDS = (*NAME_FIELDS, "organization", "department", "title", "notes")
LIST_FIELDS = ("tags", "urls", "emails", "phones", "addresses")
# Every field of a contact a person (or an import) sets: the contract's `contact` object.
CONTACT_FIELDS = (*NAME_FIELDS, "organization", "department", "title", "birthday", "notes",
                  *LIST_FIELDS)  # fmt: skip
# The most characters each of these fields holds: the length of its column in the contacts
# table. PostgreSQL refuses a longer value, and with it the whole transaction of an import.
TEXT_LIMITS = {
    "display_name": 500, "prefix": 100, "given_name": 255, "middle_name": 255,
    "family_name": 255, "suffix": 100, "organization": 500, "department": 500, "title": 500,
}  # fmt: skip


@dataclass(slots=True)
class EmailDraft:
    value: str
    label: str = ""
    primary: bool = False


@dataclass(slots=True)
class PhoneDraft:
    raw: str
    e164: str | None = None
    label: str = ""
    extension: str = ""


@dataclass(slots=True)
class AddressDraft:
    label: str = ""
    street: str = ""
    extended: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""

    def is_empty(self) -> bool:
        return not any(
            (self.street, self.extended, self.city, self.region, self.postcode, self.country)
        )


@dataclass(slots=True)
class ContactDraft:
    display_name: str = ""
    prefix: str = ""
    given_name: str = ""
    middle_name: str = ""
    family_name: str = ""
    suffix: str = ""
    organization: str = ""
    department: str = ""
    title: str = ""
    birthday: str | None = None
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    emails: list[EmailDraft] = field(default_factory=list)
    phones: list[PhoneDraft] = field(default_factory=list)
    addresses: list[AddressDraft] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def effective_display_name(self) -> str:
        return self.display_name or derive_display_name(
            self.given_name, self.family_name, self.organization, [e.value for e in self.emails]
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContactDraft:
        values: dict[str, Any] = {k: data.get(k) or "" for k in TEXT_FIELDS}
        values["birthday"] = data.get("birthday") or None
        values["tags"] = [str(t) for t in data.get("tags") or []]
        values["urls"] = [str(u) for u in data.get("urls") or []]
        values["emails"] = [EmailDraft(**e) for e in data.get("emails") or []]
        values["phones"] = [PhoneDraft(**p) for p in data.get("phones") or []]
        values["addresses"] = [AddressDraft(**a) for a in data.get("addresses") or []]
        return cls(**values)

    def is_empty(self) -> bool:
        return not (
            any(getattr(self, f).strip() for f in TEXT_FIELDS)
            or self.emails
            or self.phones
            or any(not a.is_empty() for a in self.addresses)
            or self.urls
            or self.birthday
        )


@dataclass(slots=True)
class Issue:
    """A problem found in one row: `field` names where (`phones[1]`, `emails[0]`, `birthday`)."""

    field: str
    message: str
    code: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message, "code": self.code}


@dataclass(slots=True)
class ParsedRow:
    """One contact of the file. `row` counts from 1: the data row of a CSV (header excluded),
    the card of a vCard file. `line` is the physical line where it starts, for messages."""

    row: int
    draft: ContactDraft | None
    line: int = 0
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)


@dataclass
class ParsedFile:
    format: str
    encoding: str
    rows: list[ParsedRow]
    # Problems of the whole file that still allowed reading it (an unknown column, say).
    notices: list[str] = field(default_factory=list)
    # Generic CSV: the column mapping that was applied, so a page can show and edit it.
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    # CSV: the delimiter that was detected (",", ";", "\t" or "|"), for the dry-run page.
    delimiter: str = ""


class UnreadableFile(Exception):
    """The file as a whole cannot be read as contacts: the message says why, for a person."""

    def __init__(self, message: str, code: str = "unreadable") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
