"""dedupe_phone_variants: one number written several ways (country code or not, dashes,
brackets, a `1` trunk prefix) becomes one entry, by its E.164 form."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from calkeep.cleanup.rules.dedupe_phone_variants import dedupe_phone_variants
from tests.contact_strategies import phones as phone_entries
from tests.contact_strategies import stored_contacts


def phone(raw: str, label: str = "", e164: str | None = None, extension: str = "") -> dict:
    return {"raw": raw, "e164": e164, "label": label, "extension": extension}


def dedupe(phones: list[dict], region: str = "US", **values: Any) -> list[dict]:
    return list(dedupe_phone_variants({"phones": phones, **values}, region)["phones"])


def test_three_spellings_of_one_us_number_become_one_entry() -> None:
    merged = dedupe([
        phone("1-201-555-0123"), phone("+12015550123", "other"), phone("(201) 555-0123", "mobile"),
    ])  # fmt: skip
    assert merged == [phone("1-201-555-0123", "mobile", "+12015550123")]


def test_stored_e164_forms_are_trusted_as_imported() -> None:
    merged = dedupe([
        phone("+44 20 7946 0958", "business", "+442079460958"),
        phone("020 7946 0958", "", "+442079460958"),
        phone("0044 20 7946 0958", "other", "+442079460958"),
    ])  # fmt: skip
    assert merged == [phone("+44 20 7946 0958", "business", "+442079460958")]


def test_the_first_specific_label_wins_over_other_and_empty() -> None:
    merged = dedupe([phone("+12015550123", "other"), phone("201.555.0123", "home")])
    assert merged[0]["label"] == "home"
    merged = dedupe([phone("+12015550123", ""), phone("201.555.0123", "other")])
    assert merged[0]["label"] == "other"


def test_the_extension_of_a_variant_is_kept() -> None:
    merged = dedupe([phone("(201) 555-0123", "business"), phone("+1 201 555 0123 x45", "")])
    assert merged == [phone("(201) 555-0123", "business", "+12015550123", "45")]


def test_two_extensions_of_one_switchboard_are_two_lines() -> None:
    phones = [phone("+12015550123", "business", extension="12"), phone("+12015550123 x45")]
    assert dedupe(phones) == phones
    merged = dedupe([*phones, phone("201-555-0123 ext. 12", "other")])
    # the x12 variant joined the first line, which keeps its label
    assert merged == [{**phones[0], "e164": "+12015550123"}, phones[1]]


def test_a_fax_on_the_same_digits_is_another_service() -> None:
    phones = [phone("+12015550123", "business"), phone("(201) 555-0123", "work fax")]
    assert dedupe(phones) == phones


def test_unparseable_numbers_are_left_untouched() -> None:
    phones = [phone("call reception"), phone("call reception"), phone("4.47E+11"), phone("12")]
    assert dedupe(phones) == phones


def test_the_contacts_address_country_says_how_to_read_a_national_number() -> None:
    phones = [phone("030 1234567", "home"), phone("+49 30 1234567", "")]
    german = [{"label": "home", "country": "Deutschland"}]
    assert len(dedupe(phones, "US", addresses=german)) == 1
    assert len(dedupe(phones, "US")) == 2  # in the US, 030… is no German number
    assert len(dedupe(phones, "DE")) == 1


def test_different_numbers_and_lone_numbers_are_left_alone() -> None:
    values = {"phones": [phone("+12015550123"), phone("+12015550199")]}
    assert dedupe_phone_variants(values, "US") is values
    single = {"phones": [phone("+12015550123")]}
    assert dedupe_phone_variants(single, "US") is single


@given(st.lists(phone_entries, max_size=6), st.sampled_from(["US", "GB", "DE"]))
def test_a_second_pass_changes_nothing(phones: list[dict], region: str) -> None:
    once = dedupe_phone_variants({"phones": phones}, region)
    assert dedupe_phone_variants(once, region) is once


@given(stored_contacts)
def test_a_second_pass_over_stored_contacts_changes_nothing(contact: dict) -> None:
    once = dedupe_phone_variants(contact, "US")
    assert dedupe_phone_variants(once, "US") is once
    assert len(once["phones"]) <= len(contact["phones"])
