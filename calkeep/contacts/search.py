"""One search box for names, emails, organizations and phones written any way.

`search_text` holds folded words and the digit strings of every number (E.164 digits,
national number, digits as written), so `(201) 555-0123`, `201.555.0123` and
`+1 201 555 0123` all reduce to digits that are a substring of what is stored."""

from __future__ import annotations

from django.db.models import CharField, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim

from calkeep.contacts.models import Contact, ContactKey
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


def order_by_name(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """By the name people see: display_name when set, else given + family, else the
    organization, else the folded search text (which starts with the email)."""
    blank = Value("")
    full_name = Concat("given_name", Value(" "), "family_name", output_field=CharField())
    sort_name = Coalesce(
        NullIf(Trim("display_name"), blank),
        NullIf(Trim(full_name), blank),
        NullIf(Trim("organization"), blank),
        "search_text",
        output_field=CharField(),
    )
    return contacts.annotate(sort_name=Lower(sort_name)).order_by("sort_name", "pk")


def tag_choices(contacts: QuerySet[Contact]) -> list[tuple[str, str]]:
    """(folded tag, tag as first written) for the tags on these contacts, by name. The key
    table only holds the folded form, so the casing comes from one contact per tag."""
    firsts = list(
        ContactKey.objects.filter(kind=ContactKey.TAG, contact__in=contacts)
        .values("value")
        .annotate(first_contact=Min("contact_id"))
        .order_by()
    )
    tags_by_contact = dict(
        Contact.objects.filter(pk__in={f["first_contact"] for f in firsts}).values_list(
            "pk", "tags"
        )
    )
    choices = []
    for first in firsts:
        written = (
            str(tag).strip()
            for tag in tags_by_contact.get(first["first_contact"], [])
            if str(tag).strip().casefold()[:320] == first["value"]
        )
        choices.append((first["value"], next(written, first["value"])))
    return sorted(choices, key=lambda choice: choice[1].casefold())
