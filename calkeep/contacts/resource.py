"""A contact as the public API returns it and webhooks carry it: PRODUCT.md's contract
fields (display_name the effective one, birthday null when unknown) plus id, version,
created_at, updated_at, source and owner. Datetimes are written as Django's JSON encoder
writes them (ISO 8601, milliseconds, `Z`), so a webhook body and a GET agree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from calkeep.contacts.models import Contact

_ENCODER = DjangoJSONEncoder()


def timestamp(value: datetime) -> str:
    return str(_ENCODER.default(value))


# Every key of a list entry, so an entry stored without one still has the full shape.
_ENTRY_DEFAULTS: dict[str, dict[str, Any]] = {
    "emails": {"value": "", "label": "", "primary": False},
    "phones": {"raw": "", "e164": None, "label": "", "extension": ""},
    "addresses": dict.fromkeys(
        ("label", "street", "extended", "city", "region", "postcode", "country"), ""
    ),
}


def contact_resource(contact: Contact, owner_email: str | None) -> dict[str, Any]:
    owner = {"id": contact.owner_id, "email": owner_email or ""} if contact.owner_id else None
    # contacts/actions.py's contact_to_dict, which this module cannot import: actions
    # writes events (webhooks/outbox.py), and events are made of resources.
    values = contact.editable_values()
    values["display_name"] = contact.display_name or contact.derived_display_name()
    values["birthday"] = contact.birthday or None
    for name, defaults in _ENTRY_DEFAULTS.items():
        values[name] = [
            {key: entry.get(key, default) for key, default in defaults.items()}
            for entry in values[name]
        ]
    return {
        "id": contact.pk,
        "version": contact.version,
        "created_at": timestamp(contact.created_at),
        "updated_at": timestamp(contact.updated_at),
        "source": contact.source,
        "owner": owner,
        **values,
    }


def owner_email(contact: Contact) -> str | None:
    """For one contact whose owner is loaded (or loads it)."""
    if contact.owner_id is None or contact.owner is None:
        return None
    return str(contact.owner.email or contact.owner.get_username())
