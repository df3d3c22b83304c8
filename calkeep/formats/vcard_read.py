"""vCard 2.1 / 3.0 / 4.0 file -> ParsedFile: one ParsedRow per BEGIN:VCARD ... END:VCARD.

Layers: `vcard_source` (bytes -> text and charset rules), `vcard_lex` (lines -> raw
properties), `vcard_params` (parameters, escapes), this module (properties -> drafts).
Phone numbers are left as written; `normalize.finish_row` parses them afterwards.
"""

from __future__ import annotations

import binascii
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from calkeep.formats.draft import (
    AddressDraft,
    ContactDraft,
    EmailDraft,
    Issue,
    ParsedFile,
    ParsedRow,
    PhoneDraft,
    UnreadableFile,
)
from calkeep.formats.phones import strip_tel_uri
from calkeep.formats.vcard_labels import (
    ADDRESS,
    EMAIL,
    PHONE,
    address_label,
    apple_label,
    email_label,
    phone_label,
)
from calkeep.formats.vcard_lex import NOT_CLOSED, TRUNCATED, RawCard, iter_cards, split_lines
from calkeep.formats.vcard_params import (
    ENCODING_QP,
    PARAMS_CACHE,
    Params,
    parse_params,
    split_text_list,
    split_unescaped,
    unescape,
)
from calkeep.formats.vcard_source import SourceText, decode_source, decode_value_bytes
from calkeep.lib.dates import parse_birthday
from calkeep.lib.progress import EVERY, Progress

if TYPE_CHECKING:
    from calkeep.formats.normalize import EarlyNumbers

# Google's all-contacts system group, which Android and Google exports write as a category
# on every card; it is not a user's label (EXPECTED.md "Tags").
_SYSTEM_GROUPS = {"my contacts", "mycontacts", "* my contacts", "* mycontacts"}
# A contact with more categories than this is hostile input, not an address book entry.
MAX_TAGS = 1000
# The writer appends the extension to the number for other readers, and marks it so.
EXTENSION_PARAM = "X-CALKEEP-EXT"
EXTENSION_SEPARATOR = " ext. "


def parse_vcard(
    data: bytes, progress: Progress | None = None, early: EarlyNumbers | None = None
) -> ParsedFile:
    """Read every card of a vCard file. Raises UnreadableFile (with a message for a person)
    when the file holds no readable card; problems of single cards come back on the rows.
    `progress` hears the line reached ("read") out of the file's lines; `early` is offered
    the rows read so far (normalize.EarlyNumbers)."""
    with _gc_paused():
        return _parse(data, progress, early)


def _parse(data: bytes, progress: Progress | None, early: EarlyNumbers | None) -> ParsedFile:
    source = decode_source(data)
    lines = split_lines(source.text)
    source.text = ""  # up to 40 MB for a 10 MB file; only the lines are read from here on
    cards = iter_cards(lines, nest_freely=True)
    rows, complete, last = _read_cards(cards, source, progress, lines, early)
    if last is not None and last.status == TRUNCATED and last.nested_freely:
        # The file ended inside a card that held a nested BEGIN:VCARD: rather a card whose
        # END:VCARD was lost. Read again letting only AGENT nest (see vcard_lex), without
        # the early start on the first reading's rows.
        if early is not None:
            early.cancel()
        cards = iter_cards(lines, nest_freely=False)
        rows, complete, last = _read_cards(cards, source, progress, lines)
    if last is None:
        raise UnreadableFile(_not_a_vcard("\n".join(lines[:100])), "not_vcard")
    if not complete:
        raise UnreadableFile(
            f"the vCard file ends inside card {last.number}, which has no END:VCARD; the file "
            f"looks truncated (card {last.number} starts on line {last.line})",
            "truncated_file",
        )
    return ParsedFile("vcard", source.encoding, rows)


def _read_cards(
    cards: Iterator[RawCard],
    source: SourceText,
    progress: Progress | None,
    lines: list[str],
    early: EarlyNumbers | None = None,
) -> tuple[list[ParsedRow], int, RawCard | None]:
    """(rows, how many cards were complete, the last card). Each card is read as soon as it
    is lexed, so its raw properties are freed while still in the CPU cache."""
    rows: list[ParsedRow] = []
    complete = 0
    last: RawCard | None = None
    for last in cards:
        rows.append(_read_row(last, source))
        complete += last.status != TRUNCATED
        if len(rows) % EVERY == 0:
            if progress is not None:
                progress("read", last.line, len(lines))
            if early is not None:
                early.offer(rows, last.line, len(lines))
    return rows, complete, last


@contextmanager
def _gc_paused() -> Iterator[None]:
    """A 10 MB file makes a million small tuples and objects, none of them cyclic garbage;
    the cyclic collector would rescan them over and over and double the parse time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _not_a_vcard(text: str) -> str:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f")
    if controls > len(sample) // 20:
        return "this file is not a vCard: it holds binary data (an image or an archive?), not text"
    return "this file is not a vCard: it has no BEGIN:VCARD line"


def _read_row(card: RawCard, source: SourceText) -> ParsedRow:
    row = ParsedRow(card.number, None, card.line)
    try:
        reader = _CardReader(card, source)
        row.draft, row.warnings = reader.read(), reader.warnings
    except Exception as error:  # one odd card must not sink the whole file
        row.errors.append(
            Issue(
                "",
                f"card {card.number} (line {card.line}) could not be read ({error!r})",
                "card_unreadable",
            )
        )
        return row
    if card.nested_freely:
        row.warnings.append(
            Issue(
                "",
                f"card {card.number} (line {card.line}) holds another BEGIN:VCARD that no "
                "AGENT introduced; the nested card's properties are not this contact's "
                "and were not read",
                "nested_card",
            )
        )
    if card.status == TRUNCATED:
        row.errors.append(
            Issue(
                "",
                f"card {card.number} (line {card.line}) has no END:VCARD: the file "
                "ends inside it and looks truncated, so it was not imported",
                "truncated_card",
            )
        )
    elif card.status == NOT_CLOSED:
        row.warnings.append(
            Issue(
                "",
                f"card {card.number} (line {card.line}) has no END:VCARD before the next "
                "BEGIN:VCARD; it was read up to there",
                "card_not_closed",
            )
        )
    return row


class _CardReader:
    """The properties of one card -> a ContactDraft and its warnings."""

    __slots__ = (
        "card",
        "draft",
        "grouped",
        "labels",
        "notes",
        "plain",
        "primary",
        "source",
        "warnings",
    )

    def __init__(self, card: RawCard, source: SourceText) -> None:
        self.card = card
        self.source = source
        self.plain = not source.raw_bytes  # values are text already, unless QP-encoded
        self.draft = ContactDraft()
        self.warnings: list[Issue] = []
        self.labels: dict[str, str] = {}  # Apple item group -> its X-ABLabel
        # Values of Apple item groups; their X-ABLabel may come later in the card.
        self.grouped: list[tuple[EmailDraft | PhoneDraft | AddressDraft, str, str]] = []
        self.primary = (101, -1)  # (best PREF rank seen on an email, that email's index)
        self.notes: list[str] = []

    def read(self) -> ContactDraft:
        handlers = _HANDLERS
        cached = PARAMS_CACHE
        for name, group, params, value, line in self.card.props:
            handler = handlers.get(name)
            if handler is not None:
                handler(self, cached.get(params) or parse_params(params), value, group, line)
        if self.notes:
            self.draft.notes = "\n\n".join(self.notes)
        if self.primary[1] >= 0:
            self.draft.emails[self.primary[1]].primary = True
        for item, group, kind in self.grouped:
            custom = self.labels.get(group.upper())
            if custom:
                item.label = apple_label(custom, kind)
        return self.draft

    def text(self, params: Params, value: str, field: str, index: int = -1) -> str:
        """The value's characters: quoted-printable and per-property CHARSET undone. `field`
        and `index` name the contract field for a warning (`emails[1]`)."""
        if not params.encoding and (self.plain or value.isascii()):
            return value
        if params.encoding == ENCODING_QP:
            raw = binascii.a2b_qp(value.encode("latin-1" if self.source.raw_bytes else "utf-8"))
        elif self.source.raw_bytes and not value.isascii():
            raw = value.encode("latin-1")
        else:
            return value
        text, clean = decode_value_bytes(raw, params.charset, self.source.fallback)
        if not clean:
            self.warn(
                f"{field}[{index}]" if index >= 0 else field,
                "some bytes could not be decoded as text and were left out",
                "undecodable_text",
            )
        return text

    def warn(self, field: str, message: str, code: str) -> None:
        self.warnings.append(Issue(field, message, code))


def _components(parts: list[str], count: int) -> list[str]:
    """The first `count` components of N or ADR. Each is a comma list (RFC 6350 6.2.2), joined
    for the contract's single string: iOS writes middle names `Richter,James`, Outlook's
    vCard 2.1 does the same, so lists are read in every version."""
    return [_joined_list(part) if "," in part else unescape(part) for part in parts[:count]]


def _joined_list(text: str) -> str:
    return ", ".join(item.strip() for item in split_text_list(text) if item.strip())


Handler = Callable[[_CardReader, Params, str, str, int], None]


def _read_fn(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    if not card.draft.display_name:
        card.draft.display_name = unescape(card.text(params, value, "display_name")).strip()


def _read_n(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    draft = card.draft
    if draft.family_name or draft.given_name or draft.middle_name:
        return
    parts = split_unescaped(card.text(params, value, "name"), ";")
    parts += [""] * (5 - len(parts))
    draft.family_name, draft.given_name, draft.middle_name, draft.prefix, draft.suffix = (
        _components(parts, 5)
    )


def _read_org(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    draft = card.draft
    if draft.organization or draft.department:
        return  # Android repeats ORG; the first one is the contact's company
    units = [
        unescape(u).strip() for u in split_unescaped(card.text(params, value, "organization"), ";")
    ]
    draft.organization = units[0]
    draft.department = ", ".join(unit for unit in units[1:] if unit)


def _read_title(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    if not card.draft.title:
        card.draft.title = unescape(card.text(params, value, "title")).strip()


def _read_note(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    note = unescape(card.text(params, value, "notes")).strip()
    if note:
        card.notes.append(note)


def _read_bday(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    if card.draft.birthday:
        return
    text = unescape(card.text(params, value, "birthday")).strip()
    if text.startswith("--") and "T" in text:
        text = text.partition("T")[0]  # `--0322T1030`: a time on a date without a year
    birthday, problem = parse_birthday(text)
    omitted = params.get("X-APPLE-OMIT-YEAR").strip()
    if birthday and omitted and birthday.startswith(omitted + "-"):
        birthday = "--" + birthday[len(omitted) + 1 :]  # Apple's year placeholder (1604)
    card.draft.birthday = birthday
    if problem:
        card.warn("birthday", f"line {line}: {problem}", "birthday_unreadable")


def _read_url(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    # URL values are kept as written: `www.company.com` (Android) is a web address without
    # its scheme, and nothing is lost on import. FBURL/CALURI never come here.
    url = unescape(card.text(params, value, "urls", len(card.draft.urls))).strip()
    if url:
        card.draft.urls.append(url)


def _read_categories(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    tags = card.draft.tags
    items = split_unescaped(card.text(params, value, "tags"), ",")
    room = MAX_TAGS - len(tags)
    if len(items) > room:
        card.warn(
            "tags", f"line {line}: only the first {MAX_TAGS} categories were kept", "tags_cut"
        )
    for item in items[: max(room, 0)]:
        tag = unescape(item).strip()
        if tag and tag.casefold() not in _SYSTEM_GROUPS:
            tags.append(tag)


def _read_email(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    emails = card.draft.emails
    address = unescape(card.text(params, value, "emails", len(emails))).strip()
    if address[:7].lower() == "mailto:":
        address = address[7:].strip()
    if not address:
        return
    emails.append(EmailDraft(address, email_label(params.types)))
    if group:
        card.grouped.append((emails[-1], group, EMAIL))
    if params.pref and params.pref < card.primary[0]:
        card.primary = (params.pref, len(emails) - 1)


def _read_tel(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    phones = card.draft.phones
    text = unescape(card.text(params, value, "phones", len(phones))).strip()
    extension = ""
    if params.value == "uri" or text[:4].lower() == "tel:":
        text, extension = strip_tel_uri(text)  # RFC 6350 6.4.1: `tel:+1-555-0123;ext=45`
    marker = params.get(EXTENSION_PARAM)
    if marker:  # our writer's extension, and the ` ext. 45` it appended (vcard_write)
        extension = marker
        if text.endswith(EXTENSION_SEPARATOR + marker):
            text = text[: -len(EXTENSION_SEPARATOR + marker)].rstrip()
    if text:
        phones.append(PhoneDraft(text, None, phone_label(params.types), extension))
        if group:
            card.grouped.append((phones[-1], group, PHONE))


def _read_adr(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    text = card.text(params, value, "addresses", len(card.draft.addresses))
    parts = split_unescaped(text, ";")
    parts += [""] * (7 - len(parts))
    box, extended, street, city, region, postcode, country = _components(parts, 7)
    # The contract has no PO box: it goes on the street's first line rather than be lost.
    street = "\n".join(part for part in (box.strip(), street) if part)
    label = address_label(params.types)
    address = AddressDraft(label, street, extended, city, region, postcode, country)
    if not address.is_empty():
        card.draft.addresses.append(address)
        if group:
            card.grouped.append((address, group, ADDRESS))


def _read_label(card: _CardReader, params: Params, value: str, group: str, line: int) -> None:
    if group:
        text = unescape(card.text(params, value, "labels")).strip()
        card.labels.setdefault(group.upper(), text)


_HANDLERS: dict[str, Handler] = {
    "FN": _read_fn,
    "N": _read_n,
    "ORG": _read_org,
    "TITLE": _read_title,
    "NOTE": _read_note,
    "BDAY": _read_bday,
    "URL": _read_url,
    "CATEGORIES": _read_categories,
    "EMAIL": _read_email,
    "TEL": _read_tel,
    "ADR": _read_adr,
    "X-ABLABEL": _read_label,
}
