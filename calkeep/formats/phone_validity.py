"""`phonenumbers.is_valid_number`, answered the same way in a fraction of the time.

libphonenumber calls a number valid when the region its country code points to (for a
shared code such as +1, the first region in the list whose leading digits or number
patterns claim it) has a number type whose pattern the national significant number matches.
`phonenumbers` tries each type's pattern in turn, looking each one up again for every
number: about 10 µs a number, 60 µs for an unknown +1 number that is tried against all
25 NANP regions. Here each region's patterns that can apply to a number of a given length
are folded once into one expression (the general pattern as a look-ahead, then every type
pattern as alternatives), so a region costs one match. The rules (possible lengths, the
mobile pattern skipped when it equals the fixed-line one, the region choice) are
libphonenumber's own, step for step; tests compare both on every region's numbers.
"""

from __future__ import annotations

import re

from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    REGION_CODE_FOR_NON_GEO_ENTITY,
    PhoneMetadata,
    PhoneNumber,
)
from phonenumbers.phonemetadata import PhoneNumberDesc

# Every type `phonenumbers._number_type_helper` tries, in its order; `mobile` is handled
# apart because it is skipped when its pattern is the fixed-line one.
_TYPE_DESCS = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
    "voicemail", "fixed_line",
)  # fmt: skip


def is_valid_number(number: PhoneNumber) -> bool:
    """Exactly `phonenumbers.is_valid_number(number)`."""
    code = number.country_code
    regions = COUNTRY_CODE_TO_REGION_CODE.get(code) if code is not None else None
    if not regions or code is None:
        return False
    nsn = _national_significant_number(number)
    if len(regions) == 1:
        return _valid_in_single_region(code, regions[0], nsn)
    for metadata, leading in _candidates(code, regions):
        if leading is not None:
            if leading.match(nsn):
                return metadata.country_code == code and _has_known_type(metadata, nsn)
        elif _has_known_type(metadata, nsn):
            return metadata.country_code == code
    return False


# country code -> (metadata, compiled leading digits) of each of its regions that has
# metadata, in libphonenumber's order. Built on first use: metadata loads lazily.
_CANDIDATES: dict[int, tuple[tuple[PhoneMetadata, re.Pattern[str] | None], ...]] = {}


def _candidates(
    code: int, regions: tuple[str, ...]
) -> tuple[tuple[PhoneMetadata, re.Pattern[str] | None], ...]:
    found = _CANDIDATES.get(code)
    if found is None:
        entries = []
        for region in regions:
            metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
            if metadata is not None:
                leading = metadata.leading_digits
                entries.append((metadata, None if leading is None else re.compile(leading)))
        found = _CANDIDATES[code] = tuple(entries)
    return found


def _valid_in_single_region(code: int, region: str, nsn: str) -> bool:
    if region == REGION_CODE_FOR_NON_GEO_ENTITY:
        metadata = PhoneMetadata.metadata_for_nongeo_region(code, None)
    else:
        metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is not None and metadata.country_code != code:
            return False
    return metadata is not None and _has_known_type(metadata, nsn)


def _national_significant_number(number: PhoneNumber) -> str:
    zeros = ""
    if number.italian_leading_zero:
        count = number.number_of_leading_zeros
        zeros = "0" * (1 if count is None else count)
    return zeros + str(number.national_number)


# (region id, country code, length) -> the folded pattern, None when no type can match.
# Bounded by the regions and lengths there are (a few thousand at most).
_KNOWN_TYPE: dict[tuple[str, int | None, int], re.Pattern[str] | None] = {}


def _has_known_type(metadata: PhoneMetadata, nsn: str) -> bool:
    """`_number_type_helper(nsn, metadata) != UNKNOWN`."""
    key = (metadata.id, metadata.country_code, len(nsn))
    try:
        pattern = _KNOWN_TYPE[key]
    except KeyError:
        pattern = _KNOWN_TYPE[key] = _known_type_pattern(metadata, len(nsn))
    return pattern is not None and pattern.fullmatch(nsn) is not None


def _known_type_pattern(metadata: PhoneMetadata, length: int) -> re.Pattern[str] | None:
    general = pattern_for_length(metadata.general_desc, length)
    if general is None:
        return None
    descs = [getattr(metadata, name) for name in _TYPE_DESCS]
    if not metadata.same_mobile_and_fixed_line_pattern:
        descs.append(metadata.mobile)
    types = [p for p in (pattern_for_length(d, length) for d in descs) if p is not None]
    if not types:
        return None
    alternatives = "|".join(f"(?:{p})" for p in types)
    return re.compile(f"(?=(?:{general})\\Z)(?:{alternatives})")


def pattern_for_length(desc: PhoneNumberDesc | None, length: int) -> str | None:
    """The desc's pattern when `_is_number_matching_desc` would try it on this length."""
    if desc is None:
        return None
    lengths = desc.possible_length
    if lengths and length not in lengths:
        return None
    return desc.national_number_pattern or None
