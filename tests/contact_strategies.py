"""Hypothesis strategies for contacts as CalKeep stores them: realistic values mixed with
adversarial text (unicode, line breaks, commas, semicolons, quotes, leading = + - @ ' *),
custom labels, birthdays with and without a year, extensions, numbers that do not parse.

`stored_contacts` gives contract dicts that went through the import's normalizer, exactly
what an import (or the contact form) would have stored. The `csv_*` helpers say which of them
the CSV layout cannot carry (csv_export.py's docstring lists why)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from calkeep.formats.csv_headers import fold_header
from calkeep.formats.draft import TEXT_FIELDS, ContactDraft, ParsedRow
from calkeep.formats.normalize import finish_row

# Characters that break naive CSV, vCard and spreadsheet handling, plus some non-Latin ones.
_TRICKY = "=+-@'*\",;:\\\n\t ^&<>#%/éßøÅ日本語😀\u200b\u00a0"
_adversarial = st.text(st.sampled_from(_TRICKY) | st.characters(codec="utf-8"), max_size=24)
_words = st.sampled_from(
    ["Ana", "Lima", "O'Brien", "Zoë", "Müller", "van der Berg", "李", "Dr.", "Jr.", "Acme, Inc.",
     "R&D", "Sales; EMEA", '"Bob"', "=HYPERLINK(\"x\")", "+1 boss", "-dash", "@handle",
     "'=quoted", "''+twice", "'t Hooft", "*star", "line one\nline two"]
)  # fmt: skip
text = _words | _adversarial

STANDARD = {
    "emails": ["work", "home", "other"],
    "phones": ["business", "mobile", "home", "other"],
    "addresses": ["work", "home", "other"],
}
_custom_labels = st.sampled_from(
    [
        "Private inbox",
        "Home Fax",
        "Work Fax",
        "Pager",
        "Main",
        "Google Voice",
        "iPhone",
        "Boat",
        "*odd",
        "=label",
        "Zweitwohnung",
        "semi;colon",
        "com,ma",
    ]
) | st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=16)


def labels(kind: str) -> st.SearchStrategy[str]:
    return st.sampled_from(["", *STANDARD[kind]]) | _custom_labels.filter(
        lambda label: "_$!<" not in label  # Apple's own token spelling reads as the word
    )


_email_values = st.sampled_from(
    ["ana@example.com", "Ana.Lima@Example.COM", "x@host.invalid", "x@localhost",
     "not an email", "=cmd@example.com", "a,b@example.com", "o'brien@example.ie"]
) | text  # fmt: skip
emails = st.fixed_dictionaries(
    {"value": _email_values, "label": labels("emails"), "primary": st.booleans()}
)
_phone_numbers = st.sampled_from(
    ["+1 202 555 0123", "(201) 555-0123", "+44 20 7946 0958", "030 1234567", "0049 30 1234567",
     "555-0100 x45", "+1 415 555 0100 ext. 45", "4.47E+11", "12", "call me", "+", "-1"]
) | st.text("0123456789 -().+#x", min_size=1, max_size=20)  # fmt: skip
phones = st.fixed_dictionaries(
    {
        "raw": _phone_numbers,
        "e164": st.none(),
        "label": labels("phones"),
        "extension": st.sampled_from(["", "", "45", "7", "1234"]),
    }
)
_places = st.sampled_from(["", "US", "Deutschland", "United Kingdom", "04609", "ME"]) | text
addresses = st.fixed_dictionaries(
    {
        "label": labels("addresses"),
        **{part: _places for part in ("street", "extended", "city", "region", "postcode")},
        "country": _places,
    }
)
birthdays = (
    st.none()
    | st.dates().map(lambda d: d.isoformat())
    | st.dates().map(lambda d: f"--{d.month:02d}-{d.day:02d}")
)
urls = (
    st.builds(
        lambda scheme, rest: f"{scheme}://{rest}",
        st.sampled_from(["http", "https", "ftp"]),
        st.text(st.characters(exclude_categories=("Cs", "Cc", "Z")), min_size=1, max_size=30),
    )
    | st.sampled_from(["www.acme.example", "acme.example/a,b;c", "=HYPERLINK(1)"])
    | text  # imports keep web addresses as written
)
raw_contacts = st.fixed_dictionaries(
    {
        **dict.fromkeys(TEXT_FIELDS, text),
        "birthday": birthdays,
        "tags": st.lists(text, max_size=4),
        "urls": st.lists(urls, max_size=3),
        "emails": st.lists(emails, max_size=4),
        "phones": st.lists(phones, max_size=4),
        "addresses": st.lists(addresses, max_size=3),
    }
)


def stored(source: dict[str, Any], region: str = "US") -> dict[str, Any] | None:
    """The contact as an import would store it, or None when it holds no contact data."""
    row = finish_row(ParsedRow(1, ContactDraft.from_dict(source)), region)
    if row.errors or row.draft is None:
        return None
    return row.draft.to_dict()


stored_contacts = raw_contacts.map(stored).filter(lambda contact: contact is not None)

# -- what the CSV layout cannot carry (csv_export.py) ----------------------------------------
_CSV_SYNONYMS = {
    "emails": {"work", "home", "business", "other"},
    "phones": {"work", "business", "mobile", "cell", "home", "other"},
    "addresses": {"work", "home", "business", "other"},
}
# Google's system groups, which a `* `-marked tag is taken for.
_SYSTEM_TAGS = {"mycontacts", "starred"}


def csv_can_carry(contact: dict[str, Any]) -> bool:
    """Whether every value of the contact survives the CSV layout (see csv_export.py)."""
    values = [*contact["tags"], *contact["urls"]]
    values += [e["value"] for e in contact["emails"]] + [p["raw"] for p in contact["phones"]]
    if any(":::" in value for value in values):
        return False
    if any(t.startswith("*") and fold_header(t) in _SYSTEM_TAGS for t in contact["tags"]):
        return False
    for kind, synonyms in _CSV_SYNONYMS.items():
        for entry in contact[kind]:
            label = entry["label"]
            if label.casefold() in synonyms and label not in STANDARD[kind]:
                return False
    return not any(e["label"].startswith("*") and not e["primary"] for e in contact["emails"])


def vcard_can_carry(contact: dict[str, Any]) -> bool:
    """Google's all-contacts group is not a tag a vCard reader keeps (vcard_read.py)."""
    system = {"my contacts", "mycontacts", "* my contacts", "* mycontacts"}
    return not any(t.casefold() in system for t in contact["tags"])
