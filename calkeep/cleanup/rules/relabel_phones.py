"""Relabel mis-classified phones: a label the number itself contradicts, by libphonenumber's
numbering plans, is corrected.

- `home` on a mobile number -> `mobile`.
- `mobile` on a fixed line -> `business` when the contact has an organization, else `home`.
- `home` or `mobile` on a number from a range only businesses get (free-phone, shared-cost,
  premium-rate, "universal access") -> `business`.

Everything else stays: `business` and `other` labels and labels left empty contradict
nothing (people use their mobile for work); custom labels (`fax`, `pager`, an Apple
`X-ABLabel` text) say something the number cannot; and where the plan does not tell
fixed from mobile (US and Canada: FIXED_LINE_OR_MOBILE) there is nothing to go on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calkeep.cleanup.rules.numbers import BUSINESS_KINDS, contact_region, e164_of, line_kind

CHECKED_LABELS = ("home", "mobile")


def relabel_phones(values: Mapping[str, Any], region: str) -> Mapping[str, Any]:
    phones = values.get("phones") or []
    if not any(_checked(p) for p in phones):
        return values
    where = contact_region(values, region)
    has_organization = bool(str(values.get("organization") or "").strip())
    relabelled = []
    changed = False
    for phone in phones:
        label = _corrected(phone, where, has_organization) if _checked(phone) else None
        if label is None:
            relabelled.append(phone)
        else:
            relabelled.append({**phone, "label": label})
            changed = True
    return {**values, "phones": relabelled} if changed else values


def _checked(phone: Any) -> bool:
    return isinstance(phone, Mapping) and phone.get("label") in CHECKED_LABELS


def _corrected(phone: Mapping[str, Any], region: str | None, has_organization: bool) -> str | None:
    """The label the number calls for, or None when the present one stands."""
    found = e164_of(phone, region)
    if found is None:
        return None
    kind = line_kind(found[0])
    label = phone["label"]
    if kind in BUSINESS_KINDS:
        return "business"
    if label == "home" and kind == "mobile":
        return "mobile"
    if label == "mobile" and kind == "fixed":
        return "business" if has_organization else "home"
    return None
