"""Records that point at a contact: bookings, follow-up tasks, and whatever comes later
(shares, reminders). They are found through Django's related-objects introspection, so a
new model with a ForeignKey to Contact moves along on a merge, and back on an unmerge,
without a change here. Derived rows (ContactKey) and history (ContactChange) are not links.

A link set is `{"bookings.booking.contact": [object ids], ...}`: JSON, so a merge's change
record keeps it in the absorbed contact's snapshot."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models

from calkeep.contacts.models import Contact

NOT_LINKS = frozenset({"contacts.contactkey", "contacts.contactchange"})
_CHUNK = 500

LinkSet = dict[str, list[int]]


def link_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every ForeignKey or one-to-one field that points at Contact,
    including the through table of a many-to-many relation."""
    found: list[tuple[type[models.Model], str]] = []
    for relation in Contact._meta.related_objects:
        if relation.many_to_many:
            through = relation.through  # type: ignore[attr-defined]
            found += [
                (through, f.name)
                for f in through._meta.get_fields()
                if isinstance(f, models.ForeignKey) and f.related_model is Contact
            ]
            continue
        model = relation.related_model
        if isinstance(model, type) and model._meta.label_lower not in NOT_LINKS:
            found.append((model, relation.field.name))
    return sorted(set(found), key=lambda item: (item[0]._meta.label_lower, item[1]))


def _label(model: type[models.Model], field: str) -> str:
    return f"{model._meta.label_lower}.{field}"


def _field(label: str) -> tuple[type[models.Model], str] | None:
    app_label, model_name, field = label.split(".", 2)
    try:
        return apps.get_model(app_label, model_name), field
    except LookupError:
        return None  # a link kind that no longer exists


def links_of(contact_ids: Iterable[int]) -> dict[int, LinkSet]:
    """Each contact's links, by kind."""
    ids = list(contact_ids)
    result: dict[int, LinkSet] = {i: {} for i in ids}
    for model, field in link_fields():
        attname = f"{field}_id"
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows = model._default_manager.filter(**{f"{attname}__in": chunk})
            for pk, owner in rows.values_list("pk", attname).order_by("pk"):
                result[owner].setdefault(_label(model, field), []).append(pk)
    return result


def move_links(links: LinkSet, from_id: int | None, to_id: int) -> int:
    """Point the listed objects that point at `from_id` (None: that point at no contact,
    as when that contact was deleted since) at `to_id`. Objects linked elsewhere since are
    left alone. Returns how many moved."""
    moved = 0
    for label, object_ids in links.items():
        target = _field(label)
        if target is None:
            continue
        model, field = target
        current = {f"{field}_id__isnull": True} if from_id is None else {f"{field}_id": from_id}
        for start in range(0, len(object_ids), _CHUNK):
            chunk = object_ids[start : start + _CHUNK]
            query = model._default_manager.filter(pk__in=chunk, **current)
            moved += query.update(**{f"{field}_id": to_id})
    return moved


def restore_merged_links(values: dict[str, Any], contact: Contact) -> int:
    """A merge's snapshot of an absorbed contact lists the links it moved to the contact
    it was merged into: bring back the ones still there (or left without a contact when
    that one was deleted since) to the restored contact."""
    links = values.get("_links") or {}
    survivor = values.get("_merged_into")
    if not links or survivor is None:
        return 0
    still_there = Contact.objects.filter(pk=survivor).exists()
    return move_links(links, survivor if still_there else None, contact.pk)


def describe_links(links: LinkSet) -> str:
    """`2 bookings, 1 follow-up task`: what a link set holds, for a person."""
    parts = []
    for label, object_ids in sorted(links.items()):
        target = _field(label)
        if target is None or not object_ids:
            continue
        meta = target[0]._meta
        name = meta.verbose_name if len(object_ids) == 1 else meta.verbose_name_plural
        parts.append(f"{len(object_ids)} {name}")
    return ", ".join(parts)
