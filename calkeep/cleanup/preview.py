"""What the rules would change, without changing anything: per rule, how many contacts and
which, with each contact's changed fields before and after.

A workspace can hold 100,000 contacts: they are streamed from the database in id order,
only the fields the chosen rules read (`.values_list(...).iterator()`), and the numbers
the phone rules look at are parsed once each (`parse_phone` and `line_kind` are cached)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from calkeep.cleanup.engine import changed_only
from calkeep.cleanup.rules import Rule, reads_of
from calkeep.contacts.models import Contact
from calkeep.formats.draft import derive_display_name

STREAM_CHUNK = 2000
EXAMPLES = 10
_NAME_FIELDS = ("display_name", "given_name", "family_name", "organization")


@dataclass
class Example:
    contact_id: int
    name: str
    before: dict[str, Any]
    after: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"contact_id": self.contact_id, "before": self.before, "after": self.after}


@dataclass
class RulePreview:
    rule: Rule
    contacts: int = 0
    failed: int = 0  # contacts the rule raised on (the job records them as failed)
    examples: list[Example] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.name,
            "contacts": self.contacts,
            "examples": [e.to_dict() for e in self.examples],
        }


def stream_values(
    contacts: QuerySet[Contact], fields: Sequence[str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    rows = contacts.order_by("pk").values_list("pk", *fields).iterator(chunk_size=STREAM_CHUNK)
    for row in rows:
        yield row[0], dict(zip(fields, row[1:], strict=True))


def preview_rules(
    contacts: QuerySet[Contact], rules: Sequence[Rule], region: str, examples: int = EXAMPLES
) -> list[RulePreview]:
    """Each rule on its own against every contact as it is now."""
    previews = [RulePreview(rule) for rule in rules]
    fields = _fields(rules)
    for contact_id, values in stream_values(contacts, fields):
        for preview in previews:
            try:
                result = preview.rule.apply(values, region)
            except Exception:
                preview.failed += 1
                continue
            if result is values:
                continue
            before, after = changed_only(values, result)
            if not after:
                continue
            preview.contacts += 1
            if len(preview.examples) < examples:
                preview.examples.append(Example(contact_id, _name(values), before, after))
    return previews


def preview_page(
    contacts: QuerySet[Contact], rule: Rule, region: str, start: int, count: int
) -> tuple[list[Example], int]:
    """The contacts one rule would change, `count` of them from the `start`-th, and how
    many it would change in all."""
    found: list[Example] = []
    total = 0
    for contact_id, values in stream_values(contacts, _fields([rule])):
        try:
            result = rule.apply(values, region)
        except Exception:
            continue
        if result is values:
            continue
        before, after = changed_only(values, result)
        if not after:
            continue
        if start <= total < start + count:
            found.append(Example(contact_id, _name(values), before, after))
        total += 1
    return found, total


def _fields(rules: Sequence[Rule]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*reads_of(rules), *_NAME_FIELDS)))


def _name(values: dict[str, Any]) -> str:
    return str(values.get("display_name") or "") or derive_display_name(
        str(values.get("given_name") or ""),
        str(values.get("family_name") or ""),
        str(values.get("organization") or ""),
        [],
    )
