"""write_vcards: RFC-shaped vCard 4.0 and 3.0 that parse_vcard reads back unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calkeep.formats.draft import ContactDraft, ParsedRow, stored_display_name
from calkeep.formats.normalize import finish_row
from calkeep.formats.vcard import parse_vcard, write_vcard, write_vcards


def contact(**fields: Any) -> dict[str, Any]:
    return ContactDraft.from_dict(fields).to_dict()


def lines_of(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text[:-2].split("\r\n")


def read_back(text: str) -> ContactDraft:
    [row] = parse_vcard(text.encode("utf-8")).rows
    assert row.draft is not None and row.errors == []
    return row.draft


# --- the shape of the output --------------------------------------------------------------


def test_a_card_is_crlf_text_with_version_fn_and_n() -> None:
    text = write_vcard(contact(display_name="Ana Lima", given_name="Ana", family_name="Lima"))
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    assert lines_of(text)[:2] == ["BEGIN:VCARD", "VERSION:4.0"]
    assert "FN:Ana Lima" in lines_of(text)
    assert "N:Lima;Ana;;;" in lines_of(text)
    assert lines_of(text)[-1] == "END:VCARD"


def test_write_vcards_yields_one_card_per_contact_lazily() -> None:
    cards = write_vcards(iter([contact(display_name="A"), contact(display_name="B")]), "3.0")
    assert next(cards).startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "FN:B" in next(cards)


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"4\.0"):
        list(write_vcards([contact()], "2.1"))


def test_long_lines_fold_at_75_octets_without_cutting_utf8() -> None:
    note = "Zoë 日本語 😀 " * 40
    text = write_vcard(contact(display_name="Zoë", notes=note))
    physical = lines_of(text)
    for line in physical:
        assert len(line.encode("utf-8")) <= 75
    assert any(line.startswith(" ") for line in physical)
    assert read_back(text).notes == note.strip()


def test_special_characters_are_escaped() -> None:
    text = write_vcard(
        contact(
            display_name="Doe, John; Jr.",
            family_name="Doe, Jr.",
            organization="Acme; Inc.",
            department="Sales, EMEA",
            notes="line 1\nline 2 \\ backslash",
            tags=["a,b", "c"],
        )
    )
    assert "FN:Doe\\, John\\; Jr." in text
    assert "N:Doe\\, Jr.;;;;" in text
    assert "ORG:Acme\\; Inc.;Sales\\, EMEA" in text
    assert "NOTE:line 1\\nline 2 \\\\ backslash" in text
    assert "CATEGORIES:a\\,b,c" in text


def test_standard_labels_are_types_and_custom_labels_are_apple_item_groups() -> None:
    text = write_vcard(
        contact(
            emails=[
                {"value": "w@example.com", "label": "work", "primary": False},
                {"value": "p@example.com", "label": "Private", "primary": True},
            ],
            phones=[
                {"raw": "555-0100", "label": "business"},
                {"raw": "555-0101", "label": "work fax"},
                {"raw": "555-0102", "label": "Boat"},
            ],
            addresses=[{"label": "Summer house", "city": "Skagen"}],
        )
    )
    lines = lines_of(text)
    assert "EMAIL;TYPE=work:w@example.com" in lines
    assert "item1.EMAIL;PREF=1:p@example.com" in lines and "item1.X-ABLabel:Private" in lines
    assert "TEL;VALUE=text;TYPE=work:555-0100" in lines
    assert "TEL;VALUE=text;TYPE=work,fax:555-0101" in lines
    assert "item2.TEL;VALUE=text:555-0102" in lines and "item2.X-ABLabel:Boat" in lines
    assert "item3.ADR:;;;Skagen;;;" in lines and "item3.X-ABLabel:Summer house" in lines


def test_vcard30_uses_type_pref_internet_and_extended_dates() -> None:
    text = write_vcard(
        contact(
            birthday="--03-22",
            emails=[{"value": "a@example.com", "label": "home", "primary": True}],
        ),
        "3.0",
    )
    assert "EMAIL;TYPE=INTERNET,home,pref:a@example.com" in lines_of(text)
    assert "BDAY:--03-22" in lines_of(text)


@pytest.mark.parametrize(
    ("birthday", "line"), [("1980-03-22", "BDAY:19800322"), ("--02-29", "BDAY:--0229")]
)
def test_vcard40_birthdays_use_the_basic_format(birthday: str, line: str) -> None:
    text = write_vcard(contact(birthday=birthday))
    assert line in lines_of(text)
    assert read_back(text).birthday == birthday


def test_an_extension_is_shown_to_other_readers_and_split_off_by_ours() -> None:
    phone = {"raw": "+1 (415) 555-0100", "label": "business", "extension": "45"}
    text = write_vcard(contact(phones=[phone]))
    assert 'TEL;VALUE=text;TYPE=work;X-CALKEEP-EXT="45":+1 (415) 555-0100 ext. 45' in text
    [back] = read_back(text).phones
    assert (back.raw, back.extension) == ("+1 (415) 555-0100", "45")


def test_an_extension_the_number_already_shows_is_not_repeated() -> None:
    text = write_vcard(contact(phones=[{"raw": "555-0100 x45", "extension": "45"}]))
    assert 'TEL;VALUE=text;X-CALKEEP-EXT="45":555-0100 x45' in lines_of(text)


@pytest.mark.parametrize(
    ("raw", "line"),
    [("#7", 'TEL;VALUE=text;X-CALKEEP-EXT="7":#7'),  # shown, but no parser reads it back
     ("555 ext. 7", 'TEL;VALUE=text;X-CALKEEP-EXT="7":555 ext. 7 ext. 7')],  # our spelling
)  # fmt: skip
def test_an_extension_the_number_shows_still_reads_back_exactly(raw: str, line: str) -> None:
    # Found by the export's round-trip property test (tests/transfers/test_export_roundtrip.py).
    text = write_vcard(contact(phones=[{"raw": raw, "extension": "7"}]))
    assert line in lines_of(text)
    [back] = read_back(text).phones
    assert (back.raw, back.extension) == (raw, "7")


def test_a_uid_is_written_when_given() -> None:
    assert "UID:urn:uuid:42" in lines_of(write_vcard({"uid": "urn:uuid:42", "display_name": "A"}))


def test_a_contract_json_contact_is_accepted_as_is() -> None:
    exported = {
        "display_name": "Ana Lima", "prefix": "", "given_name": "Ana", "middle_name": "",
        "family_name": "Lima", "suffix": "", "organization": "", "department": "", "title": "",
        "birthday": None, "notes": "", "tags": [], "urls": [],
        "emails": [{"value": "ana@example.com", "label": "", "primary": True}],
        "phones": [{"raw": "+1 415 555 0100", "e164": "+14155550100", "label": "mobile",
                    "extension": ""}],
        "addresses": [],
    }  # fmt: skip
    back = read_back(write_vcard(exported))
    assert [(p.raw, p.label) for p in back.phones] == [("+1 415 555 0100", "mobile")]


# --- the round trip -----------------------------------------------------------------------

SYSTEM_GROUPS = {"my contacts", "mycontacts", "* my contacts", "* mycontacts"}
text = st.text(st.characters(codec="utf-8"), max_size=30)  # any text UTF-8 can hold
one_line = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20)
# Custom labels are anything but Apple's own `_$!<Token>!$_` spelling, which reads back as
# the plain word.
custom = one_line.filter(lambda label: "_$!<" not in label)
email_labels = st.sampled_from(["", "work", "home", "other"]) | custom
phone_labels = (
    st.sampled_from(
        ["", "business", "mobile", "home", "other", "fax", "work fax", "home fax", "pager", "main"]
    )
    | custom
)
emails = st.fixed_dictionaries(
    {
        "value": text.filter(lambda v: not v.strip().lower().startswith("mailto:")),
        "label": email_labels,
        "primary": st.booleans(),
    }
)
phones = st.fixed_dictionaries(
    {
        "raw": st.text("0123456789 -().+", min_size=1, max_size=20),
        "e164": st.none(),
        "label": phone_labels,
        "extension": st.text("0123456789", max_size=5),
    }
)
addresses = st.fixed_dictionaries(
    {
        "label": email_labels,
        **{k: text for k in ("street", "extended", "city", "region", "postcode", "country")},
    }
)
birthdays = (
    st.none()
    | st.dates().map(lambda d: d.isoformat())
    | st.dates().map(lambda d: f"--{d.month:02d}-{d.day:02d}")
)
urls = st.builds(
    lambda scheme, rest: f"{scheme}://{rest}",
    st.sampled_from(["http", "https", "ftp"]),
    st.text(st.characters(exclude_categories=("Cs", "Cc", "Z")), min_size=1, max_size=30),
)
TEXT_FIELDS = (
    "display_name", "prefix", "given_name", "middle_name", "family_name", "suffix",
    "organization", "department", "title", "notes",
)  # fmt: skip
tags = text.filter(lambda tag: tag.strip().casefold() not in SYSTEM_GROUPS)
contacts = st.fixed_dictionaries(
    {
        **dict.fromkeys(TEXT_FIELDS, text),
        "birthday": birthdays,
        "tags": st.lists(tags, max_size=4),
        "urls": st.lists(urls, max_size=3),
        "emails": st.lists(emails, max_size=4),
        "phones": st.lists(phones, max_size=4),
        "addresses": st.lists(addresses, max_size=3),
    }
)


def normalized(draft: ContactDraft) -> dict[str, Any]:
    """What an import keeps: the draft after normalize, without the computed e164."""
    row = finish_row(ParsedRow(1, draft), "US")
    assert row.draft is not None
    data = row.draft.to_dict()
    data["display_name"] = stored_display_name(data)  # FN equal to the derived name
    for phone in data["phones"]:
        phone.pop("e164")
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contacts, st.sampled_from(["4.0", "3.0"]))
def test_write_then_parse_gives_back_every_field(source: dict[str, Any], version: str) -> None:
    expected = normalized(ContactDraft.from_dict(source))
    written = "".join(write_vcards([expected], version))
    for line in lines_of(written):
        assert len(line.encode("utf-8")) <= 75
    assert normalized(read_back(written)) == expected
