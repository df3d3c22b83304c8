"""One search box for names, emails, organizations and phones written any way.

`search_text` holds folded words and the digit strings of every number (E.164 digits,
national number, digits as written), so `(201) 555-0123`, `201.555.0123` and
`+1 201 555 0123` all reduce to digits that are a substring of what is stored."""

from __future__ import annotations

from django.db.models import Q

from calkeep.formats.phones import parse_phone
from calkeep.lib.text import digits_only, fold_for_search

_PHONE_CHARS = set("0123456789+-.() /")


def search_filter(query: str, region: str) -> Q | None:
    text = query.strip()
    if not text:
        return None
    digits = digits_only(text)
    if len(digits) >= 3 and set(text) <= _PHONE_CHARS:
        return _phone_filter(text, digits, region)
    condition = Q()
    for word in fold_for_search(text).split():
        condition &= Q(search_text__contains=word)
    return condition


def _phone_filter(text: str, digits: str, region: str) -> Q:
    condition = Q(search_text__contains=digits)
    result = parse_phone(text, region)
    if result.e164:
        condition |= Q(search_text__contains=result.e164.lstrip("+"))
    # A national number written with its trunk prefix: 030 1234567 is stored as 301234567.
    if digits.startswith("0") and len(digits) > 4:
        condition |= Q(search_text__contains=digits.lstrip("0"))
    return condition
