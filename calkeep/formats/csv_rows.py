"""CSV rows -> ContactDraft: a column plan built once from the mapping, applied to each row.

The plan is precomputed so that the per-row work is list indexing and string tests, with no
regular expressions and no header lookups: a 10 MB Google export is ~70,000 rows.

Formula-injection guard: CalKeep's own CSV export (and careful spreadsheets) neutralize a
cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return by prefixing an
apostrophe, so Excel shows it as text instead of running it. Reading such a file back must
give the original value, so `cell_value` strips exactly one leading `'` when the apostrophes
at the start are followed by one of those six. Any other leading apostrophe is data (`'t
Hooft`). The export guards a value that itself starts with `'=` the same way (`''=`), so
that it, too, reads back as written.

Excel's text formula: a spreadsheet keeps `0612345678` from losing its leading zero by
writing the cell as `="0612345678"`, and some exporters write every cell so. `cell_value`
gives the text inside (quotes doubled inside it undoubled), as Excel shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any

from calkeep.formats.csv_headers import PHONE_LABELS, fold_header
from calkeep.formats.draft import AddressDraft, ContactDraft, EmailDraft, Issue, PhoneDraft
from calkeep.formats.phones import EXTENSION_SEPARATOR
from calkeep.lib.dates import format_birthday

_FORMULA_STARTS = frozenset("=+-@\t\r")
_GUARD_PREFIX = re.compile(r"'+[=+\-@\t\r]")
_TEXT_FORMULA = re.compile(r'="')
# Google's all-contacts and starred system groups are not labels a person made.
GOOGLE_SYSTEM_GROUPS = frozenset({"mycontacts", "starred"})
_FIRST_WINS = (
    "display_name",
    "prefix",
    "given_name",
    "middle_name",
    "family_name",
    "suffix",
    "organization",
    "department",
    "title",
)
_EMAIL_LABELS = {"home": "home", "work": "work", "business": "work", "other": "other"}
_PHONE_LABELS = {
    "work": "business",
    "business": "business",
    "mobile": "mobile",
    "cell": "mobile",
    "home": "home",
    "other": "other",
}
_ADDRESS_LABELS = {"home": "home", "work": "work", "business": "work", "other": "other"}


def may_hold_guarded_cells(text: str) -> bool:
    """Whether a `'` followed by a guarded character, or a text formula `="`, starts any
    cell of the file (one scan of the text, so the per-row check can be skipped for the
    files without one)."""
    # Each expression starts with a literal, a fast scan; one alternation of both was not.
    for marker, expression in (("'", _GUARD_PREFIX), ('="', _TEXT_FORMULA)):
        if marker not in text:
            continue
        for match in expression.finditer(text):
            start = match.start()
            before = text[start - 1] if start else ""
            if before == '"':
                before = text[start - 2] if start > 1 else ""
            if before in ("", ",", ";", "\t", "|", "\r", "\n"):
                return True
    return False


def cell_value(value: str) -> str:
    """Undo the export's formula guard, or unwrap a text formula (the module docstring)."""
    if value.startswith('="') and value.endswith('"') and len(value) > 2:
        inner = value[2:-1]
        if '"' not in inner.replace('""', ""):
            return inner.replace('""', '"')
    if len(value) > 1 and value[0] == "'":
        start = value.lstrip("'")
        if start and start[0] in _FORMULA_STARTS:
            return value[1:]
    return value


@dataclass
class LabeledColumn:
    value: int
    label_column: int | None = None
    label: str = ""
    extension_column: int | None = None  # phones: CalKeep's `Phone N - Extension`


@dataclass
class AddressColumns:
    label_column: int | None = None
    label: str = ""
    parts: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        columns = [i for cols in self.parts.values() for i in cols]
        # itemgetter of one index returns the cell, not a tuple: repeat it to get a tuple.
        self._getter = itemgetter(*columns, *columns[:1]) if columns else None

    def values(self, cells: list[str]) -> tuple[str, ...]:
        """The group's part cells (not its label), fetched in one C-level call."""
        return self._getter(cells) if self._getter else ()


@dataclass
class ColumnPlan:
    texts: list[tuple[str, int]] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)
    tags: list[int] = field(default_factory=list)
    urls: list[int] = field(default_factory=list)
    birthdays: list[int] = field(default_factory=list)
    birthday_parts: dict[str, int] = field(default_factory=dict)
    emails: list[LabeledColumn] = field(default_factory=list)
    phones: list[LabeledColumn] = field(default_factory=list)
    addresses: list[AddressColumns] = field(default_factory=list)
    google: bool = False
    day_first: bool = True
    width: int = 0
    # Whether any cell of the file may carry the formula guard: most files have none, and
    # then no row needs checking.
    guarded: bool = True


def build_plan(columns: list[str], mapping: dict[str, str], kind: str) -> ColumnPlan:
    """A plan for `columns` (unique column names, in file order) under a checked mapping."""
    plan = ColumnPlan(google=kind == "google_csv", width=len(columns))
    groups: dict[str, dict[str, list[int]]] = {}
    for index, name in enumerate(columns):
        key = mapping.get(name, "")
        if key:
            _plan_column(plan, groups, key, index)
    _plan_groups(plan, groups)
    return plan


def _plan_column(
    plan: ColumnPlan, groups: dict[str, dict[str, list[int]]], key: str, index: int
) -> None:
    base, _, rest = key.partition(":")
    if "#" in base:  # Google's numbered groups: collect value and label columns first
        groups.setdefault(base, {}).setdefault(rest or "value", []).append(index)
    elif base in _FIRST_WINS:
        plan.texts.append((base, index))
    elif base == "notes":
        plan.notes.append(index)
    elif base == "tags":
        plan.tags.append(index)
    elif base == "url":
        plan.urls.append(index)
    elif key == "birthday":
        plan.birthdays.append(index)
    elif base == "birthday":
        plan.birthday_parts[rest] = index
    elif base == "email":
        plan.emails.append(LabeledColumn(index, label=rest))
    elif base == "phone":
        label = PHONE_LABELS.get(rest, "")
        plan.phones.append(LabeledColumn(index, label=label))
    elif base == "address":
        label, _, part = rest.rpartition(":")
        groups.setdefault(f"address@{label}", {}).setdefault(part, []).append(index)


def _plan_groups(plan: ColumnPlan, groups: dict[str, dict[str, list[int]]]) -> None:
    """Google's numbered groups (`email#2` with `email#2:label`) and fixed-label addresses."""
    for name, parts in groups.items():
        numbered = "#" in name
        kind, _, tag = name.partition("#") if numbered else name.partition("@")
        label_column = parts.get("label", [None])[0]
        if kind == "address":
            columns = {part: cols for part, cols in parts.items() if part != "label"}
            plan.addresses.append(AddressColumns(label_column, "" if numbered else tag, columns))
        elif kind == "url":
            plan.urls.extend(parts.get("value", []))
        else:
            target = plan.emails if kind == "email" else plan.phones
            extension_column = parts.get("extension", [None])[0] if kind == "phone" else None
            target.extend(
                LabeledColumn(i, label_column, extension_column=extension_column)
                for i in parts.get("value", [])
            )


def day_order_evidence(values: list[str]) -> bool | None:
    """True (day first) or False (month first) when some date settles it, else None."""
    for value in values:
        parts = _date_numbers(value)
        if parts and parts[0] > 12:
            return True
        if parts and parts[1] > 12:
            return False
    return None


def is_ambiguous_date(value: str) -> bool:
    """`03/04/1990`: both orders give a real date (and different ones)."""
    parts = _date_numbers(value)
    return parts is not None and parts[0] != parts[1] and max(parts) <= 12


def _date_numbers(value: str) -> tuple[int, int] | None:
    parts = value.strip().replace(".", "/").replace("-", "/").split("/")
    if len(parts) == 3 and len(parts[0]) <= 2 and parts[0].isdigit() and parts[1].isdigit():
        return int(parts[0]), int(parts[1])
    return None


def build_draft(cells: list[str], plan: ColumnPlan) -> tuple[ContactDraft, list[Issue]]:
    """One row's draft and its warnings. The hot loop of a CSV import: plain indexing only."""
    cells = _prepared(cells, plan.width, plan.guarded)
    warnings: list[Issue] = []
    fields: dict[str, Any] = {}
    for name, index in plan.texts:
        value = cells[index]
        if value and name not in fields:
            fields[name] = value
    draft = ContactDraft(**fields)
    if plan.notes:
        draft.notes = "\n".join([v for v in map(cells.__getitem__, plan.notes) if v.strip()])
    for index in plan.tags:
        if cells[index]:
            draft.tags.extend(split_tags(cells[index], plan.google))
    for index in plan.urls:
        if cells[index]:
            draft.urls.extend(_split_multi(cells[index]))
    _read_birthday(draft, cells, plan, warnings)
    for column in plan.emails:
        if cells[column.value]:
            _read_emails(draft, column, cells)
    for column in plan.phones:
        if cells[column.value]:
            _read_phones(draft, column, cells)
    for group in plan.addresses:
        if any(group.values(cells)):
            address = _read_address(group, cells)
            if address is not None:
                draft.addresses.append(address)
    return draft, warnings


def _prepared(cells: list[str], width: int, guarded: bool) -> list[str]:
    """Pad a short row to the plan's width, undo the export's formula guard and unwrap
    text formulas."""
    if len(cells) < width:
        cells = cells + [""] * (width - len(cells))
    if not guarded:
        return cells
    joined = "\x1f".join(cells)  # one C-level pass instead of a test per cell
    if joined.startswith(("'", '="')) or "\x1f'" in joined or '\x1f="' in joined:
        cells = [cell_value(c) for c in cells]
    return cells


def _split_multi(value: str) -> list[str]:
    value = value.strip()
    if not value:
        return []
    if ":::" not in value:
        return [value]
    return [part.strip() for part in value.split(":::") if part.strip()]


def _marked(label: str) -> tuple[str, bool]:
    """Google marks the primary entry's type with a leading `* `."""
    label = label.strip()
    if label.startswith("*"):
        return label[1:].strip(), True
    return label, False


# The label cells of a file repeat a handful of values ("* Work", "Mobile") on every row,
# so their normalized forms are cached.
@lru_cache(maxsize=1024)
def _email_label(written: str) -> tuple[str, bool]:
    label, primary = _marked(written)
    return _EMAIL_LABELS.get(label.casefold(), label), primary


@lru_cache(maxsize=1024)
def _phone_label(written: str) -> str:
    label, _ = _marked(written)
    return _PHONE_LABELS.get(label.casefold(), label)


@lru_cache(maxsize=1024)
def _address_label(written: str) -> str:
    label, _ = _marked(written)
    return _ADDRESS_LABELS.get(label.casefold(), label)


def _read_emails(draft: ContactDraft, column: LabeledColumn, cells: list[str]) -> None:
    values = _split_multi(cells[column.value])
    label, primary = column.label, False
    if column.label_column is not None:
        label, primary = _email_label(cells[column.label_column])
    for position, value in enumerate(values):
        draft.emails.append(EmailDraft(value, label, primary and position == 0))


def _read_phones(draft: ContactDraft, column: LabeledColumn, cells: list[str]) -> None:
    label = column.label
    if column.label_column is not None:
        label = _phone_label(cells[column.label_column])
    extension = ""
    if column.extension_column is not None:
        extension = cells[column.extension_column].strip()
    for position, value in enumerate(_split_multi(cells[column.value])):
        phone = PhoneDraft(raw=value, label=label)
        if extension and position == 0:
            phone.raw, phone.extension = _without_shown_extension(value, extension), extension
        draft.phones.append(phone)


def _without_shown_extension(value: str, extension: str) -> str:
    """CalKeep's export appends ` ext. 45` to a number that does not show its extension
    (csv_export.py); with the extension column beside it, that text is removed again."""
    suffix = EXTENSION_SEPARATOR + extension
    return value[: -len(suffix)] if value.endswith(suffix) else value


_STRUCTURED_PARTS = ("street", "pobox", "extended", "city", "region", "postcode", "country")


def _read_address(group: AddressColumns, cells: list[str]) -> AddressDraft | None:
    parts: dict[str, list[str]] = {}
    for part, columns in group.parts.items():
        values = [v for v in (cells[i].strip() for i in columns) if v]
        if values:
            parts[part] = values
    if any(part in parts for part in _STRUCTURED_PARTS):
        street_lines = parts.get("street", []) + parts.get("pobox", [])
    else:
        street_lines = parts.get("formatted", [])[:1]  # only Google's one-line form is there
        if not street_lines:
            return None
    label = group.label
    if group.label_column is not None:
        label = _address_label(cells[group.label_column]) or label
    return AddressDraft(
        label=label,
        street="\n".join(street_lines),
        extended=_first(parts, "extended"),
        city=_first(parts, "city"),
        region=_first(parts, "region"),
        postcode=_first(parts, "postcode"),
        country=_first(parts, "country"),
    )


def _first(parts: dict[str, list[str]], name: str) -> str:
    values = parts.get(name)
    return values[0] if values else ""


@lru_cache(maxsize=4096)
def split_tags(value: str, google: bool) -> tuple[str, ...]:
    """Google: ` ::: ` between labels, `* ` before system groups. Outlook and spreadsheets:
    `;` or `,` between categories. Cached: most rows of a file carry the same few groups."""
    value = value.strip()
    if not value:
        return ()
    separated = google or ":::" in value
    entries = value.split(":::") if separated else value.replace(",", ";").split(";")
    tags = []
    for entry in entries:
        name, system_marked = _marked(entry)
        if system_marked and fold_header(name) in GOOGLE_SYSTEM_GROUPS:
            continue
        if name:
            tags.append(name)
    return tuple(tags)


def _read_birthday(
    draft: ContactDraft, cells: list[str], plan: ColumnPlan, warnings: list[Issue]
) -> None:
    """The first birthday cell as written: csv_dialects parses the column as a whole, once
    the file's date order is known. Thunderbird's year/month/day cells are parsed here."""
    for index in plan.birthdays:
        written = cells[index].strip()
        if written:
            draft.birthday = written
            return
    if plan.birthday_parts:
        _read_birthday_parts(draft, cells, plan.birthday_parts, warnings)


def _read_birthday_parts(
    draft: ContactDraft,
    cells: list[str],
    columns: dict[str, int],
    warnings: list[Issue],
) -> None:
    written = {part: cells[index].strip() for part, index in columns.items()}
    if not written.get("month") and not written.get("day"):
        return
    try:
        year = int(written["year"]) if written.get("year") else None
        value = format_birthday(year, int(written.get("month", "")), int(written.get("day", "")))
    except ValueError:
        value = None
    if value is None:
        shown = "-".join(written.get(p, "") for p in ("year", "month", "day"))
        warnings.append(
            Issue(
                "birthday",
                f"birthday {shown!r} is not a date we can read; it was not imported",
                "birthday_unreadable",
            )
        )
    draft.birthday = value
