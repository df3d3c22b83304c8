"""Birthdays as contact files write them -> "YYYY-MM-DD" or "--MM-DD"."""

from __future__ import annotations

import re
from datetime import date

_ISO = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ].*)?$")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")
_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})$")
_SLASHED_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# Outlook writes 0.0.00 (or 1/1/1601, its zero date) for "no birthday".
_EMPTY_DATES = {"0.0.00", "00.00.0000", "0/0/00", "1/1/1601", "1601-01-01"}


def format_birthday(year: int | None, month: int, day: int) -> str | None:
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: --02-29 is a real birthday
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def parse_birthday(text: str, day_first: bool = True) -> tuple[str | None, str]:
    """(value, warning). An empty value gives (None, ""); one we cannot read gives a warning
    that quotes it, so the person can fix it by hand."""
    value = text.strip()
    if not value or value in _EMPTY_DATES:
        return None, ""
    if match := _ISO.match(value):
        year, month, day = (int(g) for g in match.groups())
        result = format_birthday(year if year > 0 else None, month, day)
    elif match := _NO_YEAR.match(value):
        result = format_birthday(None, int(match[1]), int(match[2]))
    elif (match := _SLASHED_US.match(value)) and not day_first:
        result = format_birthday(int(match[3]), int(match[1]), int(match[2]))
    elif match := _DOTTED.match(value):
        first, second, year_text = int(match[1]), int(match[2]), match[3]
        day, month = (first, second) if day_first or "." in value else (second, first)
        if len(year_text) == 2:
            return None, f"birthday {value!r} has a two-digit year; it was not imported"
        result = format_birthday(int(year_text), month, day)
    else:
        result = None
    if result is None:
        return None, f"birthday {value!r} is not a date we can read; it was not imported"
    return result, ""


def is_birthday(value: str) -> bool:
    if match := _ISO.fullmatch(value):
        return format_birthday(int(match[1]), int(match[2]), int(match[3])) == value
    if match := _NO_YEAR.fullmatch(value):
        return format_birthday(None, int(match[1]), int(match[2])) == value
    return False
