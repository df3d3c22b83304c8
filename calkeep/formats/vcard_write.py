"""Contacts -> vCard 4.0 (RFC 6350) or 3.0 (RFC 2426) text that reads back unchanged.

`write_vcards` yields one `str` per card, lines ending in CRLF and folded at 75 octets
without splitting a UTF-8 sequence (RFC 6350 3.2); encode it as UTF-8 without a BOM.
Each contact is a dict in the import contract's shape (PRODUCT.md, the `contact` object of
`calkeep import --json`), optionally with a `uid`.

Choices that make the round trip through `parse_vcard` lossless:
- labels: standard ones as TYPE parameters, custom ones (and fax/pager combinations TYPE
  cannot say) as an Apple item group with `X-ABLabel`, which Apple and Google also read;
- phones: the number as written, as text (`VALUE=text` in 4.0), never a `tel:` URI, which
  would lose its formatting. The extension is given in `X-CALKEEP-EXT`; it is also appended
  as ` ext. 45` for other programs when the number does not show it (or ends in that very
  text), and our reader removes exactly that again;
- birthday without a year: `--MMDD` (4.0, RFC 6350 4.3.1), `--MM-DD` in 3.0 (Google's form);
- primary email: `PREF=1` (4.0) or `TYPE=pref` (3.0);
- FN is the name the contact shows (its display name, else the derived one); an import
  stores a display name equal to the derived one as "derived", so the round trip holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from calkeep.formats.draft import shown_name
from calkeep.formats.vcard_labels import STANDARD_LABELS, phone_types
from calkeep.formats.vcard_read import EXTENSION_PARAM, EXTENSION_SEPARATOR
from calkeep.lib.dates import is_birthday

VERSIONS = ("4.0", "3.0")
PRODID = "-//CalKeep//CalKeep Contacts//EN"
_LINE_OCTETS = 75
# An extension the raw number already shows (`555-0100 x45`, `ext. 45`, `#45`).
_SHOWN_EXTENSION = r"(?:ext\.?|extension|x|#|;ext=)\s*{}\s*$"


def write_vcards(contacts: Iterable[Mapping[str, Any]], version: str = "4.0") -> Iterator[str]:
    """One vCard per contact, as text with CRLF line ends. Raises ValueError for a version
    other than "4.0" or "3.0"."""
    if version not in VERSIONS:
        raise ValueError(f"vCard version must be one of {', '.join(VERSIONS)}, not {version!r}")
    for contact in contacts:
        yield write_vcard(contact, version)


def write_vcard(contact: Mapping[str, Any], version: str = "4.0") -> str:
    """One contact (the contract's dict, plus an optional `uid`) as one vCard."""
    card = _Card(version)
    card.add("BEGIN", "VCARD")
    card.add("VERSION", version)
    card.add("PRODID", PRODID)
    if contact.get("uid"):
        card.add("UID", _escape_minimal(str(contact["uid"])))
    # FN is required (RFC 6350 6.2.1): a contact whose name is derived shows that name.
    card.add("FN", _escape(shown_name(contact)))
    names = ("family_name", "given_name", "middle_name", "prefix", "suffix")
    card.add("N", ";".join(_escape(_text(contact, name)) for name in names))
    _add_org(card, contact)
    if _text(contact, "title"):
        card.add("TITLE", _escape(_text(contact, "title")))
    _add_birthday(card, contact.get("birthday"))
    for email in contact.get("emails") or []:
        _add_email(card, email)
    for phone in contact.get("phones") or []:
        _add_phone(card, phone)
    for address in contact.get("addresses") or []:
        _add_address(card, address)
    for url in contact.get("urls") or []:
        if str(url).strip():
            card.add("URL", _escape_minimal(str(url)))
    tags = [_escape(str(tag)) for tag in contact.get("tags") or [] if str(tag).strip()]
    if tags:
        card.add("CATEGORIES", ",".join(tags))
    if _text(contact, "notes"):
        card.add("NOTE", _escape(_text(contact, "notes")))
    card.add("END", "VCARD")
    return card.text()


class _Card:
    """The content lines of one card being written; folded and joined by `text()`."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.lines: list[str] = []
        self.groups = 0

    @property
    def modern(self) -> bool:
        return self.version == "4.0"

    def add(self, name: str, value: str, params: str = "", group: str = "") -> None:
        self.lines.append(f"{group}{name}{params}:{value}")

    def add_labelled(self, name: str, value: str, params: str, label: str) -> None:
        """A property with a custom label: an Apple item group carrying `X-ABLabel`."""
        self.groups += 1
        group = f"item{self.groups}."
        self.add(name, value, params, group)
        self.add("X-ABLabel", _escape(label), group=group)

    def text(self) -> str:
        return "".join(fold(line) + "\r\n" for line in self.lines)


def _text(contact: Mapping[str, Any], key: str) -> str:
    value = contact.get(key)
    return str(value).strip() if value is not None else ""


def _add_org(card: _Card, contact: Mapping[str, Any]) -> None:
    organization, department = _text(contact, "organization"), _text(contact, "department")
    if organization or department:
        units = [_escape(organization)] + ([_escape(department)] if department else [])
        card.add("ORG", ";".join(units))


def _add_birthday(card: _Card, birthday: object) -> None:
    if not isinstance(birthday, str) or not is_birthday(birthday):
        return
    if card.modern:  # RFC 6350 4.3.1 has only the basic format: 19800322, --0322
        basic = birthday[2:] if birthday.startswith("--") else birthday
        birthday = ("--" if birthday.startswith("--") else "") + basic.replace("-", "")
    card.add("BDAY", birthday)


def _add_email(card: _Card, email: Mapping[str, Any]) -> None:
    value = str(email.get("value") or "").strip()
    if not value:
        return
    label = str(email.get("label") or "").strip()
    standard = label in STANDARD_LABELS["email"]
    types = [label] if standard else []
    if card.modern:
        params = _types_param(types) + (";PREF=1" if email.get("primary") else "")
    else:
        params = _types_param(["INTERNET", *types, *(["pref"] if email.get("primary") else [])])
    _add_maybe_labelled(card, "EMAIL", _escape(value), params, "" if standard else label)


def _add_phone(card: _Card, phone: Mapping[str, Any]) -> None:
    raw = str(phone.get("raw") or phone.get("e164") or "").strip()
    if not raw:
        return
    label = str(phone.get("label") or "").strip()
    types = phone_types(label) if label else ()
    params = ";VALUE=text" if card.modern else ""
    params += _types_param(list(types or ()))
    extension = str(phone.get("extension") or "").strip()
    if extension:
        # Always marked: a number that shows its extension in a way the phone parser does
        # not read (`#7`) would lose it otherwise. Appended again to a number ending in our
        # own ` ext. 45`, so that removing one gives the number as written.
        suffix = EXTENSION_SEPARATOR + extension
        if raw.endswith(suffix) or not _shows_extension(raw, extension):
            raw += suffix
        params += f";{EXTENSION_PARAM}={_param_value(extension)}"
    _add_maybe_labelled(card, "TEL", _escape_minimal(raw), params, label if types is None else "")


def _add_address(card: _Card, address: Mapping[str, Any]) -> None:
    parts = ("extended", "street", "city", "region", "postcode", "country")
    values = [_escape(_text(address, part)) for part in parts]
    if not any(values):
        return
    label = _text(address, "label")
    standard = label in STANDARD_LABELS["address"]
    params = _types_param([label] if standard else [])
    _add_maybe_labelled(card, "ADR", ";" + ";".join(values), params, "" if standard else label)


def _add_maybe_labelled(card: _Card, name: str, value: str, params: str, custom: str) -> None:
    if custom:
        card.add_labelled(name, value, params, custom)
    else:
        card.add(name, value, params)


def _types_param(types: list[str]) -> str:
    return f";TYPE={','.join(types)}" if types else ""


def _shows_extension(raw: str, extension: str) -> bool:
    pattern = _SHOWN_EXTENSION.format(re.escape(extension))
    return re.search(pattern, raw, re.IGNORECASE) is not None


def _escape(value: str) -> str:
    """RFC 6350 3.4 text escaping: backslash, comma, semicolon and line breaks."""
    return _escape_minimal(value).replace(",", "\\,").replace(";", "\\;")


def _escape_minimal(value: str) -> str:
    """For values that are not text lists (TEL, URL, UID): only what would break the line
    or be read as an escape."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace("\n", "\\n")


def _param_value(value: str) -> str:
    """A quoted parameter value with RFC 6868 carets (`^^`, `^n`, `^'`)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return '"' + value.replace("^", "^^").replace("\n", "^n").replace('"', "^'") + '"'


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 6350 3.2) without cutting a UTF-8 sequence:
    a continuation line is a space plus at most 74 octets."""
    if len(line) <= _LINE_OCTETS and line.isascii():
        return line
    data = line.encode("utf-8")
    if len(data) <= _LINE_OCTETS:
        return line
    chunks = []
    start, limit = 0, _LINE_OCTETS
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # never between a lead byte and its continuations
            cut -= 1
        chunks.append(data[start:cut].decode("utf-8"))
        start, limit = cut, _LINE_OCTETS - 1
    chunks.append(data[start:].decode("utf-8"))
    return "\r\n ".join(chunks)
