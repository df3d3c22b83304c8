"""Country as people write it in an address -> ISO 3166 alpha-2, for phone parsing.

Names come from libphonenumber's own locale table (the country names it ships in many
languages), plus the usual abbreviations that table does not hold."""

from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers

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
def _locale_data() -> dict[str, dict[str, str]]:
    """phonenumbers' `geodata/locale.py` table. Importing it the usual way runs the geodata
    package first, which loads libphonenumber's whole prefix geocoding table: about 100 MB
    that nothing here uses. So the one file is loaded on its own (it imports only
    `phonenumbers.util`)."""
    loaded = sys.modules.get("phonenumbers.geodata.locale")
    if loaded is None:
        path = Path(phonenumbers.__file__).parent / "geodata" / "locale.py"
        spec = importlib.util.spec_from_file_location("_calkeep_phonenumbers_locale", path)
        assert spec is not None and spec.loader is not None
        loaded = importlib.util.module_from_spec(spec)
        loaded.__package__ = "phonenumbers.geodata"  # for its `from ..util import u`
        spec.loader.exec_module(loaded)
    table: Any = loaded.LOCALE_DATA
    return table


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    table: dict[str, str] = {}
    for region, names in _locale_data().items():
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
    names = _locale_data().get(code.upper(), {})
    english = names.get("en", "")
    if not english or english.startswith("*"):
        english = names.get("aa", "")
    return english or code
