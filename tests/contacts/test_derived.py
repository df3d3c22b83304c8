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


@given(st.lists(st.text(max_size=12) | st.text(st.characters(max_codepoint=127), max_size=12)))
def test_folding_parts_apart_is_folding_them_joined(parts: list[str]) -> None:
    """search_text_of folds each name on its own (and remembers it) and joins the results."""
    folded = " ".join(f for f in (fold_for_search(p) for p in parts if p) if f)
    assert folded == fold_for_search(" ".join(p for p in parts if p))


def test_search_text_folds_names_and_emails() -> None:
    from calkeep.contacts.models import search_text_of
    from tests.conftest import contact_values

    values = contact_values(
        given_name="  Zoë ", family_name="Ærø  Straße", organization="\u0301Acme", title=" ",
        emails=[{"value": "Zoe@Example.COM"}], phones=[],
    )  # fmt: skip
    values.update(display_name="", middle_name="", department="")
    assert search_text_of(values) == "zoe ærø strasse acme zoe@example.com"
