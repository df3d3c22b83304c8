"""Lexing: vCard text -> cards, each a list of raw properties (name, group, params, value).

One pass over the physical lines, linear in the input, no backtracking regexes. It unfolds
and joins lines the way real importers do:

- RFC 6350 3.2 / RFC 2426 folding: a line starting with a space or tab continues the
  previous one; exactly one whitespace character is removed.
- quoted-printable (vCard 2.1): a value ending in `=` is a soft line break, and the next
  physical line continues it verbatim, whatever it starts with (Android and Outlook do not
  indent those lines; AOSP's NOTE continues with a meaningful space). A line ending in `=`
  plus one hex digit is an escape pair cut by the break (`=C` / `3=91`).
- base64 PHOTO/KEY/LOGO: skipped without being kept. vCard 2.1 writers put the data on
  unindented lines and end the block with a blank line; base64 never holds a `:`, so an
  unindented line without a colon still belongs to the block.
- a line that is not a property (no `:`, or no valid name before it) continues the previous
  value after a line break: writers that do not fold multi-line values, and Android's ADR
  whose lines end in a bare backslash (AOSP v21_adr_multiple_line).

A BEGIN:VCARD inside a card opens a nested card (vCard 2.1 AGENT, generic readers' nested
components) whose properties are not the outer card's. When the file then ends inside a card
that nested anything but an AGENT, the nesting was a misreading: a card had lost its
END:VCARD, and the reader lexes again with `nest_freely=False`, letting only AGENT nest, so
one missing END does not swallow the rest of the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from calkeep.formats.vcard_params import ENCODING_B64, ENCODING_QP, parse_params

# (NAME upper-cased, group, parameter text starting with ";" or "", raw value, line number)
RawProperty = tuple[str, str, str, str, int]

_HEAD = re.compile(r"(?:([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\.)?([A-Za-z0-9_-]+)")
# The parameters of a line whose parameters hold quotes: a quoted value may hold ":" and ";"
# (RFC 6350 3.3). Possessive quantifiers: linear, and no backtracking stack on long lines.
_QUOTED_PARAMS = re.compile(r'(?:[^":]++|"[^"]*+")*+')
_HEX = frozenset("0123456789ABCDEFabcdef")
_CACHE_LIMIT = 4096
_NOT_A_HEAD = ("", "")
_PLAIN = "text"
_head_cache: dict[str, tuple[str, str]] = {}
_mode_cache: dict[str, str] = {}

CLOSED, NOT_CLOSED, TRUNCATED = "closed", "not_closed", "truncated"


@dataclass
class RawCard:
    number: int  # 1-based position in the file
    line: int  # physical line of its BEGIN:VCARD
    props: list[RawProperty] = field(default_factory=list)
    # CLOSED by END:VCARD; NOT_CLOSED when the next BEGIN:VCARD came first; TRUNCATED when
    # the file ended inside it.
    status: str = TRUNCATED
    nested_freely: bool = False  # held a nested card that no AGENT introduced


def split_lines(text: str) -> list[str]:
    """Physical lines. CRLF, LF, CR CR LF (iOS 5 exports) and bare CR (classic Mac) all end a
    line; a bare CR in a file that otherwise uses LF is data (Thunderbird writes
    `X-CUSTOM3:custom<CR>3`), not a line break."""
    if "\r" in text:
        text = text.replace("\r\r\n", "\n").replace("\r\n", "\n")
        if text.count("\r") > text.count("\n"):
            text = text.replace("\r", "\n")
    return text.split("\n")


def iter_cards(lines: list[str], nest_freely: bool = True) -> Iterator[RawCard]:
    """Every BEGIN:VCARD ... END:VCARD of the file, in order, each yielded as soon as it is
    complete so the caller reads it while its properties are fresh in memory and frees them
    right after. Lines outside cards are ignored. Nested cards nest after AGENT, or anywhere
    when `nest_freely`; else a BEGIN:VCARD inside a card ends it (NOT_CLOSED).
    The loop is the parser's hot path (half a million lines for a 10 MB file), so it is one
    function working on locals, allocating nothing for a one-line property but its tuple;
    rare cases call out to helpers."""
    card: RawCard | None = None
    props: list[RawProperty] | None = None  # the card's list while at its own level
    depth = 0  # 0 outside cards, 1 in a card, more inside AGENT cards
    count = 0  # cards begun
    # The open property; `more` holds its continuation chunks, if any.
    name = group = params = mode = value = ""
    more: list[str] | None = None
    start = 0
    soft = False  # the open QP value ended in a soft line break
    skip = 0  # folded lines already joined to a header by _unfold_ahead
    for number, line in enumerate(lines, 1):
        if skip:
            skip -= 1
            continue
        if soft and more is not None:
            if line[:1] not in "Ee" or not _is_end(line):
                # Inline: Outlook notes are thousands of soft-broken lines.
                if line.endswith("="):
                    more.append(line[:-1])
                else:
                    more.append(line)
                    soft = len(line) >= 2 and line[-2] == "=" and line[-1] in _HEX
                continue
            soft = False
        if not line:
            if mode == ENCODING_B64:
                mode = name = ""  # a blank line ends a vCard 2.1 base64 block
            continue
        if line == "END:VCARD" and depth == 1 and card is not None:
            # A fifth of a typical file's lines: close the card without reading a header.
            if name and props is not None:
                props.append((name, group, params, value if more is None else "".join(more), start))
            card.status = CLOSED
            yield card
            card, props, depth, name, mode = None, None, 0, "", ""
            continue
        if line == "BEGIN:VCARD" and depth == 0:
            count += 1
            card, depth, name, mode = RawCard(count, number), 1, "", ""
            props = card.props
            continue
        first = line[0]
        if first == " " or first == "\t":
            if name and mode != ENCODING_B64:
                if more is None:
                    more = [value]
                if mode == ENCODING_QP:
                    soft = _append_qp(more, line[1:])
                else:
                    more.append(line[1:])
            continue
        colon = line.find(":")
        if colon < 0 and _folded_next(lines, number):
            # RFC 6350 3.2 allows a fold anywhere, also inside the name: join the folded
            # lines before reading the header.
            line, skip = _unfold_ahead(lines, number)
            colon = line.find(":")
        semi = line.find(";", 0, colon)
        head = line[:semi] if semi >= 0 else line[:colon]
        known = _head_cache.get(head) or _parse_head(head) if colon > 0 else _NOT_A_HEAD
        if not known[0]:
            if name and mode != ENCODING_B64:
                if more is None:
                    more = [value]
                _append_line(more, line)
            continue
        # A new property: store the open one first.
        if name and props is not None:
            props.append((name, group, params, value if more is None else "".join(more), start))
        previous = name
        name, group = known
        if semi >= 0:
            params = line[semi:colon]
            if '"' in params:
                line, params, colon, folded = _quoted_header(lines, number, line, semi, colon)
                skip = skip or folded
            mode = _mode_cache.get(params) or _mode(params)
        else:
            params = mode = ""
        value = line[colon + 1 :]
        more = None
        start = number
        if (name == "BEGIN" or name == "END") and value.strip().upper() == "VCARD":
            agent = previous == "AGENT"
            card, depth, done = _card_boundary(card, depth, name, agent, nest_freely, count, number)
            if done is not None:
                yield done
            count = max(count, card.number) if card is not None else count
            props = card.props if depth == 1 and card is not None else None
            name = ""
        elif mode == ENCODING_QP and _ends_soft(value):
            more = [_strip_soft(value)]
            soft = True
        elif mode == ENCODING_B64:
            value = ""  # never used: do not keep a 5 MB photo alive
    if card is not None:
        if name and props is not None:
            props.append((name, group, params, value if more is None else "".join(more), start))
        yield card  # the file ended inside it: TRUNCATED


def _card_boundary(
    card: RawCard | None,
    depth: int,
    name: str,
    agent: bool,
    nest_freely: bool,
    count: int,
    line: int,
) -> tuple[RawCard | None, int, RawCard | None]:
    """(current card, depth, a card this line completed) after a BEGIN:VCARD or END:VCARD
    line. `agent`: the property before a BEGIN:VCARD was AGENT; `count`: cards begun."""
    if name == "END":
        if depth == 1 and card is not None:
            card.status = CLOSED
            return None, 0, card
        return card, max(depth - 1, 0), None  # the end of a nested card, or a stray END
    if depth == 0 or card is None:
        return RawCard(count + 1, line), 1, None
    if agent or depth > 1 or nest_freely:
        card.nested_freely = card.nested_freely or not agent
        return card, depth + 1, None
    card.status = NOT_CLOSED
    return RawCard(count + 1, line), 1, card


def _parse_head(head: str) -> tuple[str, str]:
    """(NAME, group), or ("", "") when the text before the colon is not a property name."""
    match = _HEAD.fullmatch(head)
    known = (match[2].upper(), match[1] or "") if match else _NOT_A_HEAD
    if len(head) <= 64:
        if len(_head_cache) >= _CACHE_LIMIT:
            _head_cache.clear()
        _head_cache[head] = known
    return known


def _mode(params: str) -> str:
    """ENCODING_QP, ENCODING_B64 or _PLAIN (not "": the cache's falsy miss)."""
    upper = params.upper()
    # Only the encoding matters here: skip parsing what cannot name one.
    if "QUOTED" in upper or "BASE64" in upper or "ENCODING" in upper or ";B" in upper:
        mode = parse_params(params).encoding or _PLAIN
    else:
        mode = _PLAIN
    if len(params) <= 200:
        if len(_mode_cache) >= _CACHE_LIMIT:
            _mode_cache.clear()
        _mode_cache[params] = mode
    return mode


def _quoted_header(
    lines: list[str], number: int, line: str, semi: int, colon: int
) -> tuple[str, str, int, int]:
    """(line, parameters, index of the value's colon, folded lines joined) for a header whose
    parameters hold quotes: a quoted value may hold ":" and ";" (RFC 6350 3.3), and a fold
    may fall inside it, so the folded lines are joined first when the quote is still open."""
    params, colon, closed = _split_quoted(line, semi, colon)
    if closed or not _folded_next(lines, number):
        return line, params, colon, 0
    line, folded = _unfold_ahead(lines, number)
    params, colon, _ = _split_quoted(line, semi, line.find(":"))
    return line, params, colon, folded


def _split_quoted(line: str, semi: int, colon: int) -> tuple[str, int, bool]:
    """(parameters, index of the value's colon, whether the quotes closed before a colon).
    An unterminated quote falls back to the first colon, as tolerant readers do."""
    match = _QUOTED_PARAMS.match(line, semi)
    end = match.end() if match else colon
    closed = end < len(line) and line[end] == ":"
    return line[semi : end if closed else colon], end if closed else colon, closed


def _folded_next(lines: list[str], number: int) -> bool:
    """Whether the line after line `number` (1-based) continues it."""
    return number < len(lines) and lines[number][:1] in (" ", "\t") and lines[number] != ""


def _unfold_ahead(lines: list[str], number: int) -> tuple[str, int]:
    """Line `number` joined with the folded lines after it, and how many were joined."""
    parts = [lines[number - 1]]
    index = number
    while index < len(lines) and lines[index][:1] in (" ", "\t") and lines[index]:
        parts.append(lines[index][1:])
        index += 1
    return "".join(parts), index - number


def _is_end(line: str) -> bool:
    return line[:4].upper() == "END:" and line[4:].strip().upper() == "VCARD"


def _ends_soft(chunk: str) -> bool:
    return chunk.endswith("=") or (len(chunk) >= 2 and chunk[-2] == "=" and chunk[-1] in _HEX)


def _strip_soft(chunk: str) -> str:
    return chunk[:-1] if chunk.endswith("=") else chunk


def _append_qp(parts: list[str] | None, line: str) -> bool:
    """Continue a QP value after a soft break; True when this line ends in one too."""
    soft = _ends_soft(line)
    if parts is not None:
        parts.append(_strip_soft(line) if soft else line)
    return soft


def _append_line(parts: list[str], line: str) -> None:
    """A physical line that is not a property continues the value after a line break. A
    value line ending in a single backslash escapes that break (Android's multi-line ADR)."""
    last = parts[-1] if parts else ""
    if last.endswith("\\") and not last.endswith("\\\\"):
        parts[-1] = last[:-1]
    parts.append("\n")
    parts.append(line)
