"""Small text helpers shared by pages, codecs and search."""

from __future__ import annotations

import unicodedata


def fold_for_search(value: str) -> str:
    """Lower-case, strip accents and collapse whitespace: `Müller ` -> `muller`."""
    if value.isascii():  # most values: no accents to strip, and casefold is lower
        return " ".join(value.lower().split())
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def digits_only(value: str) -> str:
    return "".join(c for c in value if c.isdigit() and c.isascii())


def clean_text(value: str) -> str:
    """Unicode NFC, no NUL or BOM, line breaks as LF; surrounding whitespace kept off."""
    value = (
        value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").replace("\ufeff", "")
    )
    return unicodedata.normalize("NFC", value).strip()
