"""Dedupe phone variants: `1-201-555-0123`, `+12015550123` and `(201) 555-0123` (read in
region US) are one number in E.164, so they become one entry.

- The entry keeps the place of the first variant and its text as written; its label is the
  most specific one among the variants (a label such as `mobile` or `fax` over `other` or
  none), its extension the one a variant carries.
- Two extensions of one number are two lines (a switchboard's `x12` and `x45`): they stay
  apart; a variant without an extension then joins neither.
- A fax or pager entry is another service on the same digits, not a variant of the voice
  line: it is only merged with other fax (or pager) entries.
- A number libphonenumber cannot read is left exactly as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calkeep.cleanup.rules.numbers import contact_region, e164_of

GENERIC_LABELS = ("", "other")


def dedupe_phone_variants(values: Mapping[str, Any], region: str) -> Mapping[str, Any]:
    phones = values.get("phones") or []
    if len(phones) < 2 or _all_distinct(phones):
        return values
    where = contact_region(values, region)
    buckets: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for index, phone in enumerate(phones):
        found = e164_of(phone, where) if isinstance(phone, Mapping) else None
        if found is not None:
            key = (found[0], _service(str(phone.get("label") or "")))
            buckets.setdefault(key, []).append((index, found[1]))
    merged: dict[int, dict[str, Any]] = {}
    dropped: set[int] = set()
    for (e164, _), members in buckets.items():
        for group in _lines(members):
            if len(group) > 1:
                first = group[0][0]
                merged[first] = _merge([phones[i] for i, _ in group], e164, group[0][1])
                dropped.update(i for i, _ in group[1:])
    if not dropped:
        return values
    kept = [merged.get(i, p) for i, p in enumerate(phones) if i not in dropped]
    return {**values, "phones": kept}


def _all_distinct(phones: list[Any]) -> bool:
    """Every entry has its E.164 form stored and no two share it: nothing to merge."""
    numbers = [p.get("e164") if isinstance(p, Mapping) else None for p in phones]
    return all(numbers) and len(set(numbers)) == len(numbers)


def _service(label: str) -> str:
    folded = label.casefold()
    return "fax" if "fax" in folded else "pager" if "pager" in folded else "voice"


def _lines(members: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split one number's entries into lines: one per extension. Entries without an
    extension join the only extension there is, or stay a line of their own."""
    extensions = list(dict.fromkeys(ext for _, ext in members if ext))
    if len(extensions) <= 1:
        extension = extensions[0] if extensions else ""
        return [[(i, extension) for i, _ in members]]
    return [[m for m in members if m[1] == ext] for ext in ["", *extensions]]


def _merge(variants: list[Mapping[str, Any]], e164: str, extension: str) -> dict[str, Any]:
    first = dict(variants[0])
    labels = [str(v.get("label") or "") for v in variants]
    specific = [label for label in labels if label.strip().casefold() not in GENERIC_LABELS]
    first["label"] = specific[0] if specific else ("other" if "other" in labels else labels[0])
    first["e164"] = first.get("e164") or e164
    first["extension"] = extension
    return first
