"""parse_vcard on the quirks real exporters produce: one small realistic input per behaviour.
The corpus files themselves are checked in test_corpus_codecs.py."""

from __future__ import annotations

import codecs

import pytest

from calkeep.formats.draft import ContactDraft, ParsedFile, UnreadableFile
from calkeep.formats.vcard import parse_vcard


def vcf(*lines: str, newline: str = "\r\n", encoding: str = "utf-8") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def card(*lines: str, version: str = "3.0") -> bytes:
    return vcf("BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD")


def raw_card(*lines: bytes, version: bytes = b"2.1") -> bytes:
    return b"\r\n".join([b"BEGIN:VCARD", b"VERSION:" + version, *lines, b"END:VCARD", b""])


def read_one(data: bytes) -> ContactDraft:
    parsed = parse_vcard(data)
    assert len(parsed.rows) == 1
    draft = parsed.rows[0].draft
    assert draft is not None
    return draft


# --- files, cards and line ends ------------------------------------------------------------


def test_each_card_becomes_a_row_numbered_from_one_with_its_begin_line() -> None:
    data = vcf(
        "BEGIN:VCARD", "VERSION:3.0", "FN:Ana", "END:VCARD",
        "BEGIN:VCARD", "VERSION:3.0", "FN:Ben", "END:VCARD",
    )  # fmt: skip
    parsed = parse_vcard(data)
    assert parsed.format == "vcard"
    assert [(row.row, row.line, row.draft.display_name) for row in parsed.rows if row.draft] == [
        (1, 1, "Ana"),
        (2, 5, "Ben"),
    ]


@pytest.mark.parametrize(
    "newline", ["\r\n", "\n", "\r", "\r\r\n"], ids=["crlf", "lf", "cr", "crcrlf"]
)
def test_every_common_line_end_separates_lines(newline: str) -> None:
    data = vcf("BEGIN:VCARD", "VERSION:3.0", "FN:Ana Lima", "NOTE:one", " two", "END:VCARD",
               newline=newline)  # fmt: skip
    draft = read_one(data)
    assert (draft.display_name, draft.notes) == ("Ana Lima", "onetwo")


def test_a_bare_cr_inside_a_crlf_file_is_data_not_a_line_break() -> None:
    # Thunderbird writes X-CUSTOM3:custom<CR>3 in an otherwise CRLF file.
    draft = read_one(card("FN:Ana", "NOTE:custom\r3", "EMAIL:ana@example.com"))
    assert draft.notes == "custom\r3"
    assert [e.value for e in draft.emails] == ["ana@example.com"]


def test_lines_outside_cards_and_lower_case_keywords_are_tolerated() -> None:
    data = vcf("Exported by SomeTool", "begin:vcard", "version:3.0", "fn:Ana", "end:vcard", "")
    assert read_one(data).display_name == "Ana"


def test_a_card_without_n_or_fn_still_imports() -> None:
    draft = read_one(card("EMAIL;PREF:john.doe@company.com", "CATEGORIES:Friends"))
    assert draft.display_name == "" and draft.family_name == ""
    assert [e.value for e in draft.emails] == ["john.doe@company.com"]


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "reported"),
    [
        ("utf-16-be", b"", "utf-16-be"),
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("utf-8", codecs.BOM_UTF8, "utf-8"),
    ],
)
def test_utf16_with_or_without_bom_and_utf8_bom_are_detected(
    encoding: str, bom: bytes, reported: str
) -> None:
    data = bom + vcf("BEGIN:VCARD", "VERSION:3.0", "N:ĽdaMonté;Ǽgean;;;", "END:VCARD",
                     encoding=encoding)  # fmt: skip
    parsed = parse_vcard(data)
    assert parsed.encoding == reported
    assert parsed.rows[0].draft is not None
    assert parsed.rows[0].draft.family_name == "ĽdaMonté"


def test_a_utf16_file_cut_inside_a_character_keeps_its_complete_cards() -> None:
    data = vcf("BEGIN:VCARD", "VERSION:3.0", "FN:Zoë", "END:VCARD", encoding="utf-16-le")
    parsed = parse_vcard(data + "BEGIN:VCARD\r\nFN:B".encode("utf-16-le") + b"\x00")
    assert parsed.rows[0].draft is not None and parsed.rows[0].draft.display_name == "Zoë"
    assert [e.code for e in parsed.rows[1].errors] == ["truncated_card"]
    assert all("\ufffd" not in (row.draft.display_name if row.draft else "") for row in parsed.rows)


def test_a_bom_between_concatenated_exports_does_not_hide_the_next_card() -> None:
    one = codecs.BOM_UTF8 + card("FN:Ana")
    two = codecs.BOM_UTF8 + card("FN:Ben")
    assert [row.draft.display_name for row in parse_vcard(one + two).rows if row.draft] == [
        "Ana",
        "Ben",
    ]


def test_raw_8bit_bytes_are_decoded_with_the_declared_charset() -> None:
    data = raw_card(
        b"N;CHARSET=windows-1252:Do\xeb;John;;;", b"FN;CHARSET=windows-1252:John Do\xeb"
    )
    parsed = parse_vcard(data)
    assert parsed.encoding == "windows-1252"
    assert parsed.rows[0].draft is not None
    assert parsed.rows[0].draft.display_name == "John Doë"


def test_shift_jis_bytes_holding_a_backslash_byte_are_decoded_before_unescaping() -> None:
    # ソ is 0x83 0x5C in Shift_JIS: its second byte is an ASCII backslash.
    name = "安藤ソフト".encode("shift_jis")
    parsed = parse_vcard(raw_card(b"N;CHARSET=SHIFT_JIS:" + name + b";;;;"))
    assert parsed.encoding == "shift_jis"
    assert parsed.rows[0].draft is not None
    assert parsed.rows[0].draft.family_name == "安藤ソフト"


def test_valid_utf8_wins_over_a_charset_the_exporter_did_not_use() -> None:
    data = raw_card("N;CHARSET=ISO-8859-1:Müller;Jörg;;;".encode(), b"NOTE;CHARSET=cp1252:Caf\xe9")
    draft = read_one(data)
    assert (draft.family_name, draft.given_name, draft.notes) == ("Müller", "Jörg", "Café")


def test_an_unknown_charset_name_falls_back_instead_of_failing() -> None:
    draft = read_one(raw_card(b"FN;CHARSET=X-KLINGON:Caf\xe9", b"NOTE;CHARSET=base64:ok"))
    assert (draft.display_name, draft.notes) == ("Café", "ok")


def test_undecodable_bytes_are_dropped_with_a_warning_naming_the_field() -> None:
    data = raw_card(
        b"FN:Ana",
        b"EMAIL:ana@example.com",
        b"EMAIL;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=C3=91x=80@example.com",
        b"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=C3=91=C3=91 ok=80",
    )
    row = parse_vcard(data).rows[0]
    assert row.draft is not None
    assert row.draft.notes == "ÑÑÑ ok"
    assert row.draft.emails[1].value == "ÑÑx@example.com"
    assert {(w.field, w.code) for w in row.warnings} == {
        ("notes", "undecodable_text"),
        ("emails[1]", "undecodable_text"),
    }


# --- quoted-printable --------------------------------------------------------------------


def test_quoted_printable_utf8_with_soft_breaks_inside_multibyte_sequences() -> None:
    data = raw_card(
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=20=C3=91=20=C3=91=",
        b"=20=C3=91;;;;",
    )
    assert read_one(data).family_name == "Ñ Ñ Ñ Ñ"


def test_a_soft_break_between_the_escapes_of_a_crlf_pair() -> None:
    # Outlook 2003: `=0D=` at the end of the line, `=0A` on the next.
    data = raw_card(
        b"NOTE;ENCODING=QUOTED-PRINTABLE:This is the note field!!=0D=0ASecond line=0D=",
        b"=0A",
        b"TEL;WORK;VOICE:555-0100",
    )
    draft = read_one(data)
    assert draft.notes == "This is the note field!!\r\nSecond line"  # stripped
    assert [p.raw for p in draft.phones] == ["555-0100"]


def test_a_soft_break_that_cuts_an_escape_pair_in_half() -> None:
    data = raw_card(b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jos=C", b"3=A9 Silva")
    assert read_one(data).display_name == "José Silva"


def test_qp_continuation_lines_keep_their_leading_space() -> None:
    # AOSP v21_complicated: the line after the soft break starts with a meaningful space.
    data = raw_card(
        b"NOTE;ENCODING=QUOTED-PRINTABLE:Now's the time =",
        b"for all folk to come=",
        b" to the aid of their country.",
        b"",
        b"TITLE:Shrimp Man",
    )
    draft = read_one(data)
    assert draft.notes == "Now's the time for all folk to come to the aid of their country."
    assert draft.title == "Shrimp Man"


def test_qp_value_ending_in_a_soft_break_before_a_blank_line() -> None:
    data = raw_card(
        b"ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=C3=91=",
        b"=C3=91=",
        b"",
        b"TITLE:Boss",
    )
    draft = read_one(data)
    assert (draft.organization, draft.title) == ("ÑÑÑ", "Boss")


def test_a_soft_break_before_end_vcard_does_not_swallow_the_end() -> None:
    data = raw_card(b"FN:Ana", b"NOTE;ENCODING=QUOTED-PRINTABLE:abc=") + card("FN:Ben")
    assert [row.draft.display_name for row in parse_vcard(data).rows if row.draft] == [
        "Ana",
        "Ben",
    ]


@pytest.mark.parametrize(
    ("charset", "encoded", "expected"),
    [
        (b"ISO-8859-2", b"Iksi=F1ski", "Iksiński"),
        (b"windows-1252", b"Fran=E7ois", "François"),
        (b"SHIFT_JIS", b"=83=81=83=82", "メモ"),
        (b"UTF-8", b"Zo=C3=AB", "Zoë"),
    ],
)
def test_qp_bytes_are_decoded_with_the_property_charset(
    charset: bytes, encoded: bytes, expected: str
) -> None:
    data = raw_card(b"NOTE;CHARSET=" + charset + b";ENCODING=QUOTED-PRINTABLE:" + encoded)
    assert read_one(data).notes == expected


def test_qp_without_charset_is_read_as_utf8_or_a_legacy_charset_never_as_escapes() -> None:
    # The Bat! writes `=F1` with no CHARSET; UTF-8 QP without CHARSET is common too.
    data = raw_card(
        b"N;ENCODING=QUOTED-PRINTABLE:Iksi=F1ski;Piotr",
        b"NOTE;ENCODING=QUOTED-PRINTABLE:Zo=C3=AB",
    )
    draft = read_one(data)
    assert draft.given_name == "Piotr"
    assert draft.family_name.startswith("Iksi") and draft.family_name.endswith("ski")
    assert "=" not in draft.family_name and "\ufffd" not in draft.family_name
    assert draft.notes == "Zoë"


def test_qp_given_as_a_bare_21_parameter() -> None:
    assert read_one(raw_card(b"NOTE;QUOTED-PRINTABLE:a=3Db")).notes == "a=b"


# --- folding --------------------------------------------------------------------------------


def test_folded_lines_lose_exactly_one_space_or_tab() -> None:
    data = card(
        "EMAIL;TYPE=WORK:john.",
        " doe@ibm.com",
        "TEL;TYPE=CELL:905-666",
        "\t-1234",
        "NOTE:a word",
        "  and a space",
    )
    draft = read_one(data)
    assert [e.value for e in draft.emails] == ["john.doe@ibm.com"]
    assert [p.raw for p in draft.phones] == ["905-666-1234"]
    assert draft.notes == "a word and a space"


def test_a_fold_inside_a_quoted_parameter_or_the_name() -> None:
    data = card(
        'TEL;X-COUCHDB-UUID="c2fa:1caa";TYPE=CE',
        " LL:905-666-1234",
        'EMAIL;X-ID="a:',
        ' b";TYPE=WORK:ana@example.com',
        "TIT",
        " LE:Chef",
    )
    draft = read_one(data)
    assert [(p.raw, p.label) for p in draft.phones] == [("905-666-1234", "mobile")]
    assert [(e.value, e.label) for e in draft.emails] == [("ana@example.com", "work")]
    assert draft.title == "Chef"


def test_an_android_adr_continued_by_trailing_backslashes() -> None:
    # AOSP v21_adr_multiple_line: unfolded lines, each ending in a bare backslash.
    data = raw_card(
        b"N:bogus",
        b"ADR;HOME:;;Hermann v. Brevern\\",
        b"9999999\\",
        b"Packstation 999;Hamburg;;99999;Deutschland",
        b"BDAY;VALUE=DATE:20081203",
    )
    draft = read_one(data)
    [address] = draft.addresses
    assert address.street == "Hermann v. Brevern\n9999999\nPackstation 999"
    assert (address.city, address.postcode, address.country) == ("Hamburg", "99999", "Deutschland")
    assert draft.birthday == "2008-12-03"


def test_an_unfolded_line_that_is_not_a_property_continues_the_value() -> None:
    draft = read_one(card("NOTE:first line", "second line: with a colon", "TITLE:Chef"))
    assert (draft.notes, draft.title) == ("first line\nsecond line: with a colon", "Chef")


# --- parameters -----------------------------------------------------------------------------


def test_21_bare_type_parameters_give_labels() -> None:
    data = raw_card(
        b"TEL;WORK;VOICE:(111) 555-1212",
        b"TEL;HOME;VOICE:(404) 555-1212",
        b"TEL;CELL:0311111111",
        b"TEL;WORK;FAX:555-0199",
        b"TEL;PAGER:555-0198",
        b"TEL;VOICE:555-0197",
    )
    labels = [(p.raw, p.label) for p in read_one(data).phones]
    assert labels == [
        ("(111) 555-1212", "business"),
        ("(404) 555-1212", "home"),
        ("0311111111", "mobile"),
        ("555-0199", "work fax"),
        ("555-0198", "pager"),
        ("555-0197", ""),
    ]


def test_type_lists_and_repeated_type_parameters() -> None:
    data = card(
        "TEL;TYPE=WORK,VOICE:905-555-1234",
        "TEL;type=HOME;type=FAX:905-888-1234",
        'TEL;TYPE="cell,voice":905-777-1234',
        "EMAIL;TYPE=INTERNET;TYPE=HOME:home@example.com",
    )
    draft = read_one(data)
    assert [p.label for p in draft.phones] == ["business", "home fax", "mobile"]
    assert [e.label for e in draft.emails] == ["home"]


def test_rfc6868_caret_escapes_in_parameter_values() -> None:
    data = card("ADR;TYPE=work;LABEL=\"Main St 1^nBerlin ^'HQ^' ^^\":;;Main St 1;Berlin;;10115;DE")
    [address] = read_one(data).addresses
    assert (address.label, address.street, address.city) == ("work", "Main St 1", "Berlin")


def test_an_unquoted_parameter_value_ends_at_the_first_colon() -> None:
    # ez-vcard issue 114: LABEL holds colons without quotes. RFC 6350 ends the parameter at
    # the first colon, so the label's tail lands in the PO box; the rest of the ADR is intact.
    data = card(
        "ADR;TYPE=work;LABEL=Dummy-Strasse 1 61352 Bad Homburg^nGERMANY^': BH",
        " G01:^n61352 Bad Homburg:;BHG01:;Dummy-Strasse 1;Bad Homburg;;61352;Germany",
        version="4.0",
    )
    [address] = read_one(data).addresses
    assert (address.label, address.city, address.postcode, address.country) == (
        "work",
        "Bad Homburg",
        "61352",
        "Germany",
    )


# --- escapes and structured values -------------------------------------------------------


def test_backslash_escapes_are_undone() -> None:
    data = card(
        "FN:Mr. John Richter\\, James Doe Sr.",
        "NOTE:one\\ntwo\\Nthree\\, four\\; five\\: six \\\\n seven",
        "URL:http\\://www.ibm.com",
    )
    draft = read_one(data)
    assert draft.display_name == "Mr. John Richter, James Doe Sr."
    assert draft.notes == "one\ntwo\nthree, four; five: six \\n seven"
    assert draft.urls == ["http://www.ibm.com"]


def test_comma_lists_are_joined_in_vcard21_too() -> None:
    draft = read_one(raw_card(b"N;LANGUAGE=en-us:Doe;John;Richter,James;Mr.;Sr."))
    assert draft.middle_name == "Richter, James"


def test_n_splits_on_unescaped_semicolons_and_joins_comma_lists() -> None:
    draft = read_one(card("N:Doe;John;Richter,James;Mr.;Sr.\\,PhD"))
    assert (draft.family_name, draft.given_name, draft.middle_name) == (
        "Doe",
        "John",
        "Richter, James",
    )
    assert (draft.prefix, draft.suffix) == ("Mr.", "Sr.,PhD")


def test_a_short_n_fills_what_it_has() -> None:
    draft = read_one(raw_card(b"N:Iksinski;Piotr"))
    assert (draft.family_name, draft.given_name, draft.middle_name) == ("Iksinski", "Piotr", "")


def test_org_gives_organization_and_joined_department_units() -> None:
    draft = read_one(card("ORG:Gump Shrimp Co.;Sales Dept.\\;Manager;Fish keeper", "TITLE:Boss"))
    assert draft.organization == "Gump Shrimp Co."
    assert draft.department == "Sales Dept.;Manager, Fish keeper"
    assert draft.title == "Boss"


def test_a_comma_in_a_21_org_is_part_of_the_name_and_the_first_org_wins() -> None:
    draft = read_one(raw_card(b"ORG:Company, The;TheDepartment", b"ORG:Other Inc."))
    assert (draft.organization, draft.department) == ("Company, The", "TheDepartment")


def test_adr_components_and_escaped_newlines() -> None:
    data = card("ADR;TYPE=WORK:;Suite 5;Street4\\nBuilding 6;New York;NY;12345;USA")
    [address] = read_one(data).addresses
    assert (address.label, address.extended, address.street) == (
        "work",
        "Suite 5",
        "Street4\nBuilding 6",
    )
    assert (address.city, address.region, address.postcode, address.country) == (
        "New York",
        "NY",
        "12345",
        "USA",
    )


def test_a_po_box_is_kept_on_the_street_line() -> None:
    [address] = read_one(card("ADR;TYPE=HOME:PO Box 12;;15 Crescent Dr;Albany;NY;12345;")).addresses
    assert address.street == "PO Box 12\n15 Crescent Dr"


def test_nickname_is_not_a_name() -> None:
    draft = read_one(
        card(
            "FN:", "N:;;;;", "NICKNAME:Johnny", "ADR:;;17 Shakespeare Ave.;Southampton;;SO17 2HB;UK"
        )
    )
    assert (draft.display_name, draft.given_name, draft.family_name) == ("", "", "")
    assert draft.addresses[0].postcode == "SO17 2HB"


# --- Apple item groups --------------------------------------------------------------------


def test_apple_item_group_labels_become_plain_or_custom_labels() -> None:
    data = card(
        "item1.TEL:905-222-1234",
        "item1.X-ABLabel:_$!<AssistantPhone>!$_",
        "item2.TEL:905-333-1234",
        "item2.X-ABLabel:_$!<Mobile>!$_",
        "item3.TEL:905-444-1234",
        "item3.X-ABLabel:_$!<Work>!$_",
        "item4.TEL:5555551119",
        "item4.X-ABLabel:GRAND_CENTRAL",
        "item5.EMAIL;type=INTERNET:custom@example.com",
        "item5.X-ABLabel:CustomEmailCategory",
        "item6.EMAIL;type=INTERNET:w@example.com",
        "item6.X-ABLabel:_$!<Work>!$_",
    )
    draft = read_one(data)
    assert [p.label for p in draft.phones] == ["assistant", "mobile", "business", "GRAND_CENTRAL"]
    assert [e.label for e in draft.emails] == ["CustomEmailCategory", "work"]


def test_a_label_may_come_before_its_property_and_x_abadr_is_ignored() -> None:
    data = card(
        "item1.X-ABLabel:Summer house",
        "item1.ADR;type=HOME;type=pref:;;169 Mária Canal;LaPaz;Conceptión;245-876;Perú",
        "item1.X-ABADR:us",
    )
    [address] = read_one(data).addresses
    assert (address.label, address.country) == ("Summer house", "Perú")


def test_group_names_are_case_insensitive_and_do_not_leak_between_cards() -> None:
    data = card("ITEM1.TEL:1", "item1.X-ABLabel:Boat") + card("item1.TEL:2")
    drafts = [row.draft for row in parse_vcard(data).rows if row.draft]
    assert [p.label for d in drafts for p in d.phones] == ["Boat", ""]


# --- base64 blocks ------------------------------------------------------------------------


def test_a_folded_30_photo_is_skipped() -> None:
    data = card(
        "FN:Ana",
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQAB",
        " AAD/4QBYRXhpZgAA",
        "TEL:1",
    )
    draft = read_one(data)
    assert (draft.display_name, [p.raw for p in draft.phones]) == ("Ana", ["1"])


def test_a_21_photo_on_unindented_lines_ending_with_a_blank_line_is_skipped() -> None:
    data = raw_card(
        b"FN:Ana",
        b"PHOTO;TYPE=JPEG;ENCODING=BASE64:",
        b"/9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQY",
        b"GBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYa",
        b"",
        b"X-MS-OL-DESIGN;CHARSET=utf-8:<card/>",
        b"TEL;WORK;VOICE:(905) 555-1234",
    )
    draft = read_one(data)
    assert [p.raw for p in draft.phones] == ["(905) 555-1234"]


def test_a_key_with_indented_base64_and_two_blank_lines_is_skipped() -> None:
    data = raw_card(
        b"KEY;X509;ENCODING=BASE64:",
        b"    MIIDITCCAoqgAwIBAgIQT52W2WawmStUwpV8tBV9TTANBgkqhkiG9w0BAQUFADBMMQswCQYD",
        b"    92ZzKbeVCq3Yi7LeIOkKcGQRCMha8X2e7GmlpdWC1ycenlbN0nbVeSv3JUMcafC4+Q==",
        b"",
        b"",
        b"EMAIL;PREF;INTERNET:jdoe@hotmail.com",
    )
    assert [e.value for e in read_one(data).emails] == ["jdoe@hotmail.com"]


# --- the contract fields ------------------------------------------------------------------


def test_vcard40_tel_uris_lose_the_scheme_and_keep_the_extension() -> None:
    data = card(
        "TEL;VALUE=uri;TYPE=work:tel:+1-201-555-0123;ext=45",
        "TEL;TYPE=cell:tel:+49 1234 56789",
        version="4.0",
    )
    phones = [(p.raw, p.extension, p.label) for p in read_one(data).phones]
    assert phones == [("+1-201-555-0123", "45", "business"), ("+49 1234 56789", "", "mobile")]


@pytest.mark.parametrize(
    ("lines", "primary"),
    [
        (["EMAIL;INTERNET:a@x.com", "EMAIL;PREF;INTERNET:b@x.com"], "b@x.com"),
        (["EMAIL;TYPE=INTERNET:a@x.com", "EMAIL;TYPE=INTERNET,pref:b@x.com"], "b@x.com"),
        (["EMAIL:a@x.com", "EMAIL;PREF=1:b@x.com"], "b@x.com"),
        (["EMAIL;PREF=50:a@x.com", "EMAIL;PREF=2:b@x.com", "EMAIL;PREF=9:c@x.com"], "b@x.com"),
        (["EMAIL;INTERNET;HOME;TYPE=pref:b@x.com", "EMAIL;INTERNET;WORK:a@x.com"], "b@x.com"),
    ],
)
def test_the_preferred_email_is_primary(lines: list[str], primary: str) -> None:
    emails = read_one(card(*lines)).emails
    assert [e.value for e in emails if e.primary] == [primary]


def test_no_preferred_email_leaves_the_choice_to_normalize() -> None:
    assert not any(e.primary for e in read_one(card("EMAIL:a@x.com", "EMAIL:b@x.com")).emails)


def test_email_labels_are_work_home_other_and_internet_is_not_a_label() -> None:
    data = card(
        "EMAIL;TYPE=INTERNET:a@x.com",
        "EMAIL;TYPE=INTERNET;TYPE=WORK:b@x.com",
        "EMAIL;TYPE=X400,HOME:c@x.com",
        "EMAIL;TYPE=OTHER:d@x.com",
        "EMAIL:mailto:e@x.com",
    )
    emails = [(e.value, e.label) for e in read_one(data).emails]
    assert emails == [
        ("a@x.com", ""),
        ("b@x.com", "work"),
        ("c@x.com", "home"),
        ("d@x.com", "other"),
        ("e@x.com", ""),
    ]


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("19800322", "", "1980-03-22"),
        ("1980-03-22", "", "1980-03-22"),
        ("--0322", "", "--03-22"),
        ("--03-22", "", "--03-22"),
        ("1980-03-22T10:30:00Z", "", "1980-03-22"),
        ("19800322T103000", "", "1980-03-22"),
        ("--0322T1030", "", "--03-22"),
        ("1604-03-22", ";X-APPLE-OMIT-YEAR=1604", "--03-22"),
        ("20081203", ";VALUE=DATE", "2008-12-03"),
    ],
)
def test_birthday_forms(value: str, params: str, expected: str) -> None:
    assert read_one(card(f"BDAY{params}:{value}")).birthday == expected


def test_an_unreadable_birthday_is_left_out_with_a_warning() -> None:
    row = parse_vcard(card("FN:Ana", "BDAY;VALUE=text:circa 1800")).rows[0]
    assert row.draft is not None and row.draft.birthday is None
    assert [(w.field, w.code) for w in row.warnings] == [("birthday", "birthday_unreadable")]


def test_several_notes_are_joined_with_a_blank_line() -> None:
    assert read_one(card("NOTE:first", "NOTE:", "NOTE:second")).notes == "first\n\nsecond"


def test_url_properties_are_urls_as_written_and_freebusy_addresses_are_not() -> None:
    data = card(
        "URL:http\\://www.example1.com",
        "item1.URL:https://example.com/blog",
        "item1.X-ABLabel:BLOG",
        "URL:www.company.com",
        "FBURL:http://example.com/freebusy",
        "CALURI:http://example.com/cal",
    )
    row = parse_vcard(data).rows[0]
    assert row.draft is not None
    assert row.draft.urls == [
        "http://www.example1.com",
        "https://example.com/blog",
        "www.company.com",
    ]
    assert row.warnings == []


def test_categories_become_tags_without_google_system_groups() -> None:
    data = card("CATEGORIES:VIP,Friends\\, close,My Contacts", "CATEGORIES:Golf")
    assert read_one(data).tags == ["VIP", "Friends, close", "Golf"]


def test_the_first_fn_is_the_display_name() -> None:
    draft = read_one(card("FN:", "FN:Joe Due", "FN:Other", "N:Gump;Forrest;Hoge;Pos;Tao"))
    assert (draft.display_name, draft.family_name, draft.prefix) == ("Joe Due", "Gump", "Pos")


def test_properties_outside_the_contract_are_ignored() -> None:
    data = card(
        "FN:Ana",
        "X-GTALK:IM2",
        "X-ABRELATEDNAMES:Name1",
        "GEO:35.65,139.69",
        "REV:20080424T195243Z",
        "SOUND;X-IRMC-N:Ana",
        "LABEL;WORK;ENCODING=QUOTED-PRINTABLE:100 Waters Edge=0D=0ABaytown",
    )
    draft = read_one(data)
    assert draft.display_name == "Ana" and draft.addresses == [] and draft.notes == ""


# --- nesting, truncation, and files that are not vCards ------------------------------------


def test_a_21_agent_card_does_not_break_the_outer_card() -> None:
    data = raw_card(
        b"FN:Ana",
        b"AGENT:",
        b"BEGIN:VCARD",
        b"VERSION:2.1",
        b"FN:Her Assistant",
        b"TEL:555-0100",
        b"END:VCARD",
        b"TEL:555-0199",
    )
    draft = read_one(data)
    assert (draft.display_name, [p.raw for p in draft.phones]) == ("Ana", ["555-0199"])


def test_a_nested_card_without_agent_does_not_break_the_outer_card() -> None:
    data = card("FN:Ana", "BEGIN:VCARD", "FN:Inner", "TEL:555-0100", "END:VCARD", "TEL:555-0199")
    draft = read_one(data)
    assert (draft.display_name, [p.raw for p in draft.phones]) == ("Ana", ["555-0199"])


def test_a_nested_card_without_agent_is_named_in_a_warning() -> None:
    # The nested card's FN and TEL are dropped: the row says so instead of losing them
    # silently (and, when the outer card is empty, says why it holds no contact data).
    (row,) = parse_vcard(card("BEGIN:VCARD", "FN:Inner", "TEL:555-0100", "END:VCARD")).rows
    (warning,) = row.warnings
    assert warning.code == "nested_card"
    assert "card 1 (line 1) holds another BEGIN:VCARD" in warning.message
    assert "not read" in warning.message


def test_an_agent_card_is_not_reported_as_nested() -> None:
    data = raw_card(b"FN:Ana", b"AGENT:", b"BEGIN:VCARD", b"FN:Assistant", b"END:VCARD")
    (row,) = parse_vcard(data).rows
    assert row.warnings == []


def test_one_missing_end_does_not_swallow_the_cards_after_it() -> None:
    data = vcf("BEGIN:VCARD", "FN:Ana") + card("FN:Ben") + card("FN:Cy")
    rows = parse_vcard(data).rows
    assert [row.draft.display_name for row in rows if row.draft] == ["Ana", "Ben", "Cy"]
    assert [w.code for w in rows[0].warnings] == ["card_not_closed"]
    assert [row.errors for row in rows] == [[], [], []]


def test_a_card_missing_its_end_before_the_next_begin_is_read_with_a_warning() -> None:
    data = vcf("BEGIN:VCARD", "FN:Ana", "BEGIN:VCARD", "FN:Ben", "END:VCARD")
    rows = parse_vcard(data).rows
    assert [(row.row, row.draft.display_name) for row in rows if row.draft] == [
        (1, "Ana"),
        (2, "Ben"),
    ]
    assert [w.code for w in rows[0].warnings] == ["card_not_closed"]
    assert rows[0].errors == [] and rows[1].warnings == []


def test_a_truncated_last_card_is_an_error_row_and_the_complete_cards_import() -> None:
    data = card("FN:Ana") + vcf("BEGIN:VCARD", "VERSION:3.0", "FN:Ben", "TEL:555-01")
    rows = parse_vcard(data).rows
    assert rows[0].errors == []
    [error] = rows[1].errors
    assert error.code == "truncated_card"
    assert "card 2" in error.message and "line 5" in error.message


def test_a_file_with_no_complete_card_is_unreadable() -> None:
    with pytest.raises(UnreadableFile) as raised:
        parse_vcard(vcf("BEGIN:VCARD", "VERSION:3.0", "FN:Ana", "PHOTO;ENCODING=b:/9j/4AAQ"))
    assert raised.value.message.startswith(
        "the vCard file ends inside card 1, which has no END:VCARD; the file looks truncated"
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b" \r\n\r\n", "empty"),
        (codecs.BOM_UTF8, "empty"),
        (b"First Name,Last Name\r\nAna,Lima\r\n", "no BEGIN:VCARD"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)), "binary"),
    ],
    ids=["empty", "blank", "bom-only", "csv", "png"],
)
def test_files_that_are_not_vcards_get_one_clear_message(data: bytes, words: str) -> None:
    with pytest.raises(UnreadableFile) as raised:
        parse_vcard(data)
    assert words in raised.value.message


def test_parse_vcard_returns_a_parsed_file_of_drafts() -> None:
    parsed = parse_vcard(card("FN:Ana"))
    assert isinstance(parsed, ParsedFile)
    assert parsed.encoding == "utf-8"
    assert parsed.rows[0].errors == [] and parsed.rows[0].warnings == []
