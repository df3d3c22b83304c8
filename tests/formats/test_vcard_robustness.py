"""Hostile and broken input: any bytes give a ParsedFile or UnreadableFile, the largest
inputs the import accepts (10 MB) included. How fast they are answered is measured by
bench/hostile_inputs.py, not asserted here."""

from __future__ import annotations

import base64
import random
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calkeep.formats.draft import ContactDraft, ParsedFile, UnreadableFile
from calkeep.formats.normalize import finish_row
from calkeep.formats.vcard import parse_vcard

MB = 1024 * 1024


def read_within(data: bytes) -> ParsedFile | UnreadableFile:
    """The file read, or the refusal: never any other exception."""
    try:
        return parse_vcard(data)
    except UnreadableFile as error:
        return error


def card(*lines: bytes) -> bytes:
    return b"\r\n".join([b"BEGIN:VCARD", b"VERSION:3.0", *lines, b"END:VCARD", b""])


def only_draft(result: ParsedFile | UnreadableFile) -> ContactDraft:
    assert isinstance(result, ParsedFile)
    assert len(result.rows) == 1
    draft = result.rows[0].draft
    assert draft is not None
    return draft


def test_a_10_mb_line_without_line_breaks_is_refused() -> None:
    result = read_within(b"x" * (10 * MB))
    assert isinstance(result, UnreadableFile)


def test_a_10_mb_note_on_one_line_is_read() -> None:
    draft = only_draft(read_within(card(b"FN:Ana", b"NOTE:" + b"a\\,b " * (2 * MB))))
    assert draft.display_name == "Ana" and len(draft.notes) == 8 * MB - 1


@pytest.mark.parametrize(
    "line",
    [
        b"N:" + b"\\;;" * (3 * MB),
        b"TEL" + b";WORK" * (2 * MB) + b":555-0100",
        b"TEL" + b';X="a:b"' * MB + b":555-0100",
        b'TEL;X="' + b"a:b;" * (2 * MB) + b":555-0100",
        b"TEL;X=" + b"^n^'" * (2 * MB) + b":555-0100",
        b"CATEGORIES:" + b"tag," * (2 * MB),
        b"NOTE;ENCODING=QUOTED-PRINTABLE:" + b"=C3=91" * (MB + MB // 2),
    ],
    ids=[
        "escaped-semicolons",
        "bare-params",
        "quoted-params",
        "open-quote",
        "carets",
        "tags",
        "qp",
    ],
)
def test_very_wide_lines_are_read(line: bytes) -> None:
    result = read_within(card(b"FN:Ana", line))
    assert only_draft(result).display_name == "Ana"


def test_two_thousand_nested_begin_lines_do_not_recurse_or_stall() -> None:
    nested = b"BEGIN:VCARD\r\n" * 2000 + b"FN:Inner\r\n" + b"END:VCARD\r\n" * 2000
    draft = only_draft(read_within(b"BEGIN:VCARD\r\nFN:Ana\r\n" + nested + b"END:VCARD\r\n"))
    assert draft.display_name == "Ana"


def test_two_thousand_unclosed_begin_lines_become_cards() -> None:
    result = read_within(b"BEGIN:VCARD\r\nFN:Ana\r\n" * 2000)
    assert isinstance(result, ParsedFile)
    assert len(result.rows) == 2000
    assert [e.code for e in result.rows[-1].errors] == ["truncated_card"]
    assert [w.code for w in result.rows[0].warnings] == ["card_not_closed"]


def test_two_thousand_nested_agent_cards_stay_inside_the_outer_card() -> None:
    nested = b"BEGIN:VCARD\r\nFN:Agent\r\nAGENT:\r\n" * 2000 + b"END:VCARD\r\n" * 2000
    data = b"BEGIN:VCARD\r\nFN:Ana\r\nAGENT:\r\n" + nested + b"TEL:555-0100\r\nEND:VCARD\r\n"
    draft = only_draft(read_within(data))
    assert (draft.display_name, [p.raw for p in draft.phones]) == ("Ana", ["555-0100"])


PHOTO = base64.b64encode(random.Random(5).randbytes(5 * MB))


def photo_lines(width: int, separator: bytes) -> bytes:
    return separator.join(PHOTO[i : i + width] for i in range(0, len(PHOTO), width))


@pytest.mark.parametrize(
    "photo",
    [
        b"PHOTO;ENCODING=b;TYPE=JPEG:" + photo_lines(74, b"\r\n "),
        # vCard 2.1 (Outlook, Android): unindented data lines, then a blank line.
        b"PHOTO;ENCODING=BASE64;JPEG:\r\n" + photo_lines(76, b"\r\n") + b"\r\n",
        b"PHOTO;ENCODING=b:" + PHOTO,
    ],
    ids=["folded-3.0", "unindented-2.1", "one-line"],
)
def test_a_5_mb_base64_photo_is_skipped(photo: bytes) -> None:
    draft = only_draft(read_within(card(b"FN:Ana", photo, b"TEL:555-0100")))
    assert (draft.display_name, [p.raw for p in draft.phones]) == ("Ana", ["555-0100"])


def test_a_card_with_a_hundred_thousand_phones_is_read() -> None:
    draft = only_draft(read_within(card(*[b"TEL;TYPE=CELL:+1 415 555 0100"] * 100_000)))
    assert len(draft.phones) == 100_000


def test_random_binary_is_refused() -> None:
    result = read_within(random.Random(1).randbytes(10 * MB))
    assert isinstance(result, UnreadableFile) and "binary" in result.message


def test_many_small_cards_are_read() -> None:
    one = card(b"FN:Ana Lima", b"EMAIL:ana@example.com", b"TEL:+1 415 555 0100")
    result = read_within(one * 80_000)
    assert isinstance(result, ParsedFile) and len(result.rows) == 80_000


# --- fuzzing ------------------------------------------------------------------------------

FRAGMENTS = [
    b"BEGIN:VCARD", b"END:VCARD", b"VERSION:2.1", b"VERSION:4.0", b"AGENT:", b"FN:", b"N:",
    b"ADR;TYPE=work:", b"TEL;VALUE=uri:tel:", b";ext=", b"EMAIL;PREF=", b"BDAY:--", b"ORG:",
    b"CATEGORIES:", b"URL:", b"item1.", b"X-ABLabel:", b"_$!<", b">!$_", b"PHOTO;ENCODING=b:",
    b";ENCODING=QUOTED-PRINTABLE", b";CHARSET=", b"SHIFT_JIS", b"UTF-16", b"base64", b"=C3",
    b"=", b"=\r\n", b"\r\n", b"\n", b"\r", b" ", b"\t", b";", b":", b",", b"\\", b'"', b"^",
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\x83\x5c", b"\xe9", b"ab", b"1980", b"X-CALKEEP-EXT=",
]  # fmt: skip
vcard_like = st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=8), max_size=60).map(b"".join)


def assert_read_or_refused(data: bytes) -> None:
    try:
        parsed = parse_vcard(data)
    except UnreadableFile as error:
        assert error.message
        return
    assert isinstance(parsed, ParsedFile) and parsed.rows
    for row in parsed.rows:
        # The per-card safety net must never be what caught a problem.
        assert all(issue.code != "card_unreadable" for issue in row.errors), row.errors
        finish_row(row, "US")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_parsed_file_or_unreadable_file(data: bytes) -> None:
    assert_read_or_refused(data)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vcard_like)
def test_any_vcard_like_bytes_give_a_parsed_file_or_unreadable_file(data: bytes) -> None:
    assert_read_or_refused(b"BEGIN:VCARD\r\n" + data)


def test_every_prefix_of_a_real_card_is_read_or_refused() -> None:
    text = card(
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=20=C3=91=",
        b"=20=C3=91;;;;",
        b"item1.TEL;type=CELL:905-555-1234",
        b"item1.X-ABLabel:_$!<Mobile>!$_",
        b'ADR;LABEL="a:b^n";TYPE=work:;;Main St 1;Berlin;;10115;DE',
    )
    check: Callable[[bytes], None] = assert_read_or_refused
    for end in range(len(text) + 1):
        check(text[:end])
