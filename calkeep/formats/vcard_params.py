"""Property parameters, and the text-level value syntax: escapes and structured values.

Parameters come in three dialects that real files mix freely: vCard 2.1 bare values
(`TEL;WORK;VOICE:`), `TYPE=a,b` lists and repeated `type=` parameters (iOS), and vCard 4.0
`PREF=1`; values may be quoted and use RFC 6868 caret escapes.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import NamedTuple

ENCODING_QP = "qp"
ENCODING_B64 = "b"

_PARAM = re.compile(r'(?:[^";]++|"[^"]*+"?)++')
_ESCAPE_OR_SEPARATOR = {sep: re.compile(r"\\.|" + re.escape(sep), re.DOTALL) for sep in ";,"}
_TEXT_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", ":": ":", "\\": "\\"}
_TEXT_ESCAPE = re.compile(r"\\([nN,;:\\])")
_CARET_ESCAPE = re.compile(r"\^([n'^])")
_CARETS = {"n": "\n", "'": '"', "^": "^"}
_MAX_PARAMS = 256
_NOT_TYPES = {"quoted-printable", "base64", "b", "8bit", "7bit"}


class Params(NamedTuple):
    types: tuple[str, ...] = ()  # lower-case TYPE values and 2.1 bare values, in order
    pref: int = 0  # 0: not preferred; else 1 (most) .. 100 (least), RFC 6350 5.3
    encoding: str = ""  # "", ENCODING_QP or ENCODING_B64
    charset: str = ""  # the declared CHARSET, as written
    value: str = ""  # VALUE=, lower-case
    other: tuple[tuple[str, str], ...] = ()  # every other NAME=value, names upper-case

    def get(self, name: str) -> str:
        if not self.other:
            return ""
        return next((value for key, value in self.other if key == name), "")


NO_PARAMS = Params()


# A file repeats a handful of parameter strings thousands of times: callers on hot paths
# look here first (`PARAMS_CACHE.get(text) or parse_params(text)`).
PARAMS_CACHE: dict[str, Params] = {"": NO_PARAMS}  # most properties have no parameters
_CACHE_LIMIT = 4096


def parse_params(text: str) -> Params:
    """`;TYPE=WORK,VOICE;PREF=1` -> Params."""
    if not text:
        return NO_PARAMS
    params = PARAMS_CACHE.get(text)
    if params is None:
        params = _parse(text)
        # Huge parameter strings (hostile input) are not kept: the cache never pins megabytes.
        if len(text) <= 256:
            if len(PARAMS_CACHE) >= _CACHE_LIMIT:
                PARAMS_CACHE.clear()
                PARAMS_CACHE[""] = NO_PARAMS
            PARAMS_CACHE[text] = params
    return params


def _parse(text: str) -> Params:
    raw = _raw_params(text)
    types: list[str] = []
    other: list[tuple[str, str]] = []
    pref, encoding, charset, value_type = 0, "", "", ""
    for item in raw:
        key, equals, value = item.partition("=")
        key = key.strip().upper()
        if not equals:
            # vCard 2.1 writes bare values: a type, an encoding or PREF.
            bare = key.lower()
            if bare in ("quoted-printable", "base64", "b"):
                encoding = ENCODING_QP if bare == "quoted-printable" else ENCODING_B64
            elif bare == "pref":
                pref = pref or 1
                types.append(bare)
            elif bare and bare not in _NOT_TYPES:
                types.append(bare)
            continue
        value = param_value(value)
        if key == "TYPE":
            for part in value.split(","):
                kind = part.strip().lower()
                if kind:
                    types.append(kind)
                    pref = pref or (1 if kind == "pref" else 0)
        elif key == "ENCODING":
            encoding = _encoding(value)
        elif key == "CHARSET":
            charset = value.strip()
        elif key == "PREF":
            pref = _pref(value) or pref
        elif key == "VALUE":
            value_type = value.strip().lower()
        elif key:
            other.append((key, value))
    return Params(tuple(types), pref, encoding, charset, value_type, tuple(other))


def _raw_params(text: str) -> list[str]:
    """The `;`-separated parameters, at most _MAX_PARAMS of them: a real property has a
    handful, and a line with millions is hostile input that must not cost seconds."""
    if '"' not in text:
        return text.split(";", _MAX_PARAMS)[:_MAX_PARAMS]
    return [match[0] for match in islice(_PARAM.finditer(text), _MAX_PARAMS)]


def _encoding(value: str) -> str:
    word = value.strip().lower()
    if word == "quoted-printable":
        return ENCODING_QP
    return ENCODING_B64 if word in ("b", "base64") else ""


def _pref(value: str) -> int:
    digits = value.strip()[:3]
    return min(max(int(digits), 1), 100) if digits.isdigit() else 0


def param_value(value: str) -> str:
    """Unquote a parameter value and undo RFC 6868 carets (`^n` newline, `^'` quote,
    `^^` caret)."""
    if value.startswith('"'):
        value = value[1:-1] if value.endswith('"') and len(value) > 1 else value[1:]
    if "^" not in value:
        return value
    if "\x00" in value:
        return _CARET_ESCAPE.sub(lambda m: _CARETS[m[1]], value)
    return value.replace("^^", "\x00").replace("^n", "\n").replace("^'", '"').replace("\x00", "^")


def unescape(value: str) -> str:
    """RFC 6350 3.4 text escapes: `\\n` `\\,` `\\;` `\\:` `\\\\`. Any other backslash is kept
    (a Windows path in a vCard 2.1 NOTE is data, not an escape)."""
    if "\\" not in value:
        return value
    if "\x00" in value:  # the placeholder below would be ambiguous: take the slow path
        return _TEXT_ESCAPE.sub(lambda m: _TEXT_ESCAPES[m[1]], value)
    # str.replace runs in C: a 10 MB value full of escapes stays fast.
    return (
        value.replace("\\\\", "\x00")
        .replace("\\n", "\n")
        .replace("\\N", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\:", ":")
        .replace("\x00", "\\")
    )


def split_unescaped(value: str, separator: str) -> list[str]:
    """Split on the separators that are not escaped; the parts keep their escapes."""
    if "\\" not in value:
        return value.split(separator)
    if "\x00" in value or "\x01" in value:
        return _split_slowly(value, separator)
    escaped = "\\" + separator
    protected = value.replace("\\\\", "\x00").replace(escaped, "\x01")
    return [
        part.replace("\x01", escaped).replace("\x00", "\\\\") for part in protected.split(separator)
    ]


def _split_slowly(value: str, separator: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _ESCAPE_OR_SEPARATOR[separator].finditer(value):
        if match.end() - match.start() == 1:
            parts.append(value[start : match.start()])
            start = match.end()
    parts.append(value[start:])
    return parts


def split_text_list(value: str) -> list[str]:
    """A comma list of text values (CATEGORIES, an N or ADR component), unescaped."""
    return [unescape(part) for part in split_unescaped(value, ",")]
