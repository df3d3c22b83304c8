"""The codec-independent half of reading a row."""

from __future__ import annotations

from calkeep.formats.draft import ContactDraft, ParsedRow, PhoneDraft
from calkeep.formats.normalize import finish_row


def test_an_import_keeps_a_cell_that_lost_its_zero_as_written_and_flags_it() -> None:
    draft = ContactDraft(given_name="Ann", phones=[PhoneDraft("7911123456")])
    row = finish_row(ParsedRow(1, draft), "GB")
    assert row.draft is not None and row.draft.phones[0].e164 is None
    assert row.draft.phones[0].raw == "7911123456"
    assert [w.code for w in row.warnings] == ["phone_lost_leading_zero"]


def test_a_tel_uri_in_any_format_keeps_its_number_and_extension_without_the_scheme() -> None:
    draft = ContactDraft(given_name="Ann", phones=[PhoneDraft("tel:+1-201-555-0123;ext=45")])
    row = finish_row(ParsedRow(1, draft), "US")
    assert row.draft is not None
    phone = row.draft.phones[0]
    assert (phone.raw, phone.extension, phone.e164) == ("+1-201-555-0123", "45", "+12015550123")


def test_a_name_longer_than_a_contact_holds_is_a_row_error_naming_the_field() -> None:
    draft = ContactDraft(given_name="G" * 256, organization="O" * 500)
    row = finish_row(ParsedRow(1, draft), "US")
    assert [(e.field, e.code) for e in row.errors] == [("given_name", "too_long")]
    assert "256 characters" in row.errors[0].message
    assert "at most 255" in row.errors[0].message
