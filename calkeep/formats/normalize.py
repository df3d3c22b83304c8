"""The codec-independent half of reading a row: clean text, parse phones with the right
region, check emails, pick a primary email, and record what looked wrong."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator
from functools import lru_cache

from calkeep.formats.countries import country_code
from calkeep.formats.draft import TEXT_FIELDS, TEXT_LIMITS, ContactDraft, Issue, ParsedRow
from calkeep.formats.emails import check_email
from calkeep.formats.phones import (
    PhoneKey,
    PhoneResult,
    forget_results,
    lost_leading_zero,
    national_number_known,
    parse_phone,
    parse_phones,
    remember_national_numbers,
    strip_tel_uri,
)
from calkeep.lib.dates import is_birthday
from calkeep.lib.forked import Background, can_fork
from calkeep.lib.memory import paused_gc
from calkeep.lib.progress import EVERY, Progress
from calkeep.lib.text import clean_text


def finish_rows(
    rows: list[ParsedRow],
    region: str | None,
    progress: Progress | None = None,
    early: EarlyNumbers | None = None,
) -> None:
    """`finish_row` for every row of a file, with the phone numbers parsed in one batch
    (phones.parse_phones) between cleaning the rows and finishing them. `progress` hears
    the numbers parsed ("phones") and the rows finished ("check"). With `early` (which the
    reader handed the first rows' numbers to, see EarlyNumbers), this process parses the
    numbers of the other rows and finishes those rows first, then takes the child's."""
    numbers = 0
    with paused_gc():
        first = early.count if early is not None else 0  # rows[:first]: the child's
        try:
            regions = []
            pool: dict[str, str] = {}
            for row in rows:
                if row.draft is not None:
                    numbers += len(row.draft.phones)
                    _clean_strings(row.draft, pool)
                regions.append(_phone_region(row, region))
            parse_phones(_numbers(rows[first:], regions[first:]), progress, fork=first == 0)
            for row in rows:
                if row.draft is not None:
                    _check_emails(row.draft, row.warnings)
            answers = None
            order = itertools.chain(range(first, len(rows)), range(first))
            for number, index in enumerate(order, 1):
                if index == 0 and early is not None and first:
                    answers = _Answers(early.result())
                _finish_checked(rows[index], regions[index], answers)
                if progress is not None and number % EVERY == 0:
                    progress("check", number, len(rows))
        finally:
            if early is not None:
                early.cancel()
    if numbers >= _FORK_MIN_NUMBERS:
        # A file this large is read once (its commit takes the analysis' reading), so its
        # numbers and emails are not kept for the next one: at the commit's memory peak
        # the caches held ~22 MB of them.
        forget_results()
        check_email.cache_clear()


# Numbers to parse before a second process is worth its start (as phones.parse_phones).
_FORK_MIN_NUMBERS = 20_000
# The share of a file's lines read when EarlyNumbers hands the rows read so far to a child.
# The child's parsing of those rows' numbers should end when this process has read the
# rest, cleaned every row, checked the emails and parsed and finished the other rows. The
# 10 MB CSV's dry run, by share: 0.6 2.85 s, 0.7 2.75 s, 0.75 2.8 s, 0.8 2.9 s (the vCard
# file's: 2.2, 2.15, 2.15, 2.15 s).
_EARLY_SHARE = 0.7


class EarlyNumbers:
    """A reader's chance to start on the phone numbers before it has read the whole file.
    The reader calls `offer` as it goes; once it has read most of a file with many
    numbers, a forked child (lib/forked.py) parses the numbers of the rows read so far
    (_read_numbers), while the reader reads on and `finish_rows` does the rest; the rows
    come out the same with or without it."""

    def __init__(self, region: str | None) -> None:
        self.region = region
        self.count = 0  # the first rows, whose numbers the child parses
        self._helper: Background[list[_Answer]] | None = None
        self._offered = False

    def offer(self, rows: list[ParsedRow], done: int, total: int) -> None:
        """The rows read so far, and how many of the file's `total` lines (or other units)
        that is."""
        if self._offered or total <= 0 or done < total * _EARLY_SHARE:
            return
        self._offered = True
        numbers = sum(len(row.draft.phones) for row in rows if row.draft is not None)
        if numbers < _FORK_MIN_NUMBERS * _EARLY_SHARE or not can_fork():
            return
        count, region = len(rows), self.region
        helper = Background(lambda: _read_numbers(rows[:count], region))
        if helper.forked:
            self._helper, self.count = helper, count

    def result(self) -> list[_Answer]:
        assert self._helper is not None
        return self._helper.result()

    def cancel(self) -> None:
        """Stop the child (a reader that fails, or reads the rows again, drops it)."""
        if self._helper is not None:
            self._helper.cancel()
            self._helper = None
        self.count = 0


def _numbers(rows: list[ParsedRow], regions: list[str | None]) -> Iterator[PhoneKey]:
    return (
        (phone.raw, phone_region)
        for row, phone_region in zip(rows, regions, strict=False)
        if row.draft is not None
        for phone in row.draft.phones
        if not phone.e164
    )


# What the child found for one number of its rows, in their order: the number's text and
# region (to check it is the number asked about), its PhoneResult's fields as finishing the
# row sets them (lost_leading_zero applied) and its national number.
_Answer = tuple[str, str | None, str | None, str, str, str, str | None]


def _read_numbers(rows: list[ParsedRow], region: str | None) -> list[_Answer]:
    """In the child: an answer for each number of its rows, in order. The rows are left as
    they are (cleaning them would write to every page they are on, each copied from the
    parent's first); each number's text and the record's countries are cleaned as
    `_clean_strings` cleans them, so the numbers are the ones the parent has. (Should this
    run in the parent after all, on rows cleaned already, a number that cleaning twice
    changes no longer matches its answer: `_Answers` then stops, and the rest are parsed
    when their rows are finished.)"""
    answers: list[_Answer] = []
    known: dict[PhoneKey, _Answer] = {}
    for row in rows:
        draft = row.draft
        if draft is None:
            continue
        phone_region = _record_region(draft, clean=True) or region
        for phone in draft.phones:
            if phone.e164:
                continue
            raw, _ = _clean_number(phone.raw)
            if not raw:
                continue
            answer = known.get((raw, phone_region))
            if answer is None:
                result = _row_phone_result(raw, phone_region)
                national = national_number_known(result.e164) if result.e164 else None
                answer = (raw, phone_region, result.e164, result.extension, result.warning,
                          result.code, national)  # fmt: skip
                known[(raw, phone_region)] = answer
            answers.append(answer)
    return answers


class _Answers:
    """The child's answers, taken in the order of the rows' numbers; one that is not about
    the number asked for (which cannot happen unless the rows changed) stops them all."""

    def __init__(self, answers: list[_Answer]) -> None:
        self._answers: Iterator[_Answer] | None = iter(answers)

    def take(self, raw: str, region: str | None) -> PhoneResult | None:
        if self._answers is None:
            return None
        answer = next(self._answers, None)
        if answer is None or answer[0] != raw or answer[1] != region:
            self._answers = None
            return None
        _, _, e164, extension, warning, code, national = answer
        if e164 and national is not None:
            remember_national_numbers({e164: national})
        return PhoneResult(e164, extension, warning, code)


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


def _finish_checked(
    row: ParsedRow, region: str | None, answers: _Answers | None = None
) -> ParsedRow:
    """The rest of `_finish_cleaned`, after the emails are checked; `answers` may hold
    the row's numbers parsed already (finish_rows)."""
    draft = row.draft
    if draft is None:
        return row
    _parse_phones(draft, region, row.warnings, answers)
    if draft.birthday and not is_birthday(draft.birthday):
        row.warnings.append(
            Issue("birthday", f"birthday {draft.birthday!r} is not a date; it was not imported")
        )
        draft.birthday = None
    if draft.is_empty():
        row.errors.append(Issue("", "the row holds no contact data", "empty_row"))
    _check_lengths(draft, row.errors)
    return row


_LIMITED_TEXTS = operator.attrgetter(*TEXT_LIMITS)
_SHORTEST_LIMIT = min(TEXT_LIMITS.values())


def _check_lengths(draft: ContactDraft, errors: list[Issue]) -> None:
    """A name or organization longer than a contact holds is a row error, not a cut: cells
    that long are usually a file whose columns slipped, and the person should see it."""
    if max(map(len, _LIMITED_TEXTS(draft))) <= _SHORTEST_LIMIT:
        return  # nearly every row: each text shorter than the shortest limit
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


def _record_region(draft: ContactDraft, clean: bool = False) -> str | None:
    """PRODUCT.md: a record's own address country decides the region of its numbers.
    `clean`: the draft is not cleaned yet; its countries are read as cleaning leaves them."""
    for address in draft.addresses:
        code = country_code(_clean(address.country) if clean else address.country)
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
            phone.raw, extension = _clean_number(phone.raw)
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


def _clean_number(raw: str) -> tuple[str, str]:
    """A number's text as cleaning leaves it, and the extension its tel: URI gave."""
    raw = _clean(raw)
    if raw[:4].lower() == "tel:":
        # PRODUCT.md: raw is kept without a URI scheme, whichever format carried it.
        return strip_tel_uri(raw)
    return raw, ""


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


def _row_phone_result(raw: str, region: str | None) -> PhoneResult:
    """A number of an imported row: parsed, and flagged if a spreadsheet took its 0."""
    result = parse_phone(raw, region)
    if result.e164:
        return lost_leading_zero(raw, region, result.e164) or result
    return result


def _parse_phones(
    draft: ContactDraft, region: str | None, warnings: list[Issue], answers: _Answers | None
) -> None:
    for index, phone in enumerate(draft.phones):
        if phone.e164:
            continue
        result = answers.take(phone.raw, region) if answers is not None else None
        if result is None:
            result = _row_phone_result(phone.raw, region)
        phone.e164 = result.e164
        if result.extension and not phone.extension:
            phone.extension = result.extension
        if result.warning:
            warnings.append(Issue(_field_name("phones", index), result.warning, result.code))
