"""`ContactDraft.to_dict()` without `dataclasses.asdict`: the same dict, built directly.

asdict walks every value recursively and deep-copies what it does not recognise; for the
tens of thousands of drafts of one import (to values for the database, to the preview's
JSON) that walk was a tenth of a commit. The keys come from the dataclasses themselves, in
their order, so the result stays identical if a field is added (tests compare both)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from calkeep.formats.draft import AddressDraft, ContactDraft, EmailDraft, PhoneDraft

_LISTS = {"emails": EmailDraft, "phones": PhoneDraft, "addresses": AddressDraft}
_CONTACT_KEYS = tuple(f.name for f in fields(ContactDraft))
_ENTRY_KEYS = {name: tuple(f.name for f in fields(kind)) for name, kind in _LISTS.items()}
_PLAIN_LISTS = tuple(name for name in _CONTACT_KEYS if name in ("tags", "urls"))


def draft_to_dict(draft: ContactDraft) -> dict[str, Any]:
    """Exactly `draft.to_dict()` (new lists and dicts, the same strings)."""
    data: dict[str, Any] = {}
    for name in _CONTACT_KEYS:
        value = getattr(draft, name)
        keys = _ENTRY_KEYS.get(name)
        if keys is not None:
            value = [_entry_dict(entry, keys) for entry in value]
        elif name in _PLAIN_LISTS:
            value = list(value)
        data[name] = value
    return data


def _entry_dict(entry: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: getattr(entry, key) for key in keys}
