"""Dedupe repeated notes paragraphs: a block that appears again (a signature or disclaimer a
sync appended once per cycle, the same note pasted twice, two contacts' notes joined by a
merge) is kept once, where it first appears; the order of the rest is kept.

Paragraphs are separated by blank lines. Two paragraphs are the same when their words are,
whatever the white space between them (line breaks, indentation, trailing spaces). The
separators of the kept paragraphs stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# A line break, then one or more lines holding nothing but spaces, then a line break.
_SEPARATOR = re.compile(r"((?:\r\n|\r|\n)(?:[^\S\r\n]*(?:\r\n|\r|\n))+)")
_QUICK_CHECK = re.compile(r"(?:\r\n|\r|\n)[^\S\r\n]*(?:\r\n|\r|\n)")


def dedupe_note_paragraphs(values: Mapping[str, Any], region: str) -> Mapping[str, Any]:
    notes = values.get("notes") or ""
    if not isinstance(notes, str) or _QUICK_CHECK.search(notes) is None:
        return values  # one paragraph: nothing to repeat
    parts = _SEPARATOR.split(notes)
    kept = [parts[0]]
    seen = {_words(parts[0])}
    for separator, paragraph in zip(parts[1::2], parts[2::2], strict=True):
        words = _words(paragraph)
        if words and words in seen:
            continue
        seen.add(words)
        kept += [separator, paragraph]
    if len(kept) == len(parts):
        return values
    return {**values, "notes": "".join(kept)}


def _words(paragraph: str) -> str:
    return " ".join(paragraph.split())
