"""What the phone rules need to know about a number, from libphonenumber's rules: which region
a contact's numbers are read in, the E.164 form of an entry, and what kind of line it is.
Everything is cached per number: a preview reads the same numbers again and again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from phonenumbers import PhoneNumberType

from calkeep.cleanup.rules.line_types import number_type
from calkeep.formats.phones import parse_phone, region_for_country

# Ranges a country's numbering plan gives only to businesses: free-phone, shared-cost,
# premium-rate and "universal access" numbers (UK 03, DE 0180, FR 08, ES 90x …).
BUSINESS_KINDS = frozenset({"toll_free", "shared_cost", "premium_rate", "uan"})

_KINDS = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager",
}


def contact_region(values: Mapping[str, Any], region: str | None) -> str | None:
    """PRODUCT.md: a number is read in the contact's own address country when it has one,
    else in the workspace's default region."""
    for address in values.get("addresses") or ():
        if isinstance(address, Mapping):
            code = region_for_country(str(address.get("country") or ""))
            if code:
                return code
    return region or None


def e164_of(phone: Mapping[str, Any], region: str | None) -> tuple[str, str] | None:
    """(E.164, extension) of an entry: the stored E.164 when there is one, else the raw
    text read in `region`. None for a number libphonenumber cannot read (left alone)."""
    stored = phone.get("e164")
    extension = str(phone.get("extension") or "")
    if stored:
        return str(stored), extension
    raw = str(phone.get("raw") or "")
    if not raw.strip():
        return None
    parsed = parse_phone(raw, region)
    if parsed.e164 is None:
        return None
    return parsed.e164, extension or parsed.extension


def line_kind(e164: str) -> str:
    """`mobile`, `fixed`, `fixed_or_mobile`, `toll_free`, `shared_cost`, `premium_rate`,
    `uan`, `voip`, `personal`, `pager` or `unknown`: libphonenumber's number type."""
    return _KINDS.get(number_type(e164), "unknown")
