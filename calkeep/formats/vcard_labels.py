"""Labels: vCard TYPE parameters and Apple `X-ABLabel`s <-> the contract's labels.

Contract labels (PRODUCT.md): emails and addresses `work`/`home`/`other`, phones
`business`/`mobile`/`home`/`other`; anything else is a custom label kept as written. Fax and
pager numbers carry custom labels such as `fax`, `work fax` and `pager`.
"""

from __future__ import annotations

import re
from functools import lru_cache

EMAIL, PHONE, ADDRESS = "email", "phone", "address"

STANDARD_LABELS = {
    EMAIL: ("work", "home", "other"),
    ADDRESS: ("work", "home", "other"),
    PHONE: ("business", "mobile", "home", "other"),
}
# Apple writes its own labels as `_$!<Token>!$_` and custom ones as plain text (RFC-less
# convention of Apple Contacts, also written and read by Google Contacts).
_APPLE_TOKEN = re.compile(r"_\$!<(.*)>!\$_")
_APPLE_TOKENS = {
    "home": "home",
    "work": "work",
    "other": "other",
    "mobile": "mobile",
    "main": "main",
    "iphone": "iPhone",
    "homefax": "home fax",
    "workfax": "work fax",
    "otherfax": "other fax",
    "pager": "pager",
    "assistantphone": "assistant",
    "homepage": "homepage",
}
_CAMEL_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")
# vCard 3.0/4.0 TEL types that name a kind of line rather than a place.
_PHONE_KINDS = {
    "main": "main",
    "car": "car",
    "video": "video",
    "isdn": "isdn",
    "modem": "modem",
    "bbs": "bbs",
    "textphone": "textphone",
}


def apple_label(text: str, kind: str) -> str:
    """`_$!<Mobile>!$_` -> `mobile`; a custom label (`GRAND_CENTRAL`) stays as written."""
    match = _APPLE_TOKEN.fullmatch(text.strip())
    if not match:
        return text.strip()
    token = match[1]
    key = token.lower()
    if kind == PHONE and key == "work":
        return "business"
    return _APPLE_TOKENS.get(key) or " ".join(_CAMEL_WORD.findall(token)).lower() or key


@lru_cache(maxsize=1024)
def email_label(types: tuple[str, ...]) -> str:
    """INTERNET, X400 and PREF say how to send, not whose address it is: not labels."""
    for kind in types:
        if kind in ("work", "home", "other"):
            return kind
        if kind in ("cell", "mobile"):
            return "mobile"  # Android's "mobile" email type (`EMAIL;CELL:`)
    return ""


@lru_cache(maxsize=1024)
def address_label(types: tuple[str, ...]) -> str:
    return next((kind for kind in types if kind in ("work", "home", "other")), "")


@lru_cache(maxsize=1024)
def phone_label(types: tuple[str, ...]) -> str:
    kinds = set(types)
    place = "work" if "work" in kinds else "home" if "home" in kinds else ""
    place = place or ("other" if "other" in kinds else "")
    if "fax" in kinds:
        return f"{place} fax" if place else "fax"
    if "pager" in kinds:
        return "work pager" if place == "work" else "pager"
    if kinds & {"cell", "mobile", "iphone"}:
        return "mobile"
    if place:
        return "business" if place == "work" else place
    return next((_PHONE_KINDS[kind] for kind in types if kind in _PHONE_KINDS), "")


def phone_types(label: str) -> tuple[str, ...] | None:
    """TYPE values that read back as `label`, or None when it needs an X-ABLabel."""
    return _PHONE_TYPES.get(label)


_PHONE_TYPES: dict[str, tuple[str, ...]] = {
    "business": ("work",),
    "mobile": ("cell",),
    "home": ("home",),
    "other": ("other",),
    "fax": ("fax",),
    "work fax": ("work", "fax"),
    "home fax": ("home", "fax"),
    "other fax": ("other", "fax"),
    "pager": ("pager",),
    "work pager": ("work", "pager"),
}
