"""detect_format: vCard or which CSV layout, and refusing what is not a contact file."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calkeep.formats.detect import detect_format
from calkeep.formats.draft import UnreadableFile
from tests.corpus import PUBLIC_DIR

VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.com\r\nEND:VCARD\r\n"


@pytest.mark.parametrize(
    "data",
    [
        VCARD.encode(),
        b"\xef\xbb\xbf" + VCARD.encode(),
        b"\r\n\r\n  " + VCARD.lower().encode(),
        VCARD.encode("utf-16-le"),
        VCARD.encode("utf-16"),
        VCARD.encode("utf-16-be"),  # Apple Address Book: UTF-16BE without a BOM
        b"BEGIN : VCARD\nVERSION:2.1\nN:Lee;Ann\nEND:VCARD\n",
    ],
)
def test_vcards_are_recognised_in_any_encoding(data: bytes) -> None:
    assert detect_format(data) == "vcard"


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Name,Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value",
         "google_csv"),
        ("First Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,"
         "Phone 1 - Value", "google_csv"),
        ("First Name,Last Name,E-mail Address,E-mail Type,E-mail Display Name", "outlook_csv"),
        ('"Anrede","Vorname","Nachname","E-Mail-Adresse","E-Mail-Typ","E-Mail: Angezeigter Name"',
         "outlook_csv"),
        ("Prénom;Nom;Adresse de messagerie;Type de messagerie;"
         "Nom complet de l'adresse de messagerie", "outlook_csv"),
        ("Vorname\tNachname\tArbeit E-Mail\tPrivat E-Mail\tArbeit Telefon\tHauptnummer",
         "icloud_csv"),
        ("First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Work Phone",
         "generic_csv"),
        ("Name;E-Mail;Telefon", "generic_csv"),
        ("Display Name,First Name,Last Name,Business Street,Home Street,Email Home",
         "generic_csv"),
    ],
)  # fmt: skip
def test_csv_layouts_are_told_apart_by_their_headers(header: str, kind: str) -> None:
    assert detect_format(f"{header}\r\nA,B,C\r\n".encode()) == kind


def test_every_corpus_file_gets_its_kind() -> None:
    kinds = {path.name: detect_format(path.read_bytes()) for path in PUBLIC_DIR.iterdir()
             if path.suffix in (".vcf", ".csv")}  # fmt: skip
    assert {n for n, k in kinds.items() if k == "vcard"} == {n for n in kinds if n.endswith(".vcf")}
    assert kinds["roundcube_google-legacy-multiline-groups.csv"] == "google_csv"
    assert kinds["tine20_outlook2007-de-header-mojibake.csv"] == "outlook_csv"
    assert kinds["tine20_macos-addressbook-de-tab.csv"] == "icloud_csv"
    assert kinds["roundcube_generic-utf8-bom-wide.csv"] == "generic_csv"
    assert kinds["thunderbird_utf16le-bom.csv"] == "generic_csv"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"   \r\n\t\n", "empty_file"),
        (b"\xff\xfe", "empty_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary_file"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "binary_file"),
        (b"%PDF-1.4\n1 0 obj", "binary_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "binary_file"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00", "binary_file"),
    ],
)
def test_empty_and_binary_files_are_refused(data: bytes, code: str) -> None:
    with pytest.raises(UnreadableFile) as raised:
        detect_format(data)
    assert raised.value.code == code


def test_detection_reads_only_the_head_of_a_large_file() -> None:
    big = b"Name,Email\r\n" + b"Ann,ann@example.com\r\n" * 600_000  # ~12 MB
    assert detect_format(big) == "generic_csv"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_kind_or_unreadable_file(data: bytes) -> None:
    try:
        kind = detect_format(data)
    except UnreadableFile:
        return
    assert kind in ("vcard", "google_csv", "outlook_csv", "icloud_csv", "generic_csv")
