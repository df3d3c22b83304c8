"""A ParsedFile as compact JSON and back, so the commit of an analysed import can take the
analysis' reading of the file instead of reading and normalizing it again (transfers/
readings.py keeps it). Plain JSON, not pickle: what the database holds is never code.

Rows become plain lists (`rows_to_values`; JSON them with `encode`), each row in the order
of the dataclasses' own fields (a draft's entries likewise), so the text holds no key names
and a field added to a dataclass changes the layout; `LAYOUT` names the layout and is part
of what a stored reading is checked against. Decoding gives objects equal to the
ones encoded (tests compare whole files of every format); equal issues come back as one
Issue object, as rows share them anyway and nothing changes an issue once made."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import fields
from operator import attrgetter
from typing import Any

from calkeep.formats.draft import (
    AddressDraft,
    ContactDraft,
    EmailDraft,
    Issue,
    ParsedFile,
    ParsedRow,
    PhoneDraft,
)

_CONTACT = tuple(f.name for f in fields(ContactDraft))
_ENTRIES = {"emails": EmailDraft, "phones": PhoneDraft, "addresses": AddressDraft}
_ENTRY_FIELDS = {name: tuple(f.name for f in fields(kind)) for name, kind in _ENTRIES.items()}
_ROW = tuple(f.name for f in fields(ParsedRow))
_ISSUE = tuple(f.name for f in fields(Issue))
_FILE = tuple(f.name for f in fields(ParsedFile) if f.name != "rows")
# Changes whenever a field of any of these dataclasses is added, removed or reordered.
LAYOUT = json.dumps([_CONTACT, _ENTRY_FIELDS, _ROW, _ISSUE, _FILE])

# ASCII: a lone surrogate a decoder let through survives the trip too. No check for
# reference cycles (a fifth of the encoding time): the values are lists of texts, numbers
# and lists built here from the dataclasses, which cannot hold one.
encode = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
_DRAFT = _ROW.index("draft")
_ISSUE_LISTS = (_ROW.index("warnings"), _ROW.index("errors"))


def _getter(names: tuple[str, ...]) -> Any:
    """One C call that gets every named field as a tuple, in this order."""
    return attrgetter(*names) if len(names) > 1 else lambda item: (getattr(item, names[0]),)


_row_getter = _getter(_ROW)
_issue_getter = _getter(_ISSUE)
_contact_getter = _getter(_CONTACT)
_ENTRY_GETTERS = tuple(
    (_CONTACT.index(name), _getter(keys)) for name, keys in _ENTRY_FIELDS.items()
)


def encode_header(parsed: ParsedFile) -> str:
    """Everything of the file but its rows."""
    return encode([getattr(parsed, name) for name in _FILE])


def decode_header(text: str) -> ParsedFile:
    values = dict(zip(_FILE, json.loads(text), strict=True))
    return ParsedFile(rows=[], **values)


def rows_to_values(rows: Iterable[ParsedRow]) -> list[list[Any]]:
    return [_row_values(row) for row in rows]


def _row_values(row: ParsedRow) -> list[Any]:
    values = list(_row_getter(row))
    draft = values[_DRAFT]
    if draft is not None:
        values[_DRAFT] = _draft_values(draft)
    for index in _ISSUE_LISTS:
        values[index] = [_issue_getter(issue) for issue in values[index]]
    return values


def _draft_values(draft: ContactDraft) -> list[Any]:
    values = list(_contact_getter(draft))
    for index, getter in _ENTRY_GETTERS:
        values[index] = [getter(entry) for entry in values[index]]
    return values


class RowDecoder:
    """Turns `rows_to_values` slices (as JSON gives them back) into rows again; one decoder
    per file, so that equal issues of different slices are one object too, and so are the
    texts a file repeats (names, organizations, labels, tags, cities: what reading the file
    shares too, normalize._clean_strings), which JSON would give as new strings each."""

    def __init__(self) -> None:
        self._issues: dict[tuple[str, ...], Issue] = {}
        self._texts: dict[str, str] = {}

    def rows(self, values: list[list[Any]]) -> list[ParsedRow]:
        return [self._row(row) for row in values]

    def _row(self, values: list[Any]) -> ParsedRow:
        if len(values) != len(_ROW):
            raise ValueError("a stored row of another layout")
        draft = values[_DRAFT]
        if draft is not None:
            values[_DRAFT] = self._draft(draft)
        for index in _ISSUE_LISTS:
            values[index] = [self._issue(issue) for issue in values[index]]
        return ParsedRow(*values)

    def _issue(self, values: list[str]) -> Issue:
        if len(values) != len(_ISSUE):
            raise ValueError("a stored issue of another layout")
        key = tuple(values)
        issue = self._issues.get(key)
        if issue is None:
            issue = self._issues[key] = Issue(*values)
        return issue

    def _draft(self, values: list[Any]) -> ContactDraft:
        if len(values) != len(_CONTACT):
            raise ValueError("a stored draft of another layout")
        shared = self._texts.setdefault
        for index in _SHARED_TEXTS:
            text = values[index]
            if text:
                values[index] = shared(text, text)
        tags = values[_TAGS]
        if tags:
            values[_TAGS] = [shared(t, t) for t in tags]
        for index, kind, pooled in _ENTRY_KINDS:
            entries = values[index]
            if entries:
                for entry in entries:
                    for part in pooled:
                        entry[part] = shared(entry[part], entry[part])
                values[index] = [kind(*entry) for entry in entries]
        return ContactDraft(*values)


_SHARED_FIELDS = (
    "prefix", "given_name", "middle_name", "family_name", "suffix", "organization",
    "department", "title",
)  # fmt: skip
_SHARED_PARTS = ("label", "city", "region", "country")
_SHARED_TEXTS = tuple(_CONTACT.index(name) for name in _SHARED_FIELDS if name in _CONTACT)
_TAGS = _CONTACT.index("tags")
_ENTRY_KINDS = tuple(
    (
        _CONTACT.index(name),
        kind,
        tuple(i for i, part in enumerate(_ENTRY_FIELDS[name]) if part in _SHARED_PARTS),
    )
    for name, kind in _ENTRIES.items()
)
