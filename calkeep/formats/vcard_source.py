"""vCard bytes -> one string to lex, plus the rules for decoding each value's bytes.

A vCard file has no single encoding: vCard 2.1 lets every property declare its own CHARSET
(Android writes UTF-8 quoted-printable next to plain ASCII, Japanese phones Shift_JIS,
Windows mail clients windows-1252), and quoted-printable bytes are decoded only after the
line is parsed. So the file is turned into text in one of two ways:

- UTF-16/32 (with or without a BOM) or valid UTF-8: the whole file is decoded once, which is
  fast and exact; only quoted-printable bytes are decoded per property later.
- anything else: the file is decoded as latin-1, which maps every byte to one character, so
  lexing works on the raw bytes; each value's characters are turned back into bytes and
  decoded on their own (`decode_value_bytes`), by the rule "valid UTF-8 wins, then the
  declared CHARSET, then the file's guessed legacy charset".
"""

from __future__ import annotations

import codecs
import re
from functools import cached_property, lru_cache

import charset_normalizer

from calkeep.formats.draft import UnreadableFile
from calkeep.formats.encoding import sniff_utf16_without_bom

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# WHATWG's label table: what a declared legacy name means in files written on Windows and
# phones. ISO-8859-1 and US-ASCII in practice carry cp1252 bytes (€, curly quotes), and
# Japanese phones write cp932's extensions (①, NEC symbols) under the name Shift_JIS.
_DECLARED_ALIASES = {
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "gb2312": "gbk",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
}
# Codecs that exist in Python but are not character sets a contact file can be written in.
_REFUSED_CODECS = {
    "unicode_escape",
    "raw_unicode_escape",
    "idna",
    "punycode",
    "undefined",
    "mbcs",
    "oem",
}
# Names to report for the encodings Python calls by its own aliases.
_REPORTED_NAMES = {"cp932": "shift_jis", "cp1252": "windows-1252", "utf_8": "utf-8"}
# vCard 2.1 `CHARSET=name` (also inside QP headers); bounded, so a long line cannot stall it.
_CHARSET_PARAM = re.compile(rb"[;:]CHARSET=\"?([A-Za-z0-9_.\-]{1,40})", re.IGNORECASE)
_LEGACY_CANDIDATES = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp932", "gbk", "big5")


class SourceText:
    """The file as text to lex, and what value decoding needs to know about it. The legacy
    charset guess is made only when a value needs it (random binary input never does)."""

    def __init__(self, data: bytes, text: str, encoding: str, raw_bytes: bool) -> None:
        self.data = data
        self.text = text
        # True: `text` holds the file's bytes one character per byte (latin-1 decoding).
        self.raw_bytes = raw_bytes
        self._encoding = encoding  # "" until asked for: a legacy file's is a guess

    @cached_property
    def fallback(self) -> str:
        """Codec for 8-bit bytes that are not UTF-8 and declare no CHARSET."""
        declared = declared_legacy_codec(self.data)
        if declared or not self.raw_bytes:
            # QP bytes without a CHARSET in a UTF-8 file still need a legacy guess: the
            # file's first declared legacy charset is the best evidence there is.
            return declared or "cp1252"
        return guess_legacy_codec(self.data)

    @property
    def encoding(self) -> str:
        """The file's encoding, for the user ("utf-8", "windows-1252", "shift_jis")."""
        if not self._encoding:
            name = declared_legacy_name(self.data) or _mostly_utf8_name(self.data)
            self._encoding = reported_name(name or self.fallback)
        return self._encoding


def decode_source(data: bytes) -> SourceText:
    """The file as text, its encoding, and how to decode value bytes. Raises UnreadableFile
    for an empty file."""
    if not data.strip(b" \t\r\n\x00\x0b\x0c") or data in {bom for bom, _ in _BOMS}:
        raise UnreadableFile("the file is empty", "empty_file")
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _decode_wide(data[len(bom) :], name)
            return SourceText(data, _clean(text), reported_name(name), raw_bytes=False)
    wide = sniff_utf16_without_bom(data)
    if wide:
        return SourceText(data, _clean(_decode_wide(data, wide)), wide, raw_bytes=False)
    try:
        return SourceText(data, _clean(data.decode("utf-8")), "utf-8", raw_bytes=False)
    except UnicodeDecodeError:
        pass
    # Files joined from several exports carry UTF-8 BOMs before later BEGIN:VCARD lines.
    text = data.replace(codecs.BOM_UTF8, b"").decode("latin-1")
    return SourceText(data, text, "", raw_bytes=True)


def _decode_wide(data: bytes, codec: str) -> str:
    # A cut UTF-16/32 file ends in a partial code unit: drop it rather than show U+FFFD.
    unit = 4 if codec.startswith("utf-32") else 2 if codec.startswith("utf-16") else 1
    return data[: len(data) - len(data) % unit].decode(codec, errors="replace")


def _clean(text: str) -> str:
    # Files concatenated from several exports carry a BOM in the middle, before BEGIN:VCARD.
    return text.replace("\ufeff", "") if "\ufeff" in text else text


def declared_legacy_name(data: bytes) -> str | None:
    """The first CHARSET the file declares that is not UTF-8, as written."""
    for match in _CHARSET_PARAM.finditer(data):
        name = match[1].decode("ascii").lower()
        codec = codec_for(name)
        if codec and codec not in ("utf-8", "ascii"):
            return name
    return None


def declared_legacy_codec(data: bytes) -> str | None:
    name = declared_legacy_name(data)
    return codec_for(name) if name else None


def guess_legacy_codec(data: bytes) -> str:
    """A legacy charset for 8-bit bytes that declare none: charset-normalizer among the usual
    candidates when there is enough text to judge, else cp1252 (Outlook, Windows mailers)."""
    sample = bytearray()
    for line in data.split(b"\n"):
        if not line.isascii():
            sample += line + b"\n"
            if len(sample) >= 65536:
                break
    if len(sample) - len(sample.decode("latin-1").encode("ascii", "ignore")) < 32:
        return "cp1252"  # too few 8-bit bytes for a statistical guess
    best = charset_normalizer.from_bytes(bytes(sample), cp_isolation=list(_LEGACY_CANDIDATES))
    match = best.best()
    return (codec_for(match.encoding) or "cp1252") if match is not None else "cp1252"


def _mostly_utf8_name(data: bytes) -> str | None:
    """A UTF-8 file with a few broken bytes (cut or badly joined) is still a UTF-8 file."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    good = non_ascii - text.count("\ufffd")
    return "utf-8" if good > 0 and good >= 4 * broken else None


@lru_cache(maxsize=256)
def codec_for(charset: str) -> str | None:
    """Python codec for a CHARSET parameter, or None when it is unknown or not a charset."""
    name = charset.strip().strip('"').lower()
    if not name or len(name) > 40:
        return None
    name = _DECLARED_ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
        b"a".decode(codec)  # refuses bytes-to-bytes codecs such as base64 or zlib
    except (LookupError, ValueError, UnicodeError):
        return None
    return None if codec in _REFUSED_CODECS else codec


def reported_name(encoding: str) -> str:
    codec = codec_for(encoding) or encoding
    if encoding.lower() in ("shift_jis", "shift-jis", "sjis"):
        return "shift_jis"
    if codec in _REPORTED_NAMES:
        return _REPORTED_NAMES[codec]
    if codec.startswith("cp125"):
        return "windows-" + codec[2:]
    if codec.startswith("iso8859-"):
        return "iso-8859-" + codec[8:]
    return codec.replace("_", "-")


def decode_value_bytes(raw: bytes, charset: str, fallback: str) -> tuple[str, bool]:
    """(text, clean). Valid UTF-8 wins (exporters often declare a charset they did not use),
    then the declared charset, then the file's legacy charset. `clean` is False when bytes
    had to be dropped; the caller then warns."""
    if raw.isascii():
        return raw.decode("ascii"), True
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    declared = codec_for(charset) if charset else None
    if declared and declared != "utf-8":
        try:
            return raw.decode(declared), True
        except UnicodeDecodeError:
            pass
    if declared == "utf-8" or _mostly_utf8_name(raw):
        # A cut multi-byte sequence (Android's ORG ending in a lone =80): keep the good
        # characters instead of turning the whole value into cp1252 mojibake.
        return raw.decode("utf-8", errors="ignore"), False
    try:
        return raw.decode(fallback), True
    except (UnicodeDecodeError, LookupError):
        return raw.decode(fallback if codec_for(fallback) else "cp1252", errors="ignore"), False
