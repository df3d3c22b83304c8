"""Column headers of contact CSV files -> canonical field keys, for every layout and language.

One synonym table (csv_synonyms.py) serves every reader: Google's fixed names, Outlook's in
English, German, French, Spanish, Italian, Dutch and Portuguese (names as Outlook itself
writes them), Apple Contacts and Thunderbird exports, and the words people type in their
own spreadsheets.
Headers are compared folded (case, accents, spaces and punctuation ignored), so `E-mail
Address`, `Email address` and `EMAIL_ADDRESS` are one name.

Canonical field keys (what a column mapping maps a header to; "" means ignore the column):

- names and the rest of a card: display_name, prefix, given_name, middle_name, family_name,
  suffix, organization, department, title (job title), notes, tags, url
- birthday (a whole date), or birthday:year / birthday:month / birthday:day (Thunderbird)
- email, email:work, email:home, email:other
- phone, phone:<label>, label one of PHONE_LABELS (business, mobile, home, other, fax,
  work_fax, home_fax, ...)
- address:<part> or address:<label>:<part>, label home / work / other, part one of
  ADDRESS_PARTS (street, extended, pobox, city, region, postcode, country, formatted)
- Google's numbered groups, where another column holds the label of each value:
  email#N, email#N:label, phone#N, phone#N:label, address#N:label, address#N:<part>,
  url#N, url#N:label; and phone#N:extension, the `Phone N - Extension` column CalKeep's
  own export adds (csv_export.py)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from calkeep.formats.csv_synonyms import (
    APPLE_MARKERS,
    KIND_OVERRIDES,
    OUTLOOK_MARKERS,
    SYNONYMS,
    THUNDERBIRD_MARKERS,
)

SIMPLE_FIELDS = (
    "display_name",
    "prefix",
    "given_name",
    "middle_name",
    "family_name",
    "suffix",
    "organization",
    "department",
    "title",
    "notes",
    "tags",
    "url",
    "birthday",
    "birthday:year",
    "birthday:month",
    "birthday:day",
)
EMAIL_LABELS = ("work", "home", "other")
ADDRESS_LABELS = ("home", "work", "other")
ADDRESS_PARTS = (
    "street",
    "extended",
    "pobox",
    "city",
    "region",
    "postcode",
    "country",
    "formatted",
)
# Mapping key suffix -> the label the phone gets. PRODUCT.md: business / mobile / home / other,
# everything else (fax, pager, ...) is a custom label kept as the exporting program names it.
PHONE_LABELS = {
    "business": "business",
    "mobile": "mobile",
    "home": "home",
    "other": "other",
    "main": "Main",
    "fax": "Fax",
    "work_fax": "Work Fax",
    "home_fax": "Home Fax",
    "other_fax": "Other Fax",
    "pager": "Pager",
    "car": "Car",
    "assistant": "Assistant",
    "company_main": "Company Main",
    "callback": "Callback",
    "isdn": "ISDN",
    "radio": "Radio",
    "telex": "Telex",
    "tty": "TTY/TDD",
    "video": "Video",
}
# Field keys that mean "this file holds contacts" (a sales ledger maps none of them).
CONTACT_EVIDENCE = ("display_name", "given_name", "family_name", "organization", "email", "phone")

_GOOGLE_GROUP = re.compile(
    r"^(e-?mail|phone|address|website|organization|relation|event|im|custom field|"
    r"external id|calendar link|location|file as)\s*(\d+)\s*-\s*(.+)$",
    re.IGNORECASE,
)
_TRAILING_NUMBER = re.compile(r"\d+$")

_ASCII_PUNCTUATION = str.maketrans(
    "", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum())
)


@lru_cache(maxsize=65536)
def fold_header(header: str) -> str:
    """`E-Mail-Adresse ` -> `emailadresse`: no case, accents, spaces or punctuation."""
    if header.isascii():  # the common case, in C: files can have 200,000 columns
        return header.lower().translate(_ASCII_PUNCTUATION)
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def skeleton(header: str) -> str:
    """ASCII letters and digits only: what survives when a header's non-ASCII letters were
    garbled (`Stra�e gesch�ftlich`, `StraÃŸe`) -> `straegeschftlich`."""
    # lower(), not casefold(): casefold spells ß as "ss", which a garbled ß never is.
    return "".join(ch for ch in header.lower() if ch.isascii() and ch.isalnum())


def _build_tables() -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    skeletons: dict[str, str] = {}
    ambiguous: set[str] = set()
    for key, names in SYNONYMS:
        for name in names:
            exact.setdefault(fold_header(name), key)
            bare = skeleton(name)
            if bare in skeletons and skeletons[bare] != key:
                ambiguous.add(bare)
            skeletons.setdefault(bare, key)
    for bare in ambiguous:
        del skeletons[bare]
    return exact, skeletons


HEADER_TABLE, _SKELETON_TABLE = _build_tables()
_OUTLOOK_MARKERS = frozenset(fold_header(h) for h in OUTLOOK_MARKERS)
_APPLE_MARKERS = frozenset(fold_header(h) for h in APPLE_MARKERS)
_THUNDERBIRD_MARKERS = frozenset(fold_header(h) for h in THUNDERBIRD_MARKERS)


def repair_mojibake(header: str) -> str:
    """`StraÃŸe` (UTF-8 read as cp1252 and saved again) -> `Straße`; others unchanged."""
    if header.isascii():
        return header
    for codec in ("cp1252", "latin-1"):
        try:
            return header.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return header


def match_header(header: str, kind: str = "generic_csv") -> str | None:
    """The field key a header names, "" for a known column that is not imported, or None
    when the header is unknown (its values may still reveal what it holds)."""
    text = header.strip().lstrip("\ufeff")
    folded = fold_header(text)
    override = KIND_OVERRIDES.get(kind, {})
    if folded in override:
        return override[folded]
    google = match_google_header(text)
    if google is not None:
        return google
    if " ".join(text.lower().split()) == "birth day":
        return "birthday:day"  # Thunderbird; folded it would read as "Birthday"
    for candidate in (folded, fold_header(repair_mojibake(text))):
        if candidate in HEADER_TABLE:
            return HEADER_TABLE[candidate]
        numbered = _numbered_multi_value(candidate)
        if numbered is not None:
            return numbered
    if not text.isascii():
        bare = skeleton(text)
        if len(bare) >= 4 and bare in _SKELETON_TABLE:
            return _SKELETON_TABLE[bare]
    return _qualified(text, kind)


# `Phone (Work)`, `Email - Personal`, `Email Address: Home`: a known header and a qualifier.
_QUALIFIED = re.compile(r"^(?P<base>[^()]+?)\s*(?:\((?P<paren>[^()]+)\)|[-:]\s*(?P<after>.+))$")


def _qualified(text: str, kind: str) -> str | None:
    """A header naming a known column with a qualifier: the qualifier in front (`Work
    Phone`) when that is a known header too, else the column alone."""
    # Real headers are short; the length check also keeps the expression off huge cells.
    found = _QUALIFIED.match(text) if len(text) <= 80 else None
    if found is None:
        return None
    base = found["base"].strip()
    qualifier = (found["paren"] or found["after"] or "").strip()
    if not base or not qualifier:
        return None
    key = match_header(base, kind)
    if not key:
        return None
    qualified = match_header(f"{qualifier} {base}", kind)
    return qualified if qualified and qualified.startswith(key) else key


def _numbered_multi_value(folded: str) -> str | None:
    """`Email 2`, `Phone3`, `Website 2`: numbered copies of a multi-valued column."""
    base = _TRAILING_NUMBER.sub("", folded)
    if base == folded or not base:
        return None
    key = HEADER_TABLE.get(base)
    if key and (key.startswith(("email", "phone", "address")) or key in ("url", "tags")):
        return key
    return None


_GOOGLE_PARTS = {
    "type": "label",
    "label": "label",
    "value": "",
    "formatted": "formatted",
    "street": "street",
    "city": "city",
    "po box": "pobox",
    "region": "region",
    "postal code": "postcode",
    "country": "country",
    "extended address": "extended",
    "neighborhood": "extended",
}
_GOOGLE_ORGANIZATION = {"name": "organization", "title": "title", "department": "department"}


def match_google_header(header: str) -> str | None:
    """Google's numbered groups: `E-mail 2 - Value` -> `email#2`, `Phone 1 - Type` ->
    `phone#1:label`, `Organization 1 - Name` -> `organization`. None if not such a header."""
    match = _GOOGLE_GROUP.match(header.strip())
    if not match:
        return None
    group = match[1].lower().replace("-", "")
    number, part = match[2], " ".join(match[3].lower().split())
    if group == "organization":
        return _GOOGLE_ORGANIZATION.get(part, "")
    if group not in ("email", "phone", "address", "website"):
        return ""  # relations, events, IM, custom fields: outside the contract
    base = {"website": "url"}.get(group, group)
    if base == "phone" and part == "extension":
        return f"phone#{number}:extension"
    suffix = _GOOGLE_PARTS.get(part)
    if suffix is None or (base != "address" and suffix not in ("", "label")):
        return ""
    if base == "address" and suffix == "":
        return ""
    return f"{base}#{number}" + (f":{suffix}" if suffix else "")


def layout_scores(headers: list[str]) -> dict[str, int]:
    """How many headers are each layout's own: the basis of telling the CSV kinds apart."""
    scores = {"google": 0, "outlook": 0, "apple": 0, "thunderbird": 0}
    for header in headers:
        text = header.strip().lstrip("\ufeff")
        if _GOOGLE_GROUP.match(text) or fold_header(text) == "groupmembership":
            scores["google"] += 1
        folded = fold_header(repair_mojibake(text))
        garbled = not text.isascii() and skeleton(text) in _outlook_marker_skeletons()
        if folded in _OUTLOOK_MARKERS or garbled:
            scores["outlook"] += 1
        scores["apple"] += folded in _APPLE_MARKERS
        scores["thunderbird"] += folded in _THUNDERBIRD_MARKERS
    return scores


@lru_cache(maxsize=1)
def _outlook_marker_skeletons() -> frozenset[str]:
    return frozenset(skeleton(h) for h in OUTLOOK_MARKERS if not h.isascii())
