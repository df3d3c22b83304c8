"""Turn an API request body (already checked against its schema) into the values
`create_contact` / `update_contact` take, with the checks the contact form makes: email
syntax (formats.emails, as the pages), one primary email, web addresses, real birthdays,
and phones read with the contact's address country or else the workspace's region (a
number that cannot be read is kept as written, e164 null, as on the pages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from calkeep.accounts.models import Workspace
from calkeep.contacts.forms import NEED_IDENTITY, phone_region
from calkeep.contacts.models import Contact
from calkeep.formats.draft import stored_display_name
from calkeep.formats.emails import check_email
from calkeep.formats.phones import parse_phone, strip_tel_uri
from calkeep.lib.dates import is_birthday

_URL = URLValidator(schemes=["http", "https"])
_IDENTITY_TEXT = ("display_name", "given_name", "middle_name", "family_name", "organization")
_LIST_BUILDERS = ("tags", "urls", "emails", "addresses")


class FieldError(Exception):
    """One invalid field: the API answers 422 naming it."""

    def __init__(self, field: str | None, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


def contact_values(
    data: dict[str, Any], workspace: Workspace, current: Contact | None = None
) -> dict[str, Any]:
    """Values for the fields in `data` (all of them for a new contact)."""
    values = {k: v for k, v in data.items() if k not in ("phones", *_LIST_BUILDERS)}
    if values.get("birthday") is not None:
        values["birthday"] = _birthday(values["birthday"])
    for name in _LIST_BUILDERS:
        if name in data:
            values[name] = _BUILDERS[name](data[name])
    if "phones" in data:
        addresses = values.get("addresses", current.addresses if current else [])
        region = phone_region(addresses, workspace.default_region)
        values["phones"] = _phones(data["phones"], region, current)
    merged = {**(current.editable_values() if current else {}), **values}
    if "display_name" in values or current is None:
        values["display_name"] = stored_display_name(merged)
    if not _has_identity(merged):
        raise FieldError(None, NEED_IDENTITY, "identity_required")
    return values


def _birthday(value: str) -> str:
    if not is_birthday(value):
        raise FieldError("birthday", f"{value} is not a date in the calendar.", "invalid_date")
    return value


def _tags(tags: list[str]) -> list[str]:
    unique: dict[str, str] = {}
    for tag in tags:
        if tag:
            unique.setdefault(tag.casefold(), tag)
    return list(unique.values())


def _urls(urls: list[str]) -> list[str]:
    kept: list[str] = []
    for index, url in enumerate(urls):
        if not url or url in kept:
            continue
        try:
            # `www.example.com` is a web address too, as on the contact form.
            _URL(url if "://" in url else f"http://{url}")
        except ValidationError:
            raise FieldError(
                f"urls[{index}]", f"{url!r} is not a web address.", "invalid_url"
            ) from None
        kept.append(url)
    return kept


def _emails(emails: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for index, email in enumerate(emails):
        check = check_email(email["value"])
        if not check.ok:
            raise FieldError(f"emails[{index}].value", check.message, "invalid_email")
    primaries = [i for i, e in enumerate(emails) if e["primary"]]
    if len(primaries) > 1:
        raise FieldError("emails", "Mark only one email as primary.", "several_primary")
    first = primaries[0] if primaries else 0
    return [
        {"value": e["value"], "label": e["label"], "primary": i == first}
        for i, e in enumerate(emails)
    ]


def _addresses(addresses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(a) for a in addresses if any(v for k, v in a.items() if k != "label")]


def _phones(
    phones: list[dict[str, Any]], region: str, current: Contact | None
) -> list[dict[str, Any]]:
    # A number stored with an E.164 value keeps it while its text is unchanged (an import
    # may have read it with the import's region), as on the edit page.
    known = {p.get("raw"): p["e164"] for p in (current.phones if current else []) if p.get("e164")}
    result = []
    for index, phone in enumerate(phones):
        raw, uri_extension = strip_tel_uri(phone["raw"])
        if not raw:
            raise FieldError(f"phones[{index}].raw", "Enter a phone number.", "required")
        parsed = parse_phone(raw, region)
        extension = phone["extension"] or uri_extension or parsed.extension
        e164 = known.get(raw) or parsed.e164
        result.append({"raw": raw, "e164": e164, "label": phone["label"], "extension": extension})
    return result


def _has_identity(values: dict[str, Any]) -> bool:
    if any(str(values.get(name) or "").strip() for name in _IDENTITY_TEXT):
        return True
    return bool(values.get("emails") or values.get("phones"))


_BUILDERS: dict[str, Callable[[Any], list[Any]]] = {
    "tags": _tags, "urls": _urls, "emails": _emails, "addresses": _addresses,
}  # fmt: skip
