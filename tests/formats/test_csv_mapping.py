"""The column-mapping step: suggestions from header names and sample values, checking a
person's mapping, applying it, and naming a header set."""

from __future__ import annotations

import pytest

from calkeep.formats.csv_dialects import read_csv
from calkeep.formats.csv_mapping import (
    headers_signature,
    normalize_field_key,
    suggest_mapping,
    unique_headers,
    validate_mapping,
)
from calkeep.formats.draft import UnreadableFile
from tests.formats.csv_helpers import only_draft, read


def test_suggestion_understands_header_names_in_several_languages() -> None:
    headers = ["Vorname", "Apellidos", "Courriel", "Telefono", "Bedrijf", "Geburtstag",
               "Notizen", "Kategorien", "Handy", "Code postal", "E-mailadres"]  # fmt: skip
    assert list(suggest_mapping(headers, []).values()) == [
        "given_name", "family_name", "email", "phone", "organization", "birthday", "notes",
        "tags", "phone:mobile", "address:postcode", "email",
    ]  # fmt: skip


def test_suggestion_ignores_case_spaces_and_punctuation() -> None:
    mapping = suggest_mapping(["FIRST_NAME", " last-name ", "E-Mail Address", "zip code"], [])
    assert mapping == {
        "FIRST_NAME": "given_name",
        "last-name": "family_name",
        "E-Mail Address": "email",
        "zip code": "address:postcode",
    }


def test_unknown_headers_are_guessed_from_their_values() -> None:
    headers = ["Who", "Reach me", "Call", "Amount", "When", "Code"]
    rows = [
        ["Ann", "ann@example.com", "+1 (202) 555-0100", "19.99", "2024-01-15", "AB-12"],
        ["Bob", "bob@example.org", "202.555.0199", "1234.50", "15/01/2024", "CD-9"],
    ]
    assert suggest_mapping(headers, rows) == {
        "Who": "", "Reach me": "email", "Call": "phone", "Amount": "", "When": "", "Code": "",
    }  # fmt: skip


def test_a_qualifier_beside_a_known_header_gives_the_label() -> None:
    headers = [
        "Name (Full)",
        "Phone (Work)",
        "Phone - Cell",
        "Email (Personal)",
        "Email: Work",
        "Phone (do not call)",
        "Email Address (Primary)",
        "Shoe (size)",
    ]
    assert list(suggest_mapping(headers, []).values()) == [
        "display_name", "phone:business", "phone:mobile", "email:home", "email:work",
        "phone", "email", "",
    ]  # fmt: skip


def test_title_is_a_salutation_or_a_job_title_by_its_values() -> None:
    assert suggest_mapping(["Title"], [["Mrs."], ["Dr"]]) == {"Title": "prefix"}
    assert suggest_mapping(["Title"], [["Head of Sales"]]) == {"Title": "title"}
    assert suggest_mapping(["Title"], [["Head of Sales"]], kind="outlook_csv") == {
        "Title": "prefix"
    }


def test_repeated_and_empty_headers_get_unique_column_names() -> None:
    assert unique_headers(["Titre", "Nom", "Titre", "", " Notes "]) == [
        "Titre", "Nom", "Titre (2)", "Column 4", "Notes",
    ]  # fmt: skip
    mapping = suggest_mapping(["Titre", "Nom", "Titre"], [])
    assert mapping == {"Titre": "prefix", "Nom": "family_name", "Titre (2)": "title"}


@pytest.mark.parametrize(
    "key",
    ["", "given_name", "email:work", "phone:mobile", "phone:home_fax", "address:home:street",
     "address:city", "birthday:day", "email#3", "phone#2:label", "address#1:postcode", "url#1"],
)  # fmt: skip
def test_canonical_field_keys_are_accepted(key: str) -> None:
    assert normalize_field_key(key) == key


@pytest.mark.parametrize("key", ["nickname", "email:spam", "phone:moon", "address:home:planet",
                                 "address:office:street", "first name", "email#x"])  # fmt: skip
def test_unknown_field_keys_are_refused(key: str) -> None:
    assert normalize_field_key(key) is None


def test_validated_mapping_covers_every_column_and_accepts_aliases() -> None:
    headers = ["Name", "E-Mail", "Cell"]
    checked = validate_mapping({"e-mail": "email", "Cell": "phone:cell"}, headers)
    assert checked == {"Name": "", "E-Mail": "email", "Cell": "phone:mobile"}


def test_mapping_to_an_unknown_field_is_refused_naming_it() -> None:
    with pytest.raises(UnreadableFile) as raised:
        validate_mapping({"Name": "full_name"}, ["Name", "Email"])
    assert raised.value.code == "mapping_unknown_field"
    assert "'full_name'" in raised.value.message


def test_mapping_of_a_column_the_file_lacks_is_refused_listing_the_columns() -> None:
    with pytest.raises(UnreadableFile) as raised:
        validate_mapping({"Mobile": "phone"}, ["Name", "Email"])
    assert raised.value.code == "mapping_unknown_column"
    assert "'Mobile'" in raised.value.message and "Name, Email" in raised.value.message


def test_read_csv_applies_a_given_mapping_and_reports_it() -> None:
    data = b"Who;Where;Reach;Misc\nAnn Lee;Berlin;ann@example.com;x\n"
    mapping = {"Who": "display_name", "Where": "address:home:city", "Reach": "email:home"}
    parsed = read(data, mapping=mapping)
    draft = only_draft(parsed)
    assert parsed.headers == ["Who", "Where", "Reach", "Misc"]
    assert parsed.mapping == {**mapping, "Misc": ""}
    assert draft.display_name == "Ann Lee"
    assert (draft.addresses[0].label, draft.addresses[0].city) == ("home", "Berlin")
    assert (draft.emails[0].value, draft.emails[0].label) == ("ann@example.com", "home")


def test_read_csv_without_mapping_reports_the_suggestion() -> None:
    parsed = read(b"Name,E-mail,Whatever\nAnn,ann@example.com,1\n")
    assert parsed.mapping == {"Name": "display_name", "E-mail": "email", "Whatever": ""}


def test_a_mapping_with_no_contact_field_is_refused() -> None:
    with pytest.raises(UnreadableFile) as raised:
        read_csv(b"Name,Email\nAnn,a@example.com\n", kind="generic_csv", mapping={"Name": "notes"})
    assert raised.value.code == "not_contacts"
    assert "column mapping" in raised.value.message


def test_headers_signature_is_stable_across_order_case_and_bom() -> None:
    first = headers_signature(["\ufeffFirst Name", "Last Name", "Email"])
    assert first == headers_signature(["email", "first name ", "LAST NAME"])
    assert first != headers_signature(["First Name", "Last Name", "Phone"])
    assert len(first) == 32 and int(first, 16) >= 0
