"""API token strings: `ck_live_` + 30 random base62 characters + a 6-character base62
CRC32 of everything before it (the scheme GitHub uses for its tokens). The prefix lets
people and secret scanners recognise a CalKeep token; the checksum refuses a mistyped or
truncated token without a database lookup. Only the SHA-256 of a token is stored. Pure: no
models, no requests."""

from __future__ import annotations

import hashlib
import secrets
import string
import zlib

PREFIX = "ck_live_"
ALPHABET = string.digits + string.ascii_letters  # base62
RANDOM_LENGTH = 30  # 62**30 is about 2**178
CHECKSUM_LENGTH = 6  # 62**6 > 2**32
TOKEN_LENGTH = len(PREFIX) + RANDOM_LENGTH + CHECKSUM_LENGTH


def base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, remainder = divmod(number, 62)
        digits.append(ALPHABET[remainder])
    return "".join(reversed(digits)).rjust(width, ALPHABET[0])


def checksum(body: str) -> str:
    return base62(zlib.crc32(body.encode("ascii")), CHECKSUM_LENGTH)


def new_token() -> str:
    body = PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + checksum(body)


def is_well_formed(token: str) -> bool:
    """Prefix, length, alphabet and checksum agree: worth looking up."""
    if len(token) != TOKEN_LENGTH or not token.startswith(PREFIX):
        return False
    rest = token[len(PREFIX) :]
    if not all(c in ALPHABET for c in rest):
        return False
    body, check = token[:-CHECKSUM_LENGTH], token[-CHECKSUM_LENGTH:]
    return secrets.compare_digest(checksum(body), check)


def hash_token(token: str) -> str:
    """What is stored and looked up: a fast hash is enough for 178 random bits."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def token_hint(token: str) -> str:
    """What pages show of a token after it was shown once: `ck_live_AbCd…9xYz`."""
    return f"{token[: len(PREFIX) + 4]}…{token[-4:]}"
