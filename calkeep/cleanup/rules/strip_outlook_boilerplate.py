"""Strip Outlook notes boilerplate: what Outlook and Exchange sync leave in a contact's notes
besides what a person wrote.

- The `.\\n\\n` accumulations: a sync that round-trips the notes through Outlook's RTF body
  and back adds a line holding a lone period, or an empty paragraph, each cycle, so old
  contacts end in `.\\r\\n\\r\\n.\\r\\n\\r\\n.` or a screenful of blank lines. Lines holding only
  periods or white space (including the no-break and zero-width spaces RTF and HTML
  conversions leave) are removed at the start and end of the notes, and a run of them
  between two paragraphs becomes one empty line.
- The HTML body Exchange hands out instead of text (EWS and Outlook on the web give a
  contact's notes as a whole `<html><head><meta …>…<body>` document unless plain text is
  asked for, and a Word-edited note adds `class=MsoNormal` and `<o:p>` markup): the note
  becomes its text, one line per paragraph or `<br>`, entities decoded.

Only notes with such remains change; CRLF line ends count as the same text as LF, and one
final line break is not boilerplate. What a person wrote stays as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")
_EXCHANGE_HTML = re.compile(r"^\s*<html\b[^>]*>.*<body\b.*</html>\s*$", re.DOTALL | re.IGNORECASE)
_HTML_DROPPED = re.compile(
    r"<head\b.*?</head>|<style\b.*?</style>|<script\b.*?</script>|<!--.*?-->|<!\[[^\]]*\]>",
    re.DOTALL | re.IGNORECASE,
)
_HTML_BREAK = re.compile(r"<br\b[^>]*>|</(?:p|div|li|tr|h[1-6])\s*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]*>")


def strip_outlook_boilerplate(values: Mapping[str, Any], region: str) -> Mapping[str, Any]:
    notes = values.get("notes") or ""
    if not isinstance(notes, str) or not _may_hold_boilerplate(notes):
        return values
    cleaned = clean_notes(notes)
    if cleaned == _as_written(notes):
        return values
    return {**values, "notes": cleaned}


def _may_hold_boilerplate(notes: str) -> bool:
    return "\n" in notes or "\r" in notes or notes.lstrip()[:1] == "<" or _is_junk(notes)


def clean_notes(notes: str) -> str:
    if _EXCHANGE_HTML.match(notes):
        lines = [line.strip() for line in _LINE_BREAK.split(html_to_text(notes))]
    else:
        lines = _LINE_BREAK.split(notes)
    kept: list[str] = []
    run: list[str] = []
    for line in lines:
        if _is_junk(line):
            run.append(line)
            continue
        if run and kept:
            single_blank = len(run) == 1 and not run[0].translate(_INVISIBLE).strip()
            kept.append(run[0] if single_blank else "")
        run = []
        kept.append(line)
    return "\n".join(kept)


def html_to_text(document: str) -> str:
    body = _HTML_DROPPED.sub("", document)
    body = " ".join(body.split())  # white space in HTML source is not layout
    body = _HTML_BREAK.sub("\n", body)
    return html.unescape(_HTML_TAG.sub("", body)).replace("\u00a0", " ")


def _is_junk(line: str) -> bool:
    """Nothing but white space and periods (`.`, `. .`, a no-break space)."""
    return not line.translate(_INVISIBLE).replace(".", "").strip()


def _as_written(notes: str) -> str:
    text = _LINE_BREAK.sub("\n", notes)
    return text[:-1] if text.endswith("\n") else text
