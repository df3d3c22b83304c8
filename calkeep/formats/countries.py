"""Country as people write it in an address -> ISO 3166 alpha-2, for phone parsing.

Names come from libphonenumber's own locale table (the country names it ships in many
languages), plus the usual abbreviations that table does not hold."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers.geodata.locale import LOCALE_DATA

from calkeep.lib.text import fold_for_search

_EXTRA_NAMES = {
    "usa": "US", "u.s.a.": "US", "u.s.": "US", "united states of america": "US",
    "america": "US", "uk": "GB", "u.k.": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "brd": "DE",
    "holland": "NL", "the netherlands": "NL", "russia": "RU", "south korea": "KR",
    "korea": "KR", "czechia": "CZ", "czech republic": "CZ", "uae": "AE",
    "vietnam": "VN", "schweiz": "CH", "suisse": "CH", "svizzera": "CH", "osterreich": "AT",
}  # fmt: skip


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    table: dict[str, str] = {}
    for region, names in LOCALE_DATA.items():
        for name in names.values():
            if name and not name.startswith("*"):
                table.setdefault(fold_for_search(name), region)
    for name, region in _EXTRA_NAMES.items():
        table[fold_for_search(name)] = region
    return table


@lru_cache(maxsize=10_000)
def country_code(country: str) -> str | None:
    text = country.strip()
    if not text:
        return None
    if len(text) == 2 and text.upper() in phonenumbers.SUPPORTED_REGIONS:
        return text.upper()
    folded = fold_for_search(text)
    return _names().get(folded) or _names().get(folded.removeprefix("the ").strip())


def country_name(code: str) -> str:
    """English name of an ISO region, for menus. In the table "*aa" means "as for aa"."""
    names = LOCALE_DATA.get(code.upper(), {})
    english = names.get("en", "")
    if not english or english.startswith("*"):
        english = names.get("aa", "")
    return english or code
