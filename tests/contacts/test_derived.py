"""The derived search text and key rows: the fast paths give what the general ones give."""

from __future__ import annotations

import contextlib
import unicodedata

import phonenumbers
from hypothesis import given
from hypothesis import strategies as st

from calkeep.formats.phones import phone_digits_variants
from calkeep.lib.text import digits_only, fold_for_search


def _reference_fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


@given(st.text() | st.text(st.characters(max_codepoint=127)))
def test_folding_with_its_ascii_shortcut_matches_the_general_rule(text: str) -> None:
    assert fold_for_search(text) == _reference_fold(text)


def _reference_variants(raw: str, e164: str | None) -> list[str]:
    variants = {digits_only(raw)}
    if e164:
        variants.add(e164.lstrip("+"))
        with contextlib.suppress(phonenumbers.NumberParseException):
            variants.add(str(phonenumbers.parse(e164, None).national_number))
    return sorted(v for v in variants if len(v) >= 3)


@given(
    st.text(st.sampled_from("0123456789 +-().x٣") | st.characters(), max_size=20),
    st.sampled_from([None, "+12015550123", "+390669821234", "+442079460958", "+"]),
)
def test_phone_digit_variants_match_parsing_the_e164_again(raw: str, e164: str | None) -> None:
    assert phone_digits_variants(raw, e164) == _reference_variants(raw, e164)
