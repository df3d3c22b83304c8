"""Combining a contact's values with incoming ones (import strategies; later, merges).
Pure functions over the contract's value dicts: no models, no database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from calkeep.formats.draft import CONTACT_FIELDS, LIST_FIELDS
from calkeep.formats.emails import normalize_email
from calkeep.lib.text import digits_only, fold_for_search

SCALAR_FIELDS = tuple(f for f in CONTACT_FIELDS if f not in LIST_FIELDS)


def _email_key(entry: dict[str, Any]) -> str:
    return normalize_email(str(entry.get("value", "")))


def _phone_key(entry: dict[str, Any]) -> str:
    e164 = entry.get("e164")
    base = str(e164) if e164 else digits_only(str(entry.get("raw", ""))) or str(entry.get("raw"))
    return f"{base};{entry.get('extension') or ''}"


def _address_key(entry: dict[str, Any]) -> str:
    parts = ("street", "extended", "city", "region", "postcode", "country")
    return "|".join(fold_for_search(str(entry.get(p) or "")) for p in parts)


def _text_key(entry: Any) -> str:
    return str(entry).strip().casefold()


LIST_KEYS: dict[str, Callable[[Any], str]] = {
    "emails": _email_key,
    "phones": _phone_key,
    "addresses": _address_key,
    "urls": lambda url: str(url).strip(),
    "tags": _text_key,
}


def concat_unique(field: str, existing: list[Any], incoming: list[Any]) -> list[Any]:
    """Existing entries first, then incoming ones whose normalized value is new."""
    key = LIST_KEYS[field]
    seen = {key(e) for e in existing}
    result = list(existing)
    for entry in incoming:
        k = key(entry)
        if k not in seen:
            seen.add(k)
            result.append(entry)
    return result


def merge_values(existing: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """PRODUCT.md "merge": non-empty incoming fields win; lists concatenate without
    repeating a normalized value. The existing primary email stays primary."""
    merged = dict(existing)
    for field in SCALAR_FIELDS:
        value = incoming.get(field)
        if value not in (None, ""):
            merged[field] = value
    for field in LIST_KEYS:
        additions = list(incoming.get(field) or [])
        if field == "emails" and any(e.get("primary") for e in existing.get("emails") or []):
            additions = [{**e, "primary": False} for e in additions]
        merged[field] = concat_unique(field, list(existing.get(field) or []), additions)
    return merged


def overwrite_values(existing: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """PRODUCT.md "overwrite": every editable field takes the incoming value, empty or not."""
    result: dict[str, Any] = {}
    for field in CONTACT_FIELDS:
        value = incoming.get(field)
        if field in LIST_KEYS:
            result[field] = list(value or [])
        else:
            result[field] = value or ""
    return result


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [f for f in CONTACT_FIELDS if (before.get(f) or None) != (after.get(f) or None)]
