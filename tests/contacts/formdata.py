"""POST bodies for the contact form, built the way a browser would send them."""

from __future__ import annotations

from typing import Any

from calkeep.contacts.forms import SCALAR_FIELDS, ContactEditor
from calkeep.contacts.models import Contact


def new_contact_post(
    emails: list[dict[str, Any]] | None = None,
    phones: list[dict[str, Any]] | None = None,
    addresses: list[dict[str, Any]] | None = None,
    **fields: str,
) -> dict[str, str]:
    data = {name: "" for name in SCALAR_FIELDS}
    data.update(fields)
    for prefix, rows in (("emails", emails), ("phones", phones), ("addresses", addresses)):
        data.update(_rows(prefix, rows or [], initial=0))
    return data


def edit_post(contact: Contact, region: str = "US") -> dict[str, str]:
    """What the edit page posts when the user changes nothing (version and snapshot included)."""
    editor = ContactEditor(region, contact=contact)
    data = {name: _encode(editor.form[name].value()) for name in editor.form.fields}
    for prefix, formset in editor.formsets.items():
        rows = [{name: f[name].value() for name in f.fields} for f in formset.forms]
        data.update(_rows(prefix, rows, initial=len(rows)))
    return {k: v for k, v in data.items() if v is not None}


def _rows(prefix: str, rows: list[dict[str, Any]], initial: int) -> dict[str, str]:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        for name, value in row.items():
            encoded = _encode(value)
            if encoded is not None:
                data[f"{prefix}-{index}-{name}"] = encoded
    return data


def _encode(value: Any) -> str | None:
    if value is True:
        return "on"
    if value is False or value is None:
        return None if value is False else ""
    return str(value)
