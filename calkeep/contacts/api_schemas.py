"""The public API's request and response bodies (Django Ninja schemas, so the OpenAPI
document says exactly what is checked here). Field names are PRODUCT.md's import
contract. Text is cleaned as the pages clean it (NFC, LF line ends, trimmed); text that is
not valid Unicode is refused. Limits follow the contact form's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from calkeep.lib.text import clean_text


def _clean(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return clean_text(value)


Text = Annotated[str, AfterValidator(_clean)]
BIRTHDAY_PATTERN = r"^(?:[0-9]{4}|-)-[0-9]{2}-[0-9]{2}$"


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class EmailIn(_Input):
    value: Text = Field(..., min_length=1, max_length=320, description="The address as typed.")
    label: Text = Field("", max_length=60, description="work, home, other or a custom text.")
    primary: bool = Field(False, description="At most one; the first email when none is.")


class PhoneIn(_Input):
    raw: Text = Field(..., min_length=1, max_length=64, description="The number as written.")
    label: Text = Field(
        "", max_length=60, description="business, mobile, home, other or a custom text."
    )
    extension: Text = Field("", max_length=20)
    e164: str | None = Field(
        None,
        max_length=32,
        description="Read-only: worked out from `raw` with the workspace's region (or the "
        "contact's address country). Accepted and ignored, so a contact read can be sent back.",
    )


class AddressIn(_Input):
    label: Text = Field("", max_length=60)
    street: Text = Field("", max_length=500)
    extended: Text = Field("", max_length=500)
    city: Text = Field("", max_length=255)
    region: Text = Field("", max_length=255)
    postcode: Text = Field("", max_length=32)
    country: Text = Field("", max_length=255)


class ContactIn(_Input):
    """A new contact. It needs a name, an organization, an email or a phone."""

    display_name: Text = Field(
        "", max_length=500, description="Leave empty to derive it (given + family, ...)."
    )
    prefix: Text = Field("", max_length=100)
    given_name: Text = Field("", max_length=255)
    middle_name: Text = Field("", max_length=255)
    family_name: Text = Field("", max_length=255)
    suffix: Text = Field("", max_length=100)
    organization: Text = Field("", max_length=500)
    department: Text = Field("", max_length=500)
    title: Text = Field("", max_length=500)
    birthday: str | None = Field(
        None,
        pattern=BIRTHDAY_PATTERN,
        description="YYYY-MM-DD, or --MM-DD when the year is unknown; null for none.",
    )
    notes: Text = Field("", max_length=100_000)
    tags: list[Annotated[Text, Field(max_length=100)]] = Field([], max_length=100)
    urls: list[Annotated[Text, Field(max_length=2000)]] = Field([], max_length=50)
    emails: list[EmailIn] = Field([], max_length=50)
    phones: list[PhoneIn] = Field([], max_length=50)
    addresses: list[AddressIn] = Field([], max_length=20)


class ContactPatch(ContactIn):
    """Changes to a contact: only the fields sent change; a list sent replaces the list."""


class OwnerOut(Schema):
    id: int
    email: str


class EmailOut(Schema):
    value: str
    label: str
    primary: bool


class PhoneOut(Schema):
    raw: str
    e164: str | None = Field(..., description="null when the number could not be read.")
    label: str
    extension: str


class AddressOut(Schema):
    label: str
    street: str
    extended: str
    city: str
    region: str
    postcode: str
    country: str


class ContactOut(Schema):
    id: int
    version: int = Field(..., description="Grows on every change; also the ETag.")
    created_at: datetime
    updated_at: datetime
    source: str = Field(..., description="manual, booking, import, provider:…, api")
    owner: OwnerOut | None
    display_name: str
    prefix: str
    given_name: str
    middle_name: str
    family_name: str
    suffix: str
    organization: str
    department: str
    title: str
    birthday: str | None
    notes: str
    tags: list[str]
    urls: list[str]
    emails: list[EmailOut]
    phones: list[PhoneOut]
    addresses: list[AddressOut]


class ContactPage(Schema):
    data: list[ContactOut]
    next_cursor: str | None = Field(
        ..., description="Pass as `cursor` for the next page; null on the last page."
    )


class ErrorItem(Schema):
    field: str | None = Field(..., description="The field at fault, e.g. `emails[0].value`.")
    code: str
    message: str


class ErrorOut(Schema):
    errors: list[ErrorItem]


class ConflictOut(ErrorOut):
    current: ContactOut = Field(..., description="The contact as it is now.")
