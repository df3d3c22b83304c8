"""write_csv: the documented column order, Excel's needs (BOM, CRLF, formula guard) and a
file our own CSV reader reads back unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calkeep.formats import read_contacts
from calkeep.formats.csv_export import GroupCounts, csv_header, csv_row, neutralize, write_csv
from calkeep.formats.csv_rows import cell_value
from calkeep.formats.draft import ContactDraft, stored_display_name
from tests.contact_strategies import csv_can_carry, stored, stored_contacts


def contact(**fields: Any) -> dict[str, Any]:
    return ContactDraft.from_dict(fields).to_dict()


def exported(*contacts: dict[str, Any]) -> bytes:
    return b"".join(write_csv(contacts))


def read_back(data: bytes) -> list[dict[str, Any]]:
    parsed = read_contacts(data, region="US")
    assert parsed.format == "google_csv"
    drafts = [row.draft for row in parsed.rows]
    assert all(d is not None for d in drafts) and all(not row.errors for row in parsed.rows)
    return [as_stored(d.to_dict()) for d in drafts if d is not None]


def as_stored(values: dict[str, Any]) -> dict[str, Any]:
    """What an import stores: a name column equal to the derived name is stored as derived."""
    return {**values, "display_name": stored_display_name(values)}


def lines(data: bytes) -> list[str]:
    return data.decode("utf-8-sig").split("\r\n")


ANN = stored(
    {
        "display_name": "Dr. Ann Lee", "prefix": "Dr.", "given_name": "Ann",
        "middle_name": "B.", "family_name": "Lee", "suffix": "PhD", "organization": "Lee & Co",
        "department": "R&D", "title": "CTO", "birthday": "--02-29",
        "notes": 'Line one\nLine two, "quoted"; semi', "tags": ["VIP", "Board, 2024"],
        "urls": ["https://lee.example"],
        "emails": [{"value": "ann@lee.example", "label": "work", "primary": False},
                   {"value": "ann@home.example", "label": "Private inbox", "primary": True}],
        "phones": [{"raw": "+1 202 555 0123", "label": "business", "extension": "45"},
                   {"raw": "12", "label": "Home Fax", "extension": ""}],
        "addresses": [{"label": "Summer house", "street": "1 Shore Rd\nBack door",
                       "extended": "Unit 4", "city": "Bar Harbor", "region": "ME",
                       "postcode": "04609", "country": "US"}],
    }
)  # fmt: skip


# --- the layout ---------------------------------------------------------------------------


def test_the_header_is_the_documented_column_order() -> None:
    assert csv_header(GroupCounts()) == [
        "Name", "Name Prefix", "First Name", "Middle Name", "Last Name", "Name Suffix",
        "Organization Name", "Organization Department", "Organization Title", "Birthday",
        "Notes", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label",
        "Phone 1 - Value", "Phone 1 - Extension", "Address 1 - Label", "Address 1 - Street",
        "Address 1 - Extended Address", "Address 1 - City", "Address 1 - Region",
        "Address 1 - Postal Code", "Address 1 - Country", "Website 1 - Value",
    ]  # fmt: skip


def test_numbered_groups_are_sized_to_the_fullest_contact() -> None:
    many = contact(
        emails=[{"value": f"a{i}@example.com"} for i in range(3)],
        phones=[{"raw": "555-0100"}, {"raw": "555-0101"}],
        urls=["https://a.example", "https://b.example"],
    )
    counts = GroupCounts.of([contact(given_name="Few"), many])
    assert counts == GroupCounts(emails=3, phones=2, addresses=1, urls=2)
    header = csv_header(counts)
    assert header[12:18] == [
        "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
        "E-mail 3 - Label", "E-mail 3 - Value",
    ]  # fmt: skip
    assert header[-2:] == ["Website 1 - Value", "Website 2 - Value"]
    assert lines(exported(contact(given_name="Few"), many))[0] == ",".join(header)


def test_counts_below_one_still_give_one_group_of_each_kind() -> None:
    assert GroupCounts(emails=0, phones=0, addresses=0, urls=0) == GroupCounts()


def test_a_contact_with_more_entries_than_the_counts_is_refused_not_cut() -> None:
    two = contact(emails=[{"value": "a@example.com"}, {"value": "b@example.com"}])
    with pytest.raises(ValueError, match="2 emails"):
        csv_row(two, GroupCounts(emails=1))


def test_an_empty_export_is_the_header_alone() -> None:
    assert exported() == ("\ufeff" + ",".join(csv_header(GroupCounts())) + "\r\n").encode()


# --- what Excel needs ---------------------------------------------------------------------


def test_the_file_is_utf8_with_a_bom_and_crlf_line_ends() -> None:
    data = exported(contact(given_name="Zoë", family_name="日本"))
    assert data.startswith(b"\xef\xbb\xbfName,")
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n") == 2
    assert lines(data)[1].startswith("Zoë 日本,,Zoë,,日本,")  # Name: the name it shows


def test_line_breaks_commas_and_quotes_in_a_value_are_quoted() -> None:
    data = exported(contact(given_name="Ann", notes='one\ntwo, "three"'))
    assert b'"one\ntwo, ""three"""' in data  # the line break inside stays a bare LF
    assert read_back(data)[0]["notes"] == 'one\ntwo, "three"'


@pytest.mark.parametrize(
    ("value", "written"),
    [("=1+1", "'=1+1"), ("+1 202 555 0100", "'+1 202 555 0100"), ("-x", "'-x"),
     ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"),
     ("''+y", "'''+y"), ("'t Hooft", "'t Hooft"), ("a=b", "a=b"), ("", ""), ("'", "'")],
)  # fmt: skip
def test_cells_that_would_run_as_a_formula_are_neutralized(value: str, written: str) -> None:
    assert neutralize(value) == written
    assert cell_value(neutralize(value)) == value


@given(st.text())
def test_the_formula_guard_is_undone_exactly_by_the_reader(value: str) -> None:
    written = neutralize(value)
    assert not written or written[0] not in "=+-@\t\r"
    assert cell_value(written) == value


def test_every_cell_of_a_row_is_guarded() -> None:
    row = csv_row(
        contact(
            organization="=cmd|' /C calc'!A0", birthday="--12-10", tags=["-x", "y"],
            emails=[{"value": "@x.example", "label": "+label", "primary": False}],
            phones=[{"raw": "+1 202 555 0100", "label": "-"}],
            addresses=[{"city": "=A1", "label": "@home"}], urls=["=http://x"],
        ),
        GroupCounts(),
    )  # fmt: skip
    assert [cell for cell in row if cell and cell[0] in "=+-@\t\r"] == []
    assert "'--12-10" in row and "'-x ::: y" in row and "'+1 202 555 0100" in row


# --- labels, primary email, extensions ----------------------------------------------------


def test_standard_labels_use_googles_words_and_the_primary_email_is_marked() -> None:
    row = csv_row(
        contact(
            emails=[{"value": "a@example.com", "label": "work", "primary": False},
                    {"value": "b@example.com", "label": "", "primary": True}],
            phones=[{"raw": "555-0100", "label": "business"}],
            addresses=[{"label": "home", "city": "Oslo"}],
        ),
        GroupCounts(emails=2),
    )  # fmt: skip
    assert row[12:16] == ["Work", "a@example.com", "* ", "b@example.com"]
    assert row[16:19] == ["Work", "555-0100", ""]
    assert row[19] == "Home"


def test_labels_and_tags_that_start_with_a_star_are_kept_apart_from_googles_mark() -> None:
    source = contact(
        given_name="Star",
        tags=["*important", "plain"],
        emails=[{"value": "a@example.com", "label": "*odd", "primary": True}],
        phones=[{"raw": "555-0100", "label": "*cell*"}],
        addresses=[{"label": "* cabin", "city": "Oslo"}],
    )
    row = csv_row(source, GroupCounts())
    assert row[11:14] == ["* *important ::: plain", "* *odd", "a@example.com"]
    [back] = read_back(exported(source))
    assert back["tags"] == ["*important", "plain"]
    assert (back["emails"][0]["label"], back["emails"][0]["primary"]) == ("*odd", True)
    assert back["phones"][0]["label"] == "*cell*"
    assert back["addresses"][0]["label"] == "* cabin"


@pytest.mark.parametrize(
    ("raw", "extension", "written"),
    [("(202) 555-0100", "45", "(202) 555-0100 ext. 45"),  # shown for other programs
     ("555-0100 x45", "45", "555-0100 x45"),  # already shown: not repeated
     ("555-0100 ext. 45", "45", "555-0100 ext. 45 ext. 45"),  # ours: appended once more
     ("555-0100", "", "555-0100")],
)  # fmt: skip
def test_the_extension_is_shown_in_the_value_and_kept_in_its_own_column(
    raw: str, extension: str, written: str
) -> None:
    source = contact(given_name="Ext", phones=[{"raw": raw, "extension": extension}])
    assert csv_row(source, GroupCounts())[15:17] == [written, extension]
    [phone] = read_back(exported(source))[0]["phones"]
    assert (phone["raw"], phone["extension"]) == (raw, extension)


# --- the round trip through our reader ----------------------------------------------------


def test_every_contract_field_reads_back_unchanged() -> None:
    assert ANN is not None
    assert read_back(exported(ANN)) == [ANN]


def test_rows_stream_in_chunks_after_the_header() -> None:
    chunks = list(write_csv([contact(given_name=str(i)) for i in range(5)], rows_per_chunk=2))
    assert len(chunks) == 4  # header, 2 + 2 + 1 rows
    assert chunks[0].endswith(b"Website 1 - Value\r\n")
    assert [c.count(b"\r\n") for c in chunks[1:]] == [2, 2, 1]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(stored_contacts.filter(csv_can_carry), min_size=1, max_size=3))
def test_any_stored_contacts_read_back_unchanged(contacts: list[dict[str, Any]]) -> None:
    # A stored name equal to the derived one comes back as "derived": it shows the same.
    assert read_back(exported(*contacts)) == [as_stored(c) for c in contacts]
