"""A ParsedFile through formats/parsed_codec.py (as JSON text, as stored) comes back equal:
every file of the corpus, a generic CSV with its mapping, rows with errors and warnings,
text JSON would not carry as is. A value of another layout is refused, never misread."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from calkeep.formats import read_contacts
from calkeep.formats.draft import ContactDraft, Issue, ParsedFile, ParsedRow
from calkeep.formats.parsed_codec import (
    RowDecoder,
    decode_header,
    encode,
    encode_header,
    rows_to_values,
)
from tests.contact_strategies import raw_contacts
from tests.corpus import PUBLIC_DIR, case_ids, case_named


def round_trip(parsed: ParsedFile, slice_size: int = 3) -> ParsedFile:
    again = decode_header(encode_header(parsed))
    decoder = RowDecoder()
    for start in range(0, len(parsed.rows), slice_size):
        text = encode(rows_to_values(parsed.rows[start : start + slice_size]))
        again.rows.extend(decoder.rows(json.loads(text)))
    return again


@pytest.mark.parametrize("name", case_ids())
def test_every_corpus_file_comes_back_equal(name: str) -> None:
    parsed = read_contacts((PUBLIC_DIR / name).read_bytes(), region=case_named(name).get("region"))
    assert parsed.rows
    assert round_trip(parsed) == parsed


def test_a_mapped_csv_with_errors_and_warnings_comes_back_equal() -> None:
    data = (
        b"Who,Reach me at,Mobile no.,Shoe size\n"
        b"Ana Lima,ana@example.com,(201) 555-0123,38\n"
        b",not an email,4.47E+11,\n"
        b"Bo,bo@example.com,+44 20 7946 0958 ext. 12,\n"
        b",,,44\n"  # no contact data: an error
    )
    mapping = {
        "Who": "display_name", "Reach me at": "email:work", "Mobile no.": "phone:mobile",
        "Shoe size": "",
    }  # fmt: skip
    parsed = read_contacts(data, format="generic_csv", region="US", mapping=mapping)
    assert any(r.errors for r in parsed.rows) and any(r.warnings for r in parsed.rows)
    assert parsed.mapping and parsed.headers and parsed.delimiter == ","
    assert round_trip(parsed) == parsed


def test_equal_issues_come_back_as_one_object() -> None:
    issue = Issue("phones[0]", "looks like spreadsheet damage", "phone_spreadsheet")
    rows = [ParsedRow(n, ContactDraft(given_name=f"P{n}"), n + 1, [issue], []) for n in (1, 2)]
    again = round_trip(ParsedFile("google_csv", "utf-8", rows), slice_size=1)
    assert again.rows == rows
    assert again.rows[0].warnings[0] is again.rows[1].warnings[0]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(raw_contacts)
def test_any_draft_comes_back_equal(source: dict[str, Any]) -> None:
    draft = ContactDraft.from_dict(source)
    draft.notes += "\ud800 \x00 \u2028"  # a lone surrogate, a NUL, a line separator
    rows = [ParsedRow(1, draft, 2, [], [Issue("", "e", "c")]), ParsedRow(2, None, 3)]
    parsed = ParsedFile("vcard", "utf-8", rows, notices=["n"])
    assert round_trip(parsed) == parsed


@pytest.mark.parametrize(
    "values",
    [
        [[1, None, 2, []]],  # a row of four fields
        [[1, ["Ana"], 2, [], []]],  # a draft of one field
        [[1, None, 2, [["field", "message"]], []]],  # an issue of two fields
    ],
)
def test_values_of_another_layout_are_refused(values: list[Any]) -> None:
    with pytest.raises((ValueError, TypeError)):
        RowDecoder().rows(values)


def test_texts_a_file_repeats_come_back_as_one_string() -> None:
    """As reading the file shares them (normalize._clean_strings): names, organizations,
    labels, tags, cities. 30 MB less for the 10 MB CSV's commit."""
    data = "".join(
        f"Ana,,Lima,Acme,Work,a{i}@example.com,Mobile,+44 20 7946 {i:04d},vip\n" for i in range(3)
    )
    header = (
        "First Name,Middle Name,Last Name,Organization Name,E-mail 1 - Label,E-mail 1 - Value,"
        "Phone 1 - Label,Phone 1 - Value,Labels\n"
    )
    parsed = read_contacts((header + data).encode(), region="US")
    again = round_trip(parsed, slice_size=1)
    assert again == parsed
    first, *others = [row.draft for row in again.rows if row.draft is not None]
    for other in others:
        assert other.given_name is first.given_name and other.organization is first.organization
        assert other.phones[0].label is first.phones[0].label
        assert other.emails[0].label is first.emails[0].label
        assert other.tags[0] is first.tags[0]
        assert other.emails[0].value is not first.emails[0].value  # never shared: all differ
