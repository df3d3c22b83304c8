"""Reading CSV bytes: encodings, delimiters, quoting, row and line numbers, ragged rows,
the formula guard, and files that are not contact lists."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calkeep.formats.csv_dialects import detect_delimiter, read_csv
from calkeep.formats.csv_rows import cell_value, may_hold_guarded_cells
from calkeep.formats.draft import ParsedFile, UnreadableFile
from tests.formats.csv_helpers import csv_bytes, only_draft, read

HEADER = ["First Name", "Last Name", "Email", "Phone", "Notes"]


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16-le"),  # Python writes a little-endian BOM
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("cp1252", "cp1252"),
    ],
)
def test_encodings_decode_to_the_same_contact(encoding: str, reported: str) -> None:
    rows = [HEADER, ["Zoë", "Łódź-Müller" if "utf" in encoding else "Müller", "zoe@example.de",
                     "+49 30 1234567", "Grüße"]]  # fmt: skip
    parsed = read(csv_bytes(rows, encoding=encoding), region="DE")
    draft = only_draft(parsed)
    assert parsed.encoding == reported
    assert draft.given_name == "Zoë"
    assert draft.notes == "Grüße"
    assert draft.phones[0].e164 == "+49301234567"


def test_shift_jis_file_reads_japanese_names() -> None:
    rows = [HEADER, ["太郎", "山田", "taro@example.jp", "03-1234-5678", "ありがとう"]]
    parsed = read(csv_bytes(rows, encoding="shift_jis"), region="JP")
    draft = only_draft(parsed)
    assert parsed.encoding == "shift_jis"
    assert (draft.given_name, draft.family_name, draft.notes) == ("太郎", "山田", "ありがとう")
    assert draft.phones[0].e164 == "+81312345678"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_detected(delimiter: str) -> None:
    rows = [HEADER, ["Jane", "Doe, Jr.", "jane@example.com", "555-0100", "a;b\tc|d"]]
    parsed = read(csv_bytes(rows, delimiter=delimiter))
    assert parsed.delimiter == delimiter
    assert only_draft(parsed).family_name == "Doe, Jr."
    assert only_draft(parsed).notes == "a;b\tc|d"


def test_delimiter_ignores_tabs_inside_quoted_cells() -> None:
    text = 'Name,Email,Notes\r\n"Ann",ann@example.com,"one\ttwo\tthree\tfour"\r\n'
    assert detect_delimiter(text) == ","


def test_excel_separator_hint_line_is_honoured() -> None:
    parsed = read(b"sep=;\r\nName;Email\r\nAnn;ann@example.com\r\n")
    assert parsed.delimiter == ";"
    assert only_draft(parsed).display_name == "Ann"
    assert (parsed.rows[0].line, parsed.notices) == (3, [])


def test_quoted_cells_keep_line_breaks_tabs_and_quotes() -> None:
    data = (
        b'Name,Email,Notes\r\n"Ann ""The Ace"" Lee",ann@example.com,"line one\r\nline two\ttab"\r\n'
        b"Bob,bob@example.com,\r\n"
    )
    parsed = read(data)
    first, second = (row.draft for row in parsed.rows)
    assert first is not None and second is not None
    assert first.display_name == 'Ann "The Ace" Lee'
    assert first.notes == "line one\nline two\ttab"
    assert [row.line for row in parsed.rows] == [2, 4]


def test_row_numbers_skip_blank_rows_and_lines_count_physical_lines() -> None:
    data = b'Name,Email\n\nAnn,ann@example.com\n,,\n"Bob\nBobson",bob@example.com\nCy,cy@x.com\n'
    parsed = read(data)
    assert [(row.row, row.line) for row in parsed.rows] == [(1, 3), (2, 5), (3, 7)]


def test_bare_carriage_return_inside_a_cell_is_not_a_line() -> None:
    data = b'Name,Notes,Email\r\nAnn,"a\rb",ann@example.com\r\nBob,,bob@example.com\r\n'
    parsed = read(data)
    assert parsed.rows[0].draft is not None
    assert parsed.rows[0].draft.notes == "a\nb"  # clean_text turns CR into LF
    assert [row.line for row in parsed.rows] == [2, 3]


def test_classic_mac_line_endings_are_read() -> None:
    parsed = read(b"Name,Email\rAnn,ann@example.com\rBob,bob@example.com\r")
    assert [row.draft.display_name for row in parsed.rows if row.draft] == ["Ann", "Bob"]


def test_short_rows_are_padded_and_reported_once() -> None:
    parsed = read(b"Name,Email,Phone,Notes\nAnn,ann@example.com\nBob,bob@example.com,555-0100\n")
    assert len(parsed.rows) == 2
    assert parsed.rows[1].draft is not None and parsed.rows[1].draft.phones[0].raw == "555-0100"
    assert any("fewer cells" in notice for notice in parsed.notices)


def test_long_rows_warn_that_extra_cells_were_not_imported() -> None:
    parsed = read(b"Name,Email\nAnn,ann@example.com,surprise\n")
    warnings = parsed.rows[0].warnings
    assert [w.code for w in warnings] == ["extra_cells"]
    assert "row 1 (line 2)" in warnings[0].message


def test_unclosed_quote_is_reported() -> None:
    lines = b"".join(b"x%d,x%d@example.com\n" % (i, i) for i in range(300))
    parsed = read(b'Name,Email\n"Ann,ann@example.com\n' + lines)
    assert any("never closed" in notice for notice in parsed.notices)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_guard_of_our_export_is_undone(prefix: str) -> None:
    assert cell_value(f"'{prefix}SUM(A1)") == f"{prefix}SUM(A1)"


def test_formula_guard_undo_leaves_other_apostrophes_alone() -> None:
    assert cell_value("'t Hooft") == "'t Hooft"
    assert cell_value("''t") == "''t"
    assert cell_value("'") == "'"


def test_formula_guard_undo_removes_one_apostrophe_before_a_guarded_value() -> None:
    # The export writes a value that itself starts with `'=` as `''=` (csv_export.neutralize).
    assert cell_value("''=x") == "'=x"
    assert cell_value("'" * 3 + "+1") == "''+1"


@pytest.mark.parametrize(
    ("cell", "value"),
    [('="0612345678"', "0612345678"), ('="say ""hi"""', 'say "hi"'), ('=""', ""),
     ('="a"b"', '="a"b"'), ('=A1&"x"', '=A1&"x"'), ("'=\"01\"", '="01"')],
)  # fmt: skip
def test_a_text_formula_gives_the_text_excel_shows(cell: str, value: str) -> None:
    assert cell_value(cell) == value


def test_a_leading_zero_kept_by_a_text_formula_survives_the_import() -> None:
    for cell in (b'="0612345678"', b'"=""0612345678"""'):
        header = b"First Name,Last Name,Phone 1 - Label,Phone 1 - Value\n"
        parsed = read(header + b"Ann,Roux,Mobile," + cell + b"\n", region="FR")
        phone = parsed.rows[0].draft.phones[0]
        assert (phone.raw, phone.e164) == ("0612345678", "+33612345678"), cell
        assert [w.code for w in parsed.rows[0].warnings] == []


@pytest.mark.parametrize(
    ("text", "guarded"),
    [("a,\"'=x\"", True), ("'+1 202", True), ("x\n'-y", True), ("O'Brien,x", False),
     ("a,'t Hooft", False), ("a,b'-c", False), ("a,''=x", True), ("a,\"''@x\"", True),
     ('a,="01"', True), ('a,"=""01"""', True), ("a,b=c", False)],
)  # fmt: skip
def test_files_without_guarded_cells_are_recognised(text: str, guarded: bool) -> None:
    assert may_hold_guarded_cells(text) is guarded


def test_formula_guarded_cells_round_trip_through_a_file() -> None:
    data = csv_bytes([["Name", "Phone", "Notes"], ["'=cmd", "'+1 202 555 0100", "'@home"]])
    draft = only_draft(read(data))
    assert (draft.display_name, draft.phones[0].raw, draft.notes) == ("=cmd", "+1 202 555 0100",
                                                                       "@home")  # fmt: skip


def test_phone_cells_are_passed_through_as_text() -> None:
    draft = only_draft(read(b"Name,Mobile\nAnn,4.47E+11\n"))
    assert draft.phones[0].raw == "4.47E+11"
    assert draft.phones[0].e164 is None


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"", "empty_file", "empty"),
        (b"\xef\xbb\xbf\r\n\r\n", "empty_file", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary_file", "PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00", "binary_file", "workbook"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary_file", "PDF"),
        (bytes(range(256)) * 4, "binary_file", "binary"),
    ],
)
def test_unreadable_files_say_what_is_wrong(data: bytes, code: str, words: str) -> None:
    with pytest.raises(UnreadableFile) as raised:
        read_csv(data, kind="generic_csv")
    assert raised.value.code == code
    assert words in raised.value.message


def test_a_sales_ledger_is_not_a_contact_list() -> None:
    data = b"Date,Amount,SKU\n2024-01-15,19.99,AB-1234\n2024-01-16,1234.50,CD-9\n"
    with pytest.raises(UnreadableFile) as raised:
        read_csv(data, kind="generic_csv")
    message = raised.value.message
    assert raised.value.code == "not_contacts"
    assert "Date, Amount, SKU" in message
    assert "name, an email address or a phone number" in message


def test_a_ten_megabyte_single_line_is_answered() -> None:
    with pytest.raises(UnreadableFile):
        read_csv(b"x" * 10_000_000, kind="generic_csv")
    with pytest.raises(UnreadableFile):
        read_csv(b"a," * 5_000_000, kind="generic_csv")
    parsed = read_csv(b'Name,Notes\nJo,"' + b"y" * 10_000_000 + b'"\n', kind="generic_csv")
    assert parsed.rows[0].draft is not None and len(parsed.rows[0].draft.notes) == 10_000_000


def test_two_hundred_thousand_columns_are_answered() -> None:
    header = ",".join(f"Email {i}" for i in range(200_000))
    row = ",".join(f"a{i}@example.com" if i < 3 else "" for i in range(200_000))
    parsed = read_csv(f"{header}\n{row}\n".encode(), kind="generic_csv")
    assert parsed.rows[0].draft is not None and len(parsed.rows[0].draft.emails) == 3
    wide_row = b"Name,Email\nAnn,ann@example.com" + b",x" * 200_000 + b"\n"
    assert read_csv(wide_row, kind="generic_csv").rows[0].warnings[0].code == "extra_cells"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_give_a_parsed_file_or_unreadable_file(data: bytes) -> None:
    for kind in ("generic_csv", "google_csv", "outlook_csv"):
        try:
            result = read_csv(data, kind=kind)
        except UnreadableFile:
            continue
        assert isinstance(result, ParsedFile)


CSVISH = st.lists(
    st.lists(st.sampled_from(["", "Ann", "a@b.co", "+1 555", '"', "'=x", "\r\n", "\r", ";", "\t",
                              ",", ":::", "* Home", "é", "\x00"]), max_size=6),
    max_size=6,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(CSVISH)
def test_csv_shaped_noise_never_crashes(rows: list[list[str]]) -> None:
    data = ("\n".join(",".join(row) for row in [["Name", "Email", "Phone"], *rows])).encode()
    with contextlib.suppress(UnreadableFile):
        read(data)


def test_a_plain_list_of_addresses_without_header_is_read_from_its_first_row() -> None:
    parsed = read(b"\nann@example.com,Ann Lee\nbob@example.com,Bob\n")
    assert parsed.headers == ["Column 1", "Column 2"]
    assert parsed.mapping == {"Column 1": "email", "Column 2": ""}
    assert [(row.row, row.line) for row in parsed.rows] == [(1, 2), (2, 3)]
    assert any("not column names" in notice for notice in parsed.notices)


def test_a_vcard_given_as_csv_is_refused_with_a_hint() -> None:
    with pytest.raises(UnreadableFile) as raised:
        read_csv(b"BEGIN:VCARD\r\nFN:Ann\r\nEND:VCARD\r\n", kind="outlook_csv")
    assert raised.value.code == "wrong_format"


def test_a_note_above_the_column_names_is_skipped() -> None:
    data = (
        b'Notes:\n"When exporting your connection data, some email addresses may be missing."\n'
        b"\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Ann,Lee,https://www.linkedin.com/in/annlee,ann@example.com,Acme,CTO,01 Jan 2024\n"
    )
    parsed = read(data)
    draft = only_draft(parsed)
    assert (parsed.rows[0].row, parsed.rows[0].line) == (1, 5)
    assert (draft.given_name, draft.emails[0].value, draft.title) == ("Ann", "ann@example.com",
                                                                      "CTO")  # fmt: skip
    assert draft.urls == ["https://www.linkedin.com/in/annlee"]
    assert parsed.notices == ["the 3 line(s) above the column names on line 4 were skipped"]


def test_one_unambiguous_date_settles_the_order_of_the_whole_column() -> None:
    parsed = read(b"Name,Birthday\nAnn,03/04/1990\nBob,12/25/1985\n")
    assert [row.draft.birthday for row in parsed.rows if row.draft] == [
        "1990-03-04",
        "1985-12-25",
    ]
    assert parsed.notices == []


def test_ambiguous_dates_are_read_day_first_and_said_so() -> None:
    parsed = read(b"Name,Birthday\nAnn,03/04/1990\nBob,1985-12-25\n")
    assert [row.draft.birthday for row in parsed.rows if row.draft] == [
        "1990-04-03",
        "1985-12-25",
    ]
    assert "read as day/month/year" in parsed.notices[0]
