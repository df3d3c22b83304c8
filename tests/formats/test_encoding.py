"""Decoding contact files: BOMs, UTF-16 without BOM, UTF-8 first, legacy charsets."""

from __future__ import annotations

import pytest

from calkeep.formats.encoding import decode_bytes, guess_legacy_encoding

GERMAN = "Vorname,Nachname,Straße\r\nJürgen,Müller,Hauptstraße 5\r\nGöran,Weiß,Königsallee 1\r\n"


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (GERMAN.encode("utf-8"), "utf-8", False),
        (b"\xef\xbb\xbf" + GERMAN.encode("utf-8"), "utf-8-sig", True),
        (b"\xff\xfe" + GERMAN.encode("utf-16-le"), "utf-16-le", True),
        (b"\xfe\xff" + GERMAN.encode("utf-16-be"), "utf-16-be", True),
        (GERMAN.encode("utf-16-le"), "utf-16-le", False),
        (GERMAN.encode("utf-16-be"), "utf-16-be", False),
        (GERMAN.encode("utf-32"), "utf-32-le", True),
        (GERMAN.encode("cp1252"), "cp1252", False),
    ],
)
def test_german_text_decodes_the_same_from_every_encoding(
    data: bytes, encoding: str, bom: bool
) -> None:
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding, decoded.bom, decoded.replaced) == (
        GERMAN, encoding, bom, 0,
    )  # fmt: skip


def test_utf8_is_never_read_as_cp1252() -> None:
    text = "Name\r\nJosé Ñúñez\r\nRenée O’Brien\r\n"
    assert decode_bytes(text.encode("utf-8")).text == text


def test_mostly_utf8_file_with_a_broken_byte_stays_utf8() -> None:
    data = "Name\nJosé\nZoë\nRenée\n".encode() + b"Bad \xff byte\n"
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.replaced == 1
    assert "José" in decoded.text and "Zoë" in decoded.text


def test_literal_replacement_characters_are_not_counted_as_errors() -> None:
    decoded = decode_bytes("Stra\ufffde gesch\ufffdftlich\n".encode())
    assert (decoded.encoding, decoded.replaced) == ("utf-8", 0)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Prénom,Nom\nFrançois,Lefèvre\nHélène,Dubœuf\n", "cp1252"),
        ("Name\nJosé\n", "cp1252"),
        ("Price\n5 €\n", "cp1252"),
        ("Name\nO’Brien – “Bob”\n", "cp1252"),
        ("名前\n山田太郎\n", "shift_jis"),
        ("名前\nやまだ たろう\n", "shift_jis"),
        ("Имя,Фамилия\nИван,Петров\n", "cp1251"),
        ("Imię,Nazwisko\nPiotr,Iksiński\nŁukasz,Żółć\n", "cp1250"),
        ("姓名,电话\n张三,123\n李四,456\n", "gb18030"),
        ("姓名,電話\n張三,123\n李四,456\n", "big5"),
        # Both were read as Chinese (GB18030) before: the readings tied and GB18030 came first.
        ("이름,성,도시\n민준,김,서울\n서연,이,부산\n", "cp949"),
        ("名,姓,市\n太郎,山田,東京\n花子,鈴木,大阪\n", "euc_jp"),
    ],
)
def test_legacy_charsets_are_recognised(text: str, encoding: str) -> None:
    data = text.encode("gbk" if encoding == "gb18030" else encoding)
    assert guess_legacy_encoding(data) == encoding
    assert decode_bytes(data).text == text


def test_thunderbird_shift_jis_export_is_not_read_as_korean() -> None:
    from tests.corpus import PUBLIC_DIR

    decoded = decode_bytes((PUBLIC_DIR / "thunderbird_shiftjis.csv").read_bytes())
    assert decoded.encoding == "shift_jis"
    assert "名無しの権兵衛@host.invalid" in decoded.text
