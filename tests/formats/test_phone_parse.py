"""fast_parse is phonenumbers.parse: the same number, or the same exception, for any text."""

from __future__ import annotations

import random
from typing import Any

import phonenumbers
from hypothesis import example, given
from hypothesis import strategies as st
from phonenumbers import NumberParseException

from calkeep.formats.phone_parse import fast_parse
from tests.formats.test_phones import EXAMPLES, _mutations, _written_forms

REGIONS = ["US", "DE", "GB", "FR", "JP", "IT", "AR", "BR", "IN", "AU", "CH", "MX", "RU", "CN",
           "NL", "SE", "CA", "001", "XX", None]  # fmt: skip


def outcome(parse: Any, text: str, region: str | None) -> tuple[Any, ...]:
    try:
        n = parse(text, region)
    except NumberParseException as error:
        return ("error", error.error_type)
    except Exception as error:  # the same crash counts as the same answer
        return ("crash", type(error).__name__)
    return (
        n.country_code, n.national_number, n.extension, n.italian_leading_zero,
        n.number_of_leading_zeros, n.raw_input, n.country_code_source,
        n.preferred_domestic_carrier_code,
    )  # fmt: skip


def test_every_regions_numbers_written_many_ways() -> None:
    rng = random.Random(17)
    checked = 0
    for code, region, nsn in EXAMPLES:
        for digits in _mutations(rng, nsn, 2):
            for text in _written_forms(rng, code, region, digits):
                default = rng.choice(REGIONS)
                assert outcome(fast_parse, text, default) == outcome(
                    phonenumbers.parse, text, default
                ), (text, default)
                checked += 1
    assert checked > 20_000


def test_country_codes_without_plus_and_after_exit_codes() -> None:
    """The country calling code step, done here without phonenumbers' normalizing: a number
    led by its region's code without `+` (kept or taken as the code, by its length), or by
    an exit code (00, 011, the region's own) or a code no country has."""
    rng = random.Random(23)
    checked = 0
    for code, region, nsn in EXAMPLES:
        default = region if region != "001" else None
        texts = (f"{code}{nsn}", f"{code} {nsn}", f"{code}{nsn}{nsn[:3]}", f"011{code}{nsn}",
                 f"00{code}{nsn}", f"0{code}{nsn}", f"+{rng.randint(800, 999)}{nsn}")  # fmt: skip
        for text in texts:
            for where in (default, rng.choice(REGIONS)):
                assert outcome(fast_parse, text, where) == outcome(
                    phonenumbers.parse, text, where
                ), (text, where)
                checked += 1
    assert checked > 1000


@given(st.text(st.sampled_from("0123456789 ().-+"), max_size=24), st.sampled_from(REGIONS))
@example("+", "US")
@example("(+44) 20 7946 0958", None)
@example("+0 123", "US")
@example("0", "DE")
@example("12", "US")
@example("1 2", "US")
@example("011 44 20 7946 0958", "US")
@example("1" * 251, "US")
def test_digits_and_punctuation(text: str, region: str | None) -> None:
    assert outcome(fast_parse, text, region) == outcome(phonenumbers.parse, text, region)


@given(st.text(max_size=20), st.sampled_from(REGIONS))
def test_anything_else_is_left_to_phonenumbers(text: str, region: str | None) -> None:
    assert outcome(fast_parse, text, region) == outcome(phonenumbers.parse, text, region)
