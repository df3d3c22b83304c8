"""The relabel rule's fast number type answers exactly what libphonenumber answers."""

from __future__ import annotations

import random

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from calkeep.cleanup.rules.line_types import number_type
from calkeep.cleanup.rules.numbers import line_kind

_TYPES = [
    PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST, PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.PAGER, PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
]  # fmt: skip


def libphonenumber_type(e164: str) -> int:
    try:
        return int(phonenumbers.number_type(phonenumbers.parse(e164, None)))
    except phonenumbers.NumberParseException:
        return PhoneNumberType.UNKNOWN


def numbers_to_check() -> list[str]:
    """Every region's example number of every type, and numbers a digit or two off (often
    invalid, sometimes another type, sometimes another NANP region)."""
    rng = random.Random(7)
    found = set()
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in _TYPES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            e164 = phonenumbers.format_number(example, PhoneNumberFormat.E164)
            found.add(e164)
            for _ in range(4):
                digits = list(e164[1:])
                digits[rng.randrange(1, len(digits))] = str(rng.randint(0, 9))
                if rng.random() < 0.2:
                    digits.append(str(rng.randint(0, 9)))
                found.add("+" + "".join(digits))
            # The same number with the region's trunk prefix kept after the country code
            # (`+44 0 20…`, `+7 8 …`): libphonenumber may strip it when it parses.
            metadata = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
            prefix = metadata.national_prefix if metadata is not None else None
            if prefix:
                code = str(example.country_code)
                found.add(f"+{code}{prefix}{e164[1 + len(code) :]}")
    for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS:
        example = phonenumbers.example_number_for_non_geo_entity(code)
        if example is not None:
            found.add(phonenumbers.format_number(example, PhoneNumberFormat.E164))
    return sorted(found)


def test_the_fast_type_equals_libphonenumbers_for_every_region_and_type() -> None:
    checked = numbers_to_check()
    assert len(checked) > 5000
    wrong = [(n, number_type(n), libphonenumber_type(n)) for n in checked
             if number_type(n) != libphonenumber_type(n)]  # fmt: skip
    assert wrong == []


def test_numbers_not_in_canonical_form_are_read_as_libphonenumber_reads_them() -> None:
    for text in ["+66021123456", "+788001234567", "+490690001234", "+1 201 555 0123", "12", ""]:
        assert number_type(text) == libphonenumber_type(text), text


def test_line_kind_names_the_kinds_the_rule_uses() -> None:
    assert line_kind("+447911123456") == "mobile"
    assert line_kind("+442079460958") == "fixed"
    assert line_kind("+12015550123") == "fixed_or_mobile"
    assert line_kind("+18005550199") == "toll_free"
    assert line_kind("+443453000000") == "uan"
    assert line_kind("+0") == "unknown"
