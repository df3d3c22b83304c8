"""relabel_phones: a `home` or `mobile` label the number itself contradicts is corrected,
by libphonenumber's numbering plans; anything the plan cannot tell is left alone."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from calkeep.cleanup.rules.relabel_phones import relabel_phones
from tests.contact_strategies import phones as phone_entries
from tests.contact_strategies import stored_contacts

UK_MOBILE = "+447911123456"
LONDON_LANDLINE = "+442079460958"
BERLIN_LANDLINE = "+49301234567"
GERMAN_MOBILE = "+4915123456789"
US_NUMBER = "+12015550123"  # NANP: FIXED_LINE_OR_MOBILE
US_TOLL_FREE = "+18005550199"
UK_UAN = "+443453000000"  # 0345: non-geographic "universal access", businesses only


def phone(e164: str | None, label: str, raw: str = "") -> dict[str, Any]:
    return {"raw": raw or e164 or "", "e164": e164, "label": label, "extension": ""}


def relabel(*phones: dict, organization: str = "", region: str = "US", **values: Any) -> list:
    contact = {"phones": list(phones), "organization": organization, **values}
    return [p["label"] for p in relabel_phones(contact, region)["phones"]]


def test_a_mobile_number_labelled_home_becomes_mobile() -> None:
    assert relabel(phone(UK_MOBILE, "home"), phone(GERMAN_MOBILE, "home")) == ["mobile", "mobile"]


def test_a_landline_labelled_mobile_becomes_home_for_a_private_contact() -> None:
    assert relabel(phone(LONDON_LANDLINE, "mobile"), phone(BERLIN_LANDLINE, "mobile")) == [
        "home",
        "home",
    ]


def test_a_landline_labelled_mobile_becomes_business_for_someone_at_a_company() -> None:
    assert relabel(phone(LONDON_LANDLINE, "mobile"), organization="Acme Ltd") == ["business"]


def test_numbers_only_businesses_get_become_business() -> None:
    assert relabel(phone(US_TOLL_FREE, "home"), phone(UK_UAN, "mobile")) == [
        "business",
        "business",
    ]


def test_us_and_canadian_numbers_cannot_be_told_apart_and_stay() -> None:
    assert relabel(phone(US_NUMBER, "home"), phone("+14165550123", "mobile")) == [
        "home",
        "mobile",
    ]


def test_labels_that_contradict_nothing_stay() -> None:
    phones = [
        phone(UK_MOBILE, "business"),  # a work mobile
        phone(LONDON_LANDLINE, "other"),
        phone(LONDON_LANDLINE, ""),
        phone(US_TOLL_FREE, "business"),
        phone(LONDON_LANDLINE, "home"),
        phone(UK_MOBILE, "mobile"),
    ]
    values = {"phones": phones, "organization": ""}
    assert relabel_phones(values, "US") is values


def test_custom_labels_are_left_alone() -> None:
    phones = [
        phone(LONDON_LANDLINE, "fax"),
        phone(LONDON_LANDLINE, "work fax"),
        phone(UK_MOBILE, "pager"),
        phone(UK_MOBILE, "Home"),  # an X-ABLabel written by hand
        phone(LONDON_LANDLINE, "iPhone"),
        phone(UK_MOBILE, "Zweitwohnung"),
    ]
    values = {"phones": phones, "organization": "Acme"}
    assert relabel_phones(values, "US") is values


def test_unparseable_numbers_are_left_alone() -> None:
    values = {"phones": [phone(None, "home", "call reception"), phone(None, "mobile", "12")]}
    assert relabel_phones(values, "US") is values


def test_a_number_without_country_code_is_read_in_the_contacts_country() -> None:
    unparsed = phone(None, "home", "07911 123456")
    uk = [{"label": "home", "country": "United Kingdom"}]
    assert relabel(unparsed, addresses=uk) == ["mobile"]
    assert relabel(unparsed, region="GB") == ["mobile"]
    assert relabel(unparsed, region="US") == ["home"]  # not a valid US number


def test_the_rest_of_the_entry_is_kept() -> None:
    entry = {"raw": "07911 123456", "e164": UK_MOBILE, "label": "home", "extension": "9"}
    result = relabel_phones({"phones": [entry]}, "GB")
    assert result["phones"] == [{**entry, "label": "mobile"}]
    assert entry["label"] == "home"


@given(
    st.lists(phone_entries, max_size=5),
    st.sampled_from(["", "Acme"]),
    st.sampled_from(["US", "GB", "DE"]),
)
def test_a_second_pass_changes_nothing(phones: list[dict], organization: str, region: str) -> None:
    once = relabel_phones({"phones": phones, "organization": organization}, region)
    assert relabel_phones(once, region) is once


@given(stored_contacts)
def test_a_second_pass_over_stored_contacts_changes_nothing(contact: dict) -> None:
    once = relabel_phones(contact, "GB")
    assert relabel_phones(once, "GB") is once
