"""Phone numbers: parse what people write into E.164 with libphonenumber's rules, and say
plainly when a number cannot be trusted instead of guessing it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, re_util

from calkeep.formats.phone_parse import fast_parse
from calkeep.formats.phone_validity import is_valid_number
from calkeep.lib.forked import map_in_two
from calkeep.lib.progress import Progress
from calkeep.lib.text import digits_only

# phonenumbers compiles its metadata patterns on every use unless told to keep them; the
# lookups in the re module's cache were a third of the time of parsing a number.
re_util.enable_pattern_cache()

# Excel and LibreOffice turn long digit strings into floats: 447911123456 -> 4.47912E+11.
_SCIENTIFIC = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*[eE]\s*\+?\s*\d+\s*$")
_HAS_LETTERS = re.compile(r"[^\W\d_]{3,}")
_NOT_ASCII_DIGITS = re.compile(r"[^0-9]+")  # digits_only, for many strings at once
_EXTENSION_WORDS = re.compile(r"(?:ext\.?|extension|x|#)\s*\d+\s*$", re.IGNORECASE)
# How an export shows an extension the number does not show itself (`555-0100 ext. 45`).
# When the extension also travels on its own (CSV column, vCard parameter), our readers
# remove exactly this text again.
EXTENSION_SEPARATOR = " ext. "
_SHOWN_EXTENSION = r"(?:ext\.?|extension|x|#|;ext=)\s*{}\s*$"


@dataclass(frozen=True, slots=True)
class PhoneResult:
    e164: str | None
    extension: str = ""
    warning: str = ""
    code: str = ""


def shows_extension(raw: str, extension: str) -> bool:
    """Whether the number as written already ends in its extension (`555-0100 x45`)."""
    pattern = _SHOWN_EXTENSION.format(re.escape(extension))
    return re.search(pattern, raw, re.IGNORECASE) is not None


def strip_tel_uri(value: str) -> tuple[str, str]:
    """`tel:+1-201-555-0123;ext=45` -> ("+1-201-555-0123", "45") (RFC 3966)."""
    text = value.strip()
    if not text.lower().startswith("tel:"):
        return text, ""
    number, *params = text[4:].split(";")
    extension = ""
    for param in params:
        name, _, val = param.partition("=")
        if name.strip().lower() == "ext":
            extension = val.strip()
    return number.strip(), extension


# (raw, region) -> result, oldest first. A dict rather than lru_cache so a batch can fill it
# with results worked out in another process (parse_phones).
_RESULTS: dict[tuple[str, str | None], PhoneResult] = {}
_RESULTS_MAX = 200_000
# Below this many numbers to parse a second process is not worth its start.
_FORK_MIN_NUMBERS = 20_000


def parse_phone(raw: str, region: str | None) -> PhoneResult:
    """E.164 for a number libphonenumber calls valid; otherwise None and a warning."""
    key = (raw, region)
    result = _RESULTS.get(key)
    if result is None:
        result = read_phone(raw, region)
        _remember(key, result)
    return result


def parse_phones(
    numbers: Iterable[tuple[str, str | None]],
    progress: Progress | None = None,
    fork: bool = True,
) -> None:
    """Parse many (raw, region) pairs ahead of `parse_phone` asking for them one by one:
    each distinct pair once, on two cores when there are many and `fork` allows it
    (lib/forked.py). `progress` hears how many are parsed ("phones")."""
    todo = [key for key in dict.fromkeys(numbers) if key not in _RESULTS]
    counted = None if progress is None else lambda done: progress("phones", done, len(todo))
    least = _FORK_MIN_NUMBERS if fork else len(todo) + 1
    remember_phones(zip(todo, map_in_two(_read_as_tuple, todo, least, counted), strict=True))


# A number to parse: its text and the region it is read in.
PhoneKey = tuple[str, str | None]
# A parsed number as plain values, cheap to pickle: e164, extension, warning, code and the
# national number.
PlainPhone = tuple[str | None, str, str, str, str | None]


def remember_phones(results: Iterable[tuple[PhoneKey, PlainPhone]]) -> None:
    """Keep results worked out in another process (parse_phones) for `parse_phone`."""
    for key, (e164, extension, warning, code, national) in results:
        _remember(key, PhoneResult(e164, extension, warning, code))
        if e164 and national is not None:
            _NATIONAL_NUMBERS[e164] = national


def national_number_known(e164: str) -> str | None:
    """The national number remembered for this E.164 number, if it was parsed here."""
    return _NATIONAL_NUMBERS.get(e164)


def forget_results() -> None:
    """Empty the caches of parsed numbers (not the national numbers of E.164s, which the
    search text of new contacts asks for)."""
    _RESULTS.clear()
    lost_leading_zero.cache_clear()


def _read_as_tuple(key: tuple[str, str | None]) -> PlainPhone:
    """read_phone's result and national number as plain values (cheap to pickle)."""
    result = read_phone(*key)
    national = _NATIONAL_NUMBERS.get(result.e164) if result.e164 else None
    return result.e164, result.extension, result.warning, result.code, national


def _remember(key: tuple[str, str | None], result: PhoneResult) -> None:
    if len(_RESULTS) >= _RESULTS_MAX:
        for old in list(itertools.islice(_RESULTS, _RESULTS_MAX // 2)):
            _RESULTS.pop(old, None)  # another thread may have dropped it already
    _RESULTS[key] = result


def read_phone(raw: str, region: str | None) -> PhoneResult:
    """parse_phone without the cache."""
    text = raw.strip()
    if not text:
        return PhoneResult(None, warning="empty phone number", code="phone_empty")
    if _SCIENTIFIC.match(text):
        return PhoneResult(
            None,
            warning=f"{text!r} looks like a number a spreadsheet turned into scientific "
            "notation; its last digits are lost, so it was kept as written",
            code="phone_spreadsheet_damage",
        )
    # (A number without three letters in a row cannot get them by losing its extension.)
    if (
        _HAS_LETTERS.search(text)
        and _HAS_LETTERS.search(_EXTENSION_WORDS.sub("", text))
        and len(digits_only(text)) < 3
    ):
        return PhoneResult(
            None, warning=f"{text!r} is not a phone number", code="phone_not_a_number"
        )
    number, valid, via_exit_code = _parse(text, region)
    if number is None:
        return PhoneResult(
            None, warning=f"{text!r} could not be read as a phone number", code="phone_unparsed"
        )
    extension = number.extension or ""
    if not valid:
        return _invalid(text, region, extension)
    e164 = _e164(number)
    _remember_national_number(e164, number)
    if via_exit_code:
        return PhoneResult(
            e164,
            extension,
            f"{text!r}: the leading 00 was read as an international call prefix",
            "phone_international_prefix",
        )
    return PhoneResult(e164, extension)


def _parse(text: str, region: str | None) -> tuple[phonenumbers.PhoneNumber | None, bool, bool]:
    """The number, whether it is valid, and whether a leading 00 had to be read as an exit
    code to make it valid (`0049 30 ...` written in a country whose exit code is 011)."""
    try:
        number = fast_parse(text, region)
    except NumberParseException:
        number = None
    if number is not None and is_valid_number(number):
        return number, True, False
    plain = text.lstrip()
    if plain.startswith("00") and not plain.startswith("000"):
        try:
            alternative = fast_parse("+" + plain[2:], None)
        except NumberParseException:
            return number, False, False
        if is_valid_number(alternative):
            return alternative, True, True
    return number, False, False


@lru_cache(maxsize=20_000)
def lost_leading_zero(raw: str, region: str | None, e164: str) -> PhoneResult | None:
    """For imported cells: a bare digit cell (`7911123456`) in a country whose numbers are
    written with a leading 0 is what a spreadsheet leaves of `07911 123456`. libphonenumber
    still reads it, but the cell was damaged: flag it and keep it as written, never guess.
    (A person typing `7911 123456` in a form just left the 0 out: forms don't ask this.)"""
    text = raw.strip()
    if not region or not text.isdigit() or text.startswith("0"):
        return None
    if _national_prefix(region) != "0":
        return None  # US/CA write no trunk 0: a bare 10-digit cell is how they look
    repaired, valid, _ = _parse("0" + text, region)
    if repaired is None or not valid or _e164(repaired) != e164:
        return None
    return PhoneResult(
        None,
        warning=f"{text!r} looks like a number that lost its leading 0 in a spreadsheet "
        f"({e164} if so); it was kept as written",
        code="phone_lost_leading_zero",
    )


def _invalid(text: str, region: str | None, extension: str) -> PhoneResult:
    digits = digits_only(text)
    if region and digits == text.strip() and not digits.startswith("0"):
        prefix = _national_prefix(region)
        if prefix:
            repaired, valid, _ = _parse(prefix + digits, region)
            if repaired is not None and valid:
                return PhoneResult(
                    None,
                    extension,
                    f"{text!r} is not a valid number; it may have lost its leading {prefix} "
                    f"in a spreadsheet ({_e164(repaired)} if so), so it was kept as written",
                    "phone_lost_leading_zero",
                )
    where = f" for region {region}" if region and not text.lstrip().startswith("+") else ""
    return PhoneResult(
        None, extension, f"{text!r} is not a valid phone number{where}", "phone_invalid"
    )


@lru_cache(maxsize=512)
def _national_prefix(region: str) -> str:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return (metadata.national_prefix or "") if metadata is not None else ""


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def region_for_country(country: str) -> str | None:
    """A country as written in an address ("Deutschland", "USA", "GB") -> ISO region."""
    from calkeep.formats.countries import country_code

    return country_code(country)


@lru_cache(maxsize=50_000)
def number_kind(e164: str) -> str:
    """`mobile`, `fixed`, `fixed_or_mobile`, `toll_free` or `other` (for relabel rules)."""
    kind = phonenumbers.number_type(phonenumbers.parse(e164, None))
    return {
        PhoneNumberType.MOBILE: "mobile",
        PhoneNumberType.FIXED_LINE: "fixed",
        PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
        PhoneNumberType.TOLL_FREE: "toll_free",
    }.get(kind, "other")


def phone_digits_variants(raw: str, e164: str | None) -> list[str]:
    """Digit strings a search for this number should hit: E.164 digits, national number."""
    variants = {_NOT_ASCII_DIGITS.sub("", raw)}
    if e164:
        variants.add(e164.lstrip("+"))
        national = national_number(e164)
        if national is not None:
            variants.add(national)
    return sorted(v for v in variants if len(v) >= 3)


# E.164 -> national number (without leading zeros), as parsing the E.164 form gives it.
# parse_phone fills it for each valid number it reads, so the contacts an import writes
# find their numbers here instead of being parsed a second time. A valid number reads back
# from its E.164 form as the same number (libphonenumber's round trip; tests check it).
_NATIONAL_NUMBERS: dict[str, str] = {}
_NATIONAL_NUMBERS_MAX = 250_000


def _remember_national_number(e164: str, number: phonenumbers.PhoneNumber) -> None:
    if len(_NATIONAL_NUMBERS) >= _NATIONAL_NUMBERS_MAX:
        _NATIONAL_NUMBERS.clear()
    _NATIONAL_NUMBERS[e164] = str(number.national_number)


def known_national_numbers(numbers: Iterable[str]) -> dict[str, str]:
    """The national numbers remembered for these E.164 numbers (those parsed in this
    process), for a stored reading of the file (transfers/readings.py)."""
    return {e164: _NATIONAL_NUMBERS[e164] for e164 in numbers if e164 in _NATIONAL_NUMBERS}


def remember_national_numbers(numbers: Mapping[str, str]) -> None:
    """Remember national numbers `known_national_numbers` gave in the process that parsed
    them: the contacts of a reading taken back are written without parsing them again."""
    if len(_NATIONAL_NUMBERS) + len(numbers) > _NATIONAL_NUMBERS_MAX:
        _NATIONAL_NUMBERS.clear()
    _NATIONAL_NUMBERS.update(numbers)


def national_number(e164: str) -> str | None:
    """`str(phonenumbers.parse(e164).national_number)`, None when it does not parse."""
    known = _NATIONAL_NUMBERS.get(e164)
    if known is not None:
        return known
    try:
        return str(fast_parse(e164, None).national_number)
    except NumberParseException:
        return None
