"""Phone parsing stays libphonenumber's reading, however it is sped up: the fast validity
check, the single validity call per number and the remembered national numbers must give
exactly what the plain `phonenumbers` calls give."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st
from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    NumberParseException,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
)

from calkeep.formats import phones
from calkeep.formats.phone_validity import is_valid_number
from calkeep.formats.phones import PhoneResult, national_number, parse_phone, read_phone
from calkeep.lib.text import digits_only

_TYPES = [t for t in vars(PhoneNumberType).values() if isinstance(t, int)]


def _example_numbers() -> list[tuple[int, str, str]]:
    """(country code, region, national significant number) of every example number."""
    found = []
    for code, regions in COUNTRY_CODE_TO_REGION_CODE.items():
        for region in regions:
            for kind in _TYPES:
                if region == "001":
                    number = phonenumbers.example_number_for_non_geo_entity(code)
                else:
                    number = phonenumbers.example_number_for_type(region, kind)
                if number is not None:
                    nsn = phonenumbers.national_significant_number(number)
                    found.append((code, region, nsn))
        found.append((code, regions[0], ""))
    return found


EXAMPLES = _example_numbers()


def _number(code: int, digits: str) -> PhoneNumber:
    number = PhoneNumber(country_code=code, national_number=int(digits))
    if digits.startswith("0") and int(digits):
        number.italian_leading_zero = True
        zeros = len(digits) - len(digits.lstrip("0"))
        if zeros > 1:
            number.number_of_leading_zeros = zeros
    return number


def _mutations(rng: random.Random, nsn: str, count: int) -> list[str]:
    """Digit strings near a real number (its last digits changed, one digit more or less)
    and far from it, so both valid and invalid numbers of every region come up."""
    found = []
    for _ in range(count):
        if nsn and rng.random() < 0.6:
            keep = max(0, len(nsn) - rng.randint(0, 5))
            length = len(nsn) + rng.choice((0, 0, 0, -1, 1))
        else:
            keep = rng.randint(0, len(nsn))
            length = rng.randint(max(1, keep - 2), 17)
        tail = "".join(rng.choice("0123456789") for _ in range(max(0, length - keep)))
        found.append((nsn[:keep] + tail)[:length] or "1")
    return found


def test_validity_agrees_with_phonenumbers_in_every_region() -> None:
    rng = random.Random(20261203)
    checked = valid = 0
    for code, _, nsn in EXAMPLES:
        for digits in _mutations(rng, nsn, 12):
            number = _number(code, digits)
            expected = phonenumbers.is_valid_number(number)
            assert is_valid_number(number) == expected, (code, digits)
            checked += 1
            valid += expected
    assert checked > 10_000 and valid > 2_000  # both answers were really exercised


def test_validity_of_unknown_country_codes_is_false() -> None:
    for code in (0, 999, 888_888):
        number = PhoneNumber(country_code=code, national_number=2015550123)
        assert is_valid_number(number) is phonenumbers.is_valid_number(number) is False


def _reference_parse_phone(raw: str, region: str | None) -> PhoneResult:
    """parse_phone as first written: plain phonenumbers calls, validity asked each time."""
    text = raw.strip()
    if not text:
        return PhoneResult(None, warning="empty phone number", code="phone_empty")
    if phones._SCIENTIFIC.match(text):
        return PhoneResult(
            None,
            warning=f"{text!r} looks like a number a spreadsheet turned into scientific "
            "notation; its last digits are lost, so it was kept as written",
            code="phone_spreadsheet_damage",
        )
    if (
        phones._HAS_LETTERS.search(phones._EXTENSION_WORDS.sub("", text))
        and len(digits_only(text)) < 3
    ):
        return PhoneResult(
            None, warning=f"{text!r} is not a phone number", code="phone_not_a_number"
        )
    number, via_exit_code = _reference_parse(text, region)
    if number is None:
        return PhoneResult(
            None, warning=f"{text!r} could not be read as a phone number", code="phone_unparsed"
        )
    extension = number.extension or ""
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number):
        return _reference_invalid(text, region, extension)
    if via_exit_code:
        message = f"{text!r}: the leading 00 was read as an international call prefix"
        return PhoneResult(e164, extension, message, "phone_international_prefix")
    return PhoneResult(e164, extension)


def _reference_parse(text: str, region: str | None) -> tuple[PhoneNumber | None, bool]:
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number):
        return number, False
    plain = text.lstrip()
    if plain.startswith("00") and not plain.startswith("000"):
        try:
            alternative = phonenumbers.parse("+" + plain[2:], None)
        except NumberParseException:
            return number, False
        if phonenumbers.is_valid_number(alternative):
            return alternative, True
    return number, False


def _reference_invalid(text: str, region: str | None, extension: str) -> PhoneResult:
    digits = digits_only(text)
    if region and digits == text.strip() and not digits.startswith("0"):
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        prefix = (metadata.national_prefix or "") if metadata is not None else ""
        if prefix:
            repaired, _ = _reference_parse(prefix + digits, region)
            if repaired is not None and phonenumbers.is_valid_number(repaired):
                e164 = phonenumbers.format_number(repaired, PhoneNumberFormat.E164)
                return PhoneResult(
                    None,
                    extension,
                    f"{text!r} is not a valid number; it may have lost its leading {prefix} "
                    f"in a spreadsheet ({e164} if so), so it was kept as written",
                    "phone_lost_leading_zero",
                )
    where = f" for region {region}" if region and not text.lstrip().startswith("+") else ""
    return PhoneResult(
        None, extension, f"{text!r} is not a valid phone number{where}", "phone_invalid"
    )


def _written_forms(rng: random.Random, code: int, region: str, nsn: str) -> list[str]:
    """How people write a number: national with its trunk prefix or without, international
    with + or 00, spaced, dashed, with an extension, or cut short."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    prefix = (metadata.national_prefix or "") if metadata is not None else ""
    spaced = " ".join(nsn[i : i + 3] for i in range(0, len(nsn), 3))
    return [
        nsn, prefix + nsn, f"+{code} {spaced}", f"00{code} {nsn}", f"({nsn[:3]}) {nsn[3:]}",
        f"+{code}-{nsn[:-1]}", f"{prefix}{nsn} ext. {rng.randint(1, 999)}", f"{nsn[:4]}.{nsn[4:]}",
    ]  # fmt: skip


def test_parse_phone_agrees_with_plain_phonenumbers_calls() -> None:
    rng = random.Random(7)
    regions = ["US", "DE", "GB", "FR", "JP", "CA", "IT", "AR", "BR", "IN", "AU", "CH", None]
    checked = 0
    for code, region, nsn in rng.sample(EXAMPLES, 1500):
        for digits in _mutations(rng, nsn, 2):
            for text in _written_forms(rng, code, region, digits):
                default = rng.choice([*regions, region if region != "001" else None])
                expected = _reference_parse_phone(text, default)
                assert read_phone(text, default) == expected, (text, default)
                checked += 1
    assert checked > 20_000


@given(
    st.text(st.sampled_from("0123456789 +-().#x/eE,;"), max_size=24),
    st.sampled_from(["US", "DE", "GB", "AR", "IT", None]),
)
def test_parse_phone_agrees_on_any_digits_and_punctuation(text: str, region: str | None) -> None:
    assert read_phone(text, region) == _reference_parse_phone(text, region)


@pytest.mark.parametrize(
    ("raw", "region", "e164", "code"),
    [
        ("(201) 555-0123", "US", "+12015550123", ""),
        ("201 555 012", "US", None, "phone_invalid"),
        ("0044 20 7946 0958", "US", "+442079460958", "phone_international_prefix"),
        ("0044 20 7946 0958", "DE", "+442079460958", ""),
        ("030 1234567", "DE", "+49301234567", ""),
        ("301234567", "DE", "+49301234567", ""),
        ("+39 06 6982 1234", None, "+390669821234", ""),
        ("4.47912E+11", "GB", None, "phone_spreadsheet_damage"),
    ],
)
def test_parse_phone_examples(raw: str, region: str | None, e164: str | None, code: str) -> None:
    result = read_phone(raw, region)
    assert (result.e164, result.code) == (e164, code)


def test_national_number_of_a_parsed_number_is_what_parsing_its_e164_gives() -> None:
    rng = random.Random(11)
    for code, _, nsn in rng.sample(EXAMPLES, 800):
        for digits in _mutations(rng, nsn, 3):
            result = parse_phone(f"+{code} {digits}", None)
            if result.e164 is None:
                continue
            assert national_number(result.e164) == str(
                phonenumbers.parse(result.e164, None).national_number
            )


def test_national_number_of_an_e164_never_seen_is_parsed() -> None:
    phones._NATIONAL_NUMBERS.pop("+390669821234", None)
    assert national_number("+390669821234") == "669821234"
    assert national_number("+") is None


def test_parsing_a_batch_gives_what_parsing_one_by_one_gives() -> None:
    rng = random.Random(3)
    numbers = [
        (text, rng.choice(["US", "DE", None]))
        for code, region, nsn in rng.sample(EXAMPLES, 300)
        for text in _written_forms(rng, code, region, nsn)[:3]
    ]
    phones._RESULTS.clear()
    phones.parse_phones(numbers)
    assert all(key in phones._RESULTS for key in numbers)
    assert [parse_phone(*key) for key in numbers] == [read_phone(*key) for key in numbers]


def test_the_result_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phones, "_RESULTS_MAX", 10)
    phones._RESULTS.clear()
    for number in range(2125550100, 2125550130):
        assert parse_phone(str(number), "US") == read_phone(str(number), "US")
        assert len(phones._RESULTS) <= 10


@pytest.mark.parametrize(
    ("raw", "region", "flagged"),
    [
        ("7911123456", "GB", True),  # 07911 123456 after a spreadsheet
        ("301234567", "DE", True),
        ("07911123456", "GB", False),
        ("7911 123456", "GB", False),  # typed with a space: not a number cell
        ("2015550123", "US", False),  # the US writes no trunk 0
        ("447911123456", "GB", False),
    ],
)
def test_an_imported_digit_cell_that_lost_its_leading_zero_is_flagged(
    raw: str, region: str, flagged: bool
) -> None:
    result = read_phone(raw, region)
    assert result.e164 is not None
    damaged = phones.lost_leading_zero(raw, region, result.e164)
    assert (damaged is not None) == flagged
    if damaged is not None:
        assert damaged.e164 is None and damaged.code == "phone_lost_leading_zero"
        assert result.e164 in damaged.warning
