"""Bytes -> text for contact files: find the encoding the exporting program used.

Order of evidence, strongest first:

1. A byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE).
2. UTF-16 without a BOM, recognised by its NUL bytes (Apple Address Book writes UTF-16BE
   vCards without a BOM; Windows tools write UTF-16LE CSV).
3. Valid UTF-8. A file that decodes as UTF-8 is UTF-8: no legacy charset is ever tried for it,
   so a UTF-8 file never comes out as cp1252 mojibake. A file that is UTF-8 except for a few
   broken bytes is still read as UTF-8 (the broken bytes become U+FFFD and are counted).
4. A legacy charset. charset-normalizer alone is unreliable on the few hundred non-ASCII bytes
   a contact file holds (it calls a Shift_JIS Thunderbird export cp949 and a German cp1252 file
   cp1250), so each candidate decoding is scored by how much it looks like names and
   addresses: letters of one script per word, kana for Japanese, no control or box-drawing
   characters. Ties go to the more common charset, cp1252 first, because Outlook and Excel on
   Western Windows write it; charset-normalizer breaks the ties between readings that all
   look like noise, and those between East Asian code pages (the same bytes are valid Hangul
   in one and valid Chinese in another, and only a language model tells them apart).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer

# Legacy candidates, most common first: the order breaks ties between equally plausible texts.
LEGACY_CANDIDATES = (
    "cp1252",
    "shift_jis",
    "cp932",
    "cp1250",
    "cp1251",
    "gb18030",
    "big5",
    "cp949",
    "euc_jp",
    "cp1253",
    "cp1254",
    "cp1257",
    "koi8_r",
    "cp1255",
    "cp1256",
)

_MULTI_BYTE = frozenset(("shift_jis", "cp932", "gb18030", "big5", "cp949", "euc_jp"))

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# How much non-ASCII text the legacy scorer looks at: enough for any real file's evidence.
_SAMPLE_BYTES = 16 * 1024
# A run of letters, digits, apostrophes and non-ASCII characters holding one non-ASCII one.
_NON_ASCII_WORD = re.compile(r"[\w'’\x80-\U0010ffff]*[\x80-\U0010ffff][\w'’\x80-\U0010ffff]*")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    # Bytes that could not be decoded and became U+FFFD; 0 for a clean decode.
    replaced: int = 0
    bom: bool = False


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a whole file. Never raises: undecodable bytes become U+FFFD and are counted."""
    bom_encoding, bom_length = sniff_bom(data)
    if bom_encoding:
        codec = "utf-8" if bom_encoding == "utf-8-sig" else bom_encoding
        return _decode_with(data[bom_length:], codec, bom_encoding, bom=True)
    utf16 = sniff_utf16_without_bom(data)
    if utf16:
        return _decode_with(data, utf16, utf16)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return _decode_with(data, "utf-8", "utf-8")
    encoding = guess_legacy_encoding(data)
    return _decode_with(data, encoding, encoding)


def sniff_bom(data: bytes) -> tuple[str | None, int]:
    """(encoding, BOM length) or (None, 0)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None, 0


def sniff_utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text in Latin script has a NUL in every other byte; which half says LE or BE."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    if even_nuls >= pairs * 0.3 and odd_nuls <= pairs * 0.05:
        return "utf-16-be"
    if odd_nuls >= pairs * 0.3 and even_nuls <= pairs * 0.05:
        return "utf-16-le"
    return None


def _decode_with(data: bytes, codec: str, name: str, bom: bool = False) -> DecodedText:
    # An odd trailing byte of UTF-16 is a truncated file, not a reason to refuse it.
    text = data.decode(codec, errors="replace")
    replaced = text.count("\ufffd") - _literal_replacement_chars(data, codec)
    return DecodedText(text, name, max(replaced, 0), bom)


def _literal_replacement_chars(data: bytes, codec: str) -> int:
    """U+FFFD that the file itself holds (the tine20 Outlook header does), not decode errors."""
    if codec.startswith("utf-8"):
        return data.count(b"\xef\xbf\xbd")
    if codec == "utf-16-le":
        return data.count(b"\xfd\xff")
    if codec == "utf-16-be":
        return data.count(b"\xff\xfd")
    return 0


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes (a truncated or badly concatenated file) stays UTF-8:
    reading it as cp1252 would garble every good character to save a few bad ones."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    good = non_ascii - text.count("\ufffd")
    return good > 0 and good >= 2 * broken


def guess_legacy_encoding(data: bytes) -> str:
    """Best legacy charset for bytes that are not UTF-8 (see the module docstring)."""
    sample = _non_ascii_lines(data)
    best_score = float("-inf")
    tied: dict[str, str] = {}  # decoded text -> first (most common) charset giving it
    for name in LEGACY_CANDIDATES:
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        score = plausibility(text)
        if score > best_score + 1e-9:
            best_score, tied = score, {text: name}
        elif abs(score - best_score) <= 1e-9:
            tied.setdefault(text, name)
    names = list(tied.values())
    if not names:
        return LEGACY_CANDIDATES[0]
    if len(names) > 1 and best_score <= 0:
        # Every reading looks like noise: let charset-normalizer's language model decide.
        return _charset_normalizer_choice(sample, names) or names[0]
    if len(names) > 1 and _MULTI_BYTE.intersection(names):
        return _least_chaotic(sample, names)
    return names[0]


def _least_chaotic(sample: bytes, names: list[str]) -> str:
    """East Asian code pages can read the same bytes as equally good ideographs or Hangul
    (EUC-KR Korean and kanji-only EUC-JP both come out as valid Chinese in GB18030): the
    reading charset-normalizer finds least chaotic, then most coherent, wins; where it
    cannot tell them apart, the more common charset (the first name) does."""
    measured = {}
    for match in charset_normalizer.from_bytes(sample, cp_isolation=names):
        measured[codecs.lookup(match.encoding).name] = (match.chaos, -match.coherence)
    worst = (float("inf"), 0.0)
    return min(
        names,
        key=lambda name: (measured.get(codecs.lookup(name).name, worst), names.index(name)),
    )


def _non_ascii_lines(data: bytes) -> bytes:
    """The lines that carry evidence: ASCII-only lines decode the same in every candidate."""
    lines = [line for line in data.split(b"\n") if not line.isascii()]
    sample = b"\n".join(lines)
    if len(sample) <= _SAMPLE_BYTES:
        return sample
    cut = sample.rfind(b"\n", 0, _SAMPLE_BYTES)
    return sample[: cut if cut > 0 else _SAMPLE_BYTES]


def _charset_normalizer_choice(sample: bytes, candidates: list[str]) -> str | None:
    matches = charset_normalizer.from_bytes(sample, cp_isolation=candidates)
    best = matches.best()
    if best is None:
        return None
    chosen = codecs.lookup(best.encoding).name
    for name in candidates:
        if codecs.lookup(name).name == chosen:
            return name
    return None


def plausibility(text: str) -> float:
    """Average per non-ASCII character: > 0 looks like names and addresses, < 0 like mojibake."""
    total = 0.0
    counted = 0
    for word in _words(text):
        scripts = set()
        non_ascii_latin = 0
        for ch in word:
            if ord(ch) < 0x80:
                if ch.isalpha():
                    scripts.add("latin")
                continue
            counted += 1
            script, weight = char_class(ch)
            total += weight
            if script:
                scripts.add(script)
            if script == "latin":
                non_ascii_latin += 1
        if len(scripts) > 1:
            total -= 3 * len(word)
        elif scripts == {"latin"} and len(word) >= 3 and non_ascii_latin * 2 > len(word):
            # Western words carry an accent here and there; a word made of accented letters
            # is Cyrillic, Greek or CJK read through a Latin code page.
            total -= 2 * non_ascii_latin
    return total / counted if counted else 0.0


def _words(text: str) -> list[str]:
    """The words that hold a non-ASCII character: only they tell the candidates apart, and
    the regular expression finds them without a Python loop over every character."""
    return _NON_ASCII_WORD.findall(text)


@lru_cache(maxsize=4096)
def char_class(ch: str) -> tuple[str, float]:
    """(script, weight) of one non-ASCII character for the plausibility score."""
    code = ord(ch)
    if 0x80 <= code <= 0x9F or code == 0xFFFD or 0xE000 <= code <= 0xF8FF:
        return "", -5.0
    if 0x3040 <= code <= 0x30FF:
        return "cjk", 2.0  # kana: nothing else decodes into it by accident
    if 0x4E00 <= code <= 0x9FFF:
        return "cjk", 1.0
    if 0xFF61 <= code <= 0xFF9F:
        return "cjk", -0.5  # half-width katakana: rare in contacts, common in misreads
    if 0xAC00 <= code <= 0xD7A3:
        return "hangul", 1.0
    category = unicodedata.category(ch)
    if category.startswith("L"):
        # Icelandic letters are where cp1252 overlaps Turkish and Central European letters.
        return _letter_script(ch), 0.3 if ch in "ÐðÞþÝý" else 1.0
    if ch in "–—‘’“”…€":
        return "", 1.0  # Word's typography: everyday in cp1252 text
    if ch in "•·«»§°ºª":
        return "", 0.0
    if category.startswith(("S", "C")) or category == "No":
        return "", -2.0
    return "", -0.5


def _letter_script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "CYRILLIC", "GREEK", "HEBREW", "ARABIC", "CJK", "HANGUL", "THAI"):
        if name.startswith(script):
            return script.lower() if script != "CJK" else "cjk"
    return "other"


# Magic numbers of files people upload by mistake instead of a CSV or vCard export.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or an Excel/Numbers workbook (.xlsx, .numbers)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.xls, .doc)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"RIFF", "a media file"),
    (b"\x00\x00\x01\x00", "an icon file"),
)


def refuse_unreadable(data: bytes) -> None:
    """Raise UnreadableFile, with a message for a person, for an empty or binary file."""
    from calkeep.formats.draft import UnreadableFile

    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UnreadableFile("the file is empty", "empty_file")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableFile(
                f"this is {what}, not a contact file; export your contacts as CSV or vCard "
                "and upload that file",
                "binary_file",
            )
    bom, _ = sniff_bom(data)
    if (bom and bom.startswith(("utf-16", "utf-32"))) or sniff_utf16_without_bom(data):
        return
    head = data[:8192]
    controls = sum(1 for byte in head if byte < 0x20 and byte not in (0x09, 0x0A, 0x0D, 0x0C))
    if b"\x00" in head or controls > len(head) * 0.05:
        raise UnreadableFile(
            "this file holds binary data, not text: it is not a CSV or vCard export",
            "binary_file",
        )
