"""The codec-independent half of reading a row: clean text, parse phones with the right
region, check emails, pick a primary email, and record what looked wrong."""

from __future__ import annotations

from functools import lru_cache

from calkeep.formats.countries import country_code
from calkeep.formats.draft import TEXT_FIELDS, TEXT_LIMITS, ContactDraft, Issue, ParsedRow
from calkeep.formats.emails import check_email
from calkeep.formats.phones import lost_leading_zero, parse_phone, parse_phones, strip_tel_uri
from calkeep.lib.dates import is_birthday
from calkeep.lib.memory import paused_gc
from calkeep.lib.progress import EVERY, Progress
from calkeep.lib.text import clean_text


def finish_rows(
    rows: list[ParsedRow], region: str | None, progress: Progress | None = None
) -> None:
    """`finish_row` for every row of a file, with the phone numbers parsed in one batch
    (phones.parse_phones) between cleaning the rows and finishing them. `progress` hears
    the numbers parsed ("phones") and the rows finished ("check")."""
    with paused_gc():
        regions = []
        pool: dict[str, str] = {}
        for row in rows:
            if row.draft is not None:
                _clean_strings(row.draft, pool)
            regions.append(_phone_region(row, region))
        numbers = (
            (phone.raw, phone_region)
            for row, phone_region in zip(rows, regions, strict=True)
            if row.draft is not None
            for phone in row.draft.phones
            if not phone.e164
        )
        parse_phones(numbers, progress)
        for number, (row, phone_region) in enumerate(zip(rows, regions, strict=True), 1):
            _finish_cleaned(row, phone_region)
            if progress is not None and number % EVERY == 0:
                progress("check", number, len(rows))


def finish_row(row: ParsedRow, region: str | None) -> ParsedRow:
    if row.draft is not None:
        _clean_strings(row.draft)
        _finish_cleaned(row, _phone_region(row, region))
    return row


@lru_cache(maxsize=256)
def _field_name(kind: str, index: int) -> str:
    """`phones[0]`: one string for all the issues that name it."""
    return f"{kind}[{index}]"


def _phone_region(row: ParsedRow, region: str | None) -> str | None:
    return (_record_region(row.draft) if row.draft is not None else None) or region


def _finish_cleaned(row: ParsedRow, region: str | None) -> ParsedRow:
    draft = row.draft
    if draft is None:
        return row
    _check_emails(draft, row.warnings)
    _parse_phones(draft, region, row.warnings)
    if draft.birthday and not is_birthday(draft.birthday):
        row.warnings.append(
            Issue("birthday", f"birthday {draft.birthday!r} is not a date; it was not imported")
        )
        draft.birthday = None
    if draft.is_empty():
        row.errors.append(Issue("", "the row holds no contact data", "empty_row"))
    _check_lengths(draft, row.errors)
    return row


def _check_lengths(draft: ContactDraft, errors: list[Issue]) -> None:
    """A name or organization longer than a contact holds is a row error, not a cut: cells
    that long are usually a file whose columns slipped, and the person should see it."""
    for name, limit in TEXT_LIMITS.items():
        length = len(getattr(draft, name))
        if length > limit:
            shown = name.replace("_", " ")
            errors.append(
                Issue(
                    name,
                    f"the {shown} is {length:,} characters long and a contact's {shown} holds "
                    f"at most {limit:,}; the row was not imported",
                    "too_long",
                )
            )


def _record_region(draft: ContactDraft) -> str | None:
    """PRODUCT.md: a record's own address country decides the region of its numbers."""
    for address in draft.addresses:
        code = country_code(address.country)
        if code:
            return code
    return None


def _clean(value: str) -> str:
    """`clean_text`, without its Unicode work for the empty and plain ASCII cells that make
    up most of a file (for those it only strips)."""
    if not value:
        return value
    if value.isascii() and "\r" not in value and "\x00" not in value:
        return value.strip()
    return clean_text(value)


def _clean_strings(draft: ContactDraft, pool: dict[str, str] | None = None) -> None:
    """Clean every text of the draft. With a `pool`, the texts that repeat across a file
    (names, organizations, titles, labels, tags, cities) share one string object each.
    Empty texts, most cells of a file, are left as they are."""
    shared = (pool if pool is not None else {}).setdefault
    for name in TEXT_FIELDS:
        value = getattr(draft, name)
        if value:
            value = _clean(value)
            setattr(draft, name, shared(value, value) if name in _POOLED_FIELDS else value)
    draft.tags = _unique([shared(t, t) for t in map(_clean, draft.tags)]) if draft.tags else []
    draft.urls = _unique([_clean(u) for u in draft.urls]) if draft.urls else []
    if draft.emails:
        for email in draft.emails:
            email.value = _clean(email.value)
            if email.label:
                label = _clean(email.label)
                email.label = shared(label, label)
        draft.emails = [e for e in draft.emails if e.value]
    if draft.phones:
        for phone in draft.phones:
            phone.raw = _clean(phone.raw)
            if phone.raw[:4].lower() == "tel:":
                # PRODUCT.md: raw is kept without a URI scheme, whichever format carried it.
                phone.raw, extension = strip_tel_uri(phone.raw)
                phone.extension = phone.extension or extension
            if phone.label:
                label = _clean(phone.label)
                phone.label = shared(label, label)
            if phone.extension:
                phone.extension = _clean(phone.extension)
        draft.phones = [p for p in draft.phones if p.raw]
    if draft.addresses:
        for address in draft.addresses:
            for key in _ADDRESS_PARTS:
                value = getattr(address, key)
                if value:
                    value = _clean(value)
                    pooled = key in _POOLED_ADDRESS_PARTS
                    setattr(address, key, shared(value, value) if pooled else value)
        draft.addresses = [a for a in draft.addresses if not a.is_empty()]


_ADDRESS_PARTS = ("label", "street", "extended", "city", "region", "postcode", "country")
_POOLED_ADDRESS_PARTS = frozenset(("label", "city", "region", "country"))
_POOLED_FIELDS = frozenset(
    ("prefix", "given_name", "middle_name", "family_name", "suffix", "organization",
     "department", "title")
)  # fmt: skip


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for value in values:
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(value)
    return kept


def _check_emails(draft: ContactDraft, warnings: list[Issue]) -> None:
    for index, email in enumerate(draft.emails):
        check = check_email(email.value)
        if not check.ok:
            warnings.append(
                Issue(
                    _field_name("emails", index),
                    f"{email.value!r} is not a valid email address "
                    f"({check.message}); kept as written",
                    "email_invalid",
                )
            )
        elif check.message:
            warnings.append(Issue(_field_name("emails", index), check.message, "email_unusual"))
    if draft.emails:
        primaries = [e for e in draft.emails if e.primary]
        for email in primaries[1:]:
            email.primary = False
        if not primaries:
            draft.emails[0].primary = True


def _parse_phones(draft: ContactDraft, region: str | None, warnings: list[Issue]) -> None:
    for index, phone in enumerate(draft.phones):
        if phone.e164:
            continue
        result = parse_phone(phone.raw, region)
        if result.e164:
            result = lost_leading_zero(phone.raw, region, result.e164) or result
        phone.e164 = result.e164
        if result.extension and not phone.extension:
            phone.extension = result.extension
        if result.warning:
            warnings.append(Issue(_field_name("phones", index), result.warning, result.code))
