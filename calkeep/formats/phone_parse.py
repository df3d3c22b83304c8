"""`phonenumbers.parse` for the everyday way of writing a number, in half the time.

Most numbers in a file are digits with spaces, dots, hyphens or parentheses between them,
perhaps led by one `+`: `(201) 555-0123`, `+44 20 7946 0958`, `030.1234567`. For such text
(3 to 250 characters' worth, at least three digits, the `+` before every digit) the first
half of `phonenumbers.parse` cannot change anything, step by step in its own order:

- `_build_national_number_for_parsing` keeps the text from the first `+` or digit to the
  last digit (no `;phone-context=`, nothing after a second number to cut);
- `_is_viable_phone_number` accepts it: three or more digits with only its punctuation;
- `_check_region_for_parsing` refuses it only without a `+` and without a known region
  (that case is left to phonenumbers itself here);
- `_maybe_strip_extension` finds nothing: every extension form needs a letter, `#`, `~`,
  `,` or `;`;
- everything after works on the text normalized to its digits, so `+` and the digits
  alone give the same result as the text with its punctuation.

So `fast_parse` starts at the country calling code with the digits alone and from there runs
the rest of `phonenumbers.parse` (its own private steps, in its order; the country code step
itself is rewritten for such digits, without the normalizing of each character that
cannot change them). Any other text goes
to `phonenumbers.parse` unchanged. Tests compare both on every region's numbers written in
many ways; phonenumbers is pinned below 10 (pyproject) since this follows its internals.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumber
from phonenumbers import phonenumberutil as pnu
from phonenumbers.re_util import re_compile

_SIMPLE = re.compile(r"[ ().\-]*(\+?)[ ().\-]*([0-9][0-9 ().\-]*)")
_NOT_DIGITS = re.compile(r"[^0-9]+")
_SHORTENING_RESULTS = (
    pnu.ValidationResult.TOO_SHORT,
    pnu.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    pnu.ValidationResult.INVALID_LENGTH,
)


def fast_parse(text: str, region: str | None) -> PhoneNumber:
    """Exactly `phonenumbers.parse(text, region)` (the same number or the same exception)."""
    match = _SIMPLE.fullmatch(text) if len(text) <= pnu._MAX_INPUT_STRING_LENGTH else None
    if match is None:
        return phonenumbers.parse(text, region)
    plus, rest = match.groups()
    digits = _NOT_DIGITS.sub("", rest)
    if len(digits) < 3 or (not plus and not pnu._is_valid_region_code(region)):
        return phonenumbers.parse(text, region)
    return _parse_digits(plus + digits, region)


def _extract_country_code(
    number: str, metadata: PhoneMetadata | None, numobj: PhoneNumber
) -> tuple[int, str]:
    """`phonenumbers._maybe_extract_country_code(number, metadata, False, numobj)` for
    ASCII digits perhaps led by one `+`: its steps in its order, without normalizing the
    text character by character first (for such text that changes nothing, and it was a
    fifth of the time of a parse)."""
    if not number:
        return 0, ""
    if number[0] == "+":
        from_default, full_number = False, number[1:]
    else:
        prefix = "NonMatch"  # phonenumbers' prefix that never matches
        if metadata is not None and metadata.international_prefix is not None:
            prefix = metadata.international_prefix
        stripped, full_number = pnu._parse_prefix_as_idd(re_compile(prefix), number)
        from_default = not stripped
    if not from_default:
        if len(full_number) <= pnu._MIN_LENGTH_FOR_NSN:
            raise NumberParseException(
                NumberParseException.TOO_SHORT_AFTER_IDD,
                "Phone number had an IDD, but after this was not "
                "long enough to be a viable phone number.",
            )
        code, rest = pnu._extract_country_code(full_number)
        if code != 0:
            numobj.country_code = code
            return code, rest
        raise NumberParseException(
            NumberParseException.INVALID_COUNTRY_CODE,
            "Country calling code supplied was not recognised.",
        )
    default_code = None if metadata is None else metadata.country_code
    if metadata is not None and default_code is not None:
        code_text = str(default_code)  # (a code of None, as text, starts no digits either)
        if full_number.startswith(code_text):
            general = metadata.general_desc
            _, potential, _ = pnu._maybe_strip_national_prefix_carrier_code(
                full_number[len(code_text) :], metadata
            )
            if (
                not pnu._match_national_number(full_number, general, False)
                and pnu._match_national_number(potential, general, False)
            ) or pnu._test_number_length(full_number, metadata) == pnu.ValidationResult.TOO_LONG:
                numobj.country_code = default_code
                return default_code, potential
    numobj.country_code = 0
    return 0, ""


def _parse_digits(number: str, region: str | None) -> PhoneNumber:
    """The rest of phonenumbers.parse, from its `metadata = ...` on, for `+digits` or
    `digits` (its national_number, already without punctuation and extension)."""
    numobj = PhoneNumber()
    metadata = None if region is None else PhoneMetadata.metadata_for_region(region.upper(), None)
    try:
        country_code, national = _extract_country_code(number, metadata, numobj)
    except NumberParseException as error:
        if error.error_type != NumberParseException.INVALID_COUNTRY_CODE or number[0] != "+":
            raise
        country_code, national = _extract_country_code(number[1:], metadata, numobj)
        if country_code == 0:
            raise NumberParseException(
                NumberParseException.INVALID_COUNTRY_CODE,
                "Could not interpret numbers after plus-sign.",
            ) from None
    if country_code != 0:
        number_region = pnu.region_code_for_country_code(country_code)
        if number_region != region:
            metadata = PhoneMetadata.metadata_for_region_or_calling_code(
                country_code, number_region
            )
    else:
        national += number  # the digits themselves (phonenumbers: _normalize(number))
        if region is not None:  # as in phonenumbers: a region without metadata fails here
            numobj.country_code = metadata.country_code  # type: ignore[union-attr]
    if len(national) < pnu._MIN_LENGTH_FOR_NSN:
        raise NumberParseException(
            NumberParseException.TOO_SHORT_NSN,
            "The string supplied is too short to be a phone number.",
        )
    if metadata is not None:
        _, potential, _ = pnu._maybe_strip_national_prefix_carrier_code(national, metadata)
        if pnu._test_number_length(potential, metadata) not in _SHORTENING_RESULTS:
            national = potential
    if len(national) < pnu._MIN_LENGTH_FOR_NSN:
        raise NumberParseException(
            NumberParseException.TOO_SHORT_NSN,
            "The string supplied is too short to be a phone number.",
        )
    if len(national) > pnu._MAX_LENGTH_FOR_NSN:
        raise NumberParseException(
            NumberParseException.TOO_LONG, "The string supplied is too long to be a phone number."
        )
    pnu._set_italian_leading_zeros_for_phone_number(national, numobj)
    numobj.national_number = int(national)
    return numobj
