"""The codec-independent half of reading a row: clean text, parse phones with the right
region, check emails, pick a primary email, and record what looked wrong."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from calkeep.formats.countries import country_code
from calkeep.formats.draft import TEXT_FIELDS, TEXT_LIMITS, ContactDraft, Issue, ParsedRow
from calkeep.formats.emails import check_email
from calkeep.formats.phones import (
    PhoneKey,
    PlainPhone,
    forget_results,
    lost_leading_zero,
    parse_phone,
    parse_phones,
    read_phones,
    remember_phones,
    strip_tel_uri,
)
from calkeep.lib.dates import is_birthday
from calkeep.lib.forked import Background, can_fork
from calkeep.lib.memory import paused_gc
from calkeep.lib.progress import EVERY, Progress
from calkeep.lib.text import clean_text


def finish_rows(
    rows: list[ParsedRow], region: str | None, progress: Progress | None = None
) -> None:
    """`finish_row` for every row of a file, with the phone numbers parsed in one batch
    (phones.parse_phones) between cleaning the rows and finishing them. `progress` hears
    the numbers parsed ("phones") and the rows finished ("check").

    With many numbers and a second core, a forked child (lib/forked.py) takes the numbers
    of the last rows: it cleans those rows in its copy of them and parses their numbers,
    while this process cleans every row, parses the numbers of the first rows, checks
    every row's emails and finishes the first rows. Where the rows are split comes from
    the estimated cost of each side (_split_for_child), so both end together; the rows
    come out the same either way."""
    with paused_gc():
        numbers = sum(len(row.draft.phones) for row in rows if row.draft is not None)
        split = len(rows)
        if numbers >= _FORK_MIN_NUMBERS and can_fork():
            split = _split_for_child(rows)
        state = {"cleaned": False}  # the child's copy stays False
        helper = Background(
            lambda: _read_numbers(rows[split:], region, state["cleaned"]), fork=split < len(rows)
        )
        try:
            if not helper.forked:
                split = len(rows)
            regions = []
            pool: dict[str, str] = {}
            for row in rows:
                if row.draft is not None:
                    _clean_strings(row.draft, pool)
                regions.append(_phone_region(row, region))
            state["cleaned"] = True
            parse_phones(_numbers(rows[:split], regions), progress, fork=split == len(rows))
            for row in rows:
                if row.draft is not None:
                    _check_emails(row.draft, row.warnings)
            # The first rows are finished while the child may still work on the last ones.
            for number, (row, phone_region) in enumerate(zip(rows, regions, strict=True), 1):
                if number - 1 == split:
                    remember_phones(helper.result())
                _finish_checked(row, phone_region)
                if progress is not None and number % EVERY == 0:
                    progress("check", number, len(rows))
        finally:
            helper.cancel()
    if numbers >= _FORK_MIN_NUMBERS:
        # A file this large is read once (its commit takes the analysis' reading), so its
        # numbers and emails are not kept for the next one: at the commit's memory peak
        # the caches held ~22 MB of them.
        forget_results()
        check_email.cache_clear()


# Numbers to parse before a second process is worth its start (as phones.parse_phones).
_FORK_MIN_NUMBERS = 20_000
# What each part of finish_rows costs, in microseconds on the benchmark machine (only their
# ratios matter): cleaning a row, checking an email, parsing a number, and per number sent
# back from the child.
_CLEAN_COST, _EMAIL_COST, _PHONE_COST, _SEND_COST = 3.5, 3.0, 10.5, 1.0
# The child's cleaning writes to every page of its rows, each first copied from the parent's.
_CHILD_CLEAN_COST = 8.0
# Finishing a row once its numbers are parsed: the rows before the split are finished
# while the child works.
_FINISH_COST = 5.0


def _split_for_child(rows: list[ParsedRow]) -> int:
    """The first row of the child's share: the child cleans its rows and parses their
    numbers; this process cleans every row, checks every email, parses the numbers of
    the rows before the split and finishes those rows, then takes the child's results."""
    drafts = [row.draft for row in rows]
    mine = sum(_CLEAN_COST + len(d.emails) * _EMAIL_COST for d in drafts if d is not None)
    mine += sum(_FINISH_COST + len(d.phones) * _PHONE_COST for d in drafts if d is not None)
    child = 0.0
    split = len(rows)
    while split > 0 and child < mine:
        split -= 1
        draft = drafts[split]
        if draft is not None:
            phones = len(draft.phones)
            child += _CHILD_CLEAN_COST + phones * (_PHONE_COST + _SEND_COST)
            mine += phones * (_SEND_COST - _PHONE_COST) - _FINISH_COST
    return split


def _numbers(rows: list[ParsedRow], regions: list[str | None]) -> Iterator[PhoneKey]:
    return (
        (phone.raw, phone_region)
        for row, phone_region in zip(rows, regions, strict=False)
        if row.draft is not None
        for phone in row.draft.phones
        if not phone.e164
    )


def _read_numbers(
    rows: list[ParsedRow], region: str | None, cleaned: bool
) -> list[tuple[PhoneKey, PlainPhone]]:
    """In the child: its rows' numbers parsed, from its copy of the rows, which it cleans
    first as finish_rows does (unless this runs in the parent after all, on rows it
    cleaned already: cleaning twice is not always the same as once)."""
    regions = []
    for row in rows:
        if row.draft is not None and not cleaned:
            _clean_strings(row.draft)
        regions.append(_phone_region(row, region))
    return read_phones(_numbers(rows, regions))


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
    if row.draft is not None:
        _check_emails(row.draft, row.warnings)
    return _finish_checked(row, region)


def _finish_checked(row: ParsedRow, region: str | None) -> ParsedRow:
    """The rest of `_finish_cleaned`, after the emails are checked."""
    draft = row.draft
    if draft is None:
        return row
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
