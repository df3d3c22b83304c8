"""Email addresses: a normalized form for matching, and a syntax check that keeps odd but
real addresses (`x@host.invalid`, `x@localhost`) with at most a warning."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import email_validator
from email_validator import EmailNotValidError, validate_email

# The everyday address (`ana.lima+news@mail.example.com`): a dot-atom of the commonest
# ASCII characters, and a domain of ASCII labels of 1-63 letters, digits and inner hyphens
# with at least one dot. For such an address email-validator's only other refusals are a
# top-level domain that does not end in a letter, a special-use domain, a label with `--`
# in it (Punycode and its look-alikes) and more than 254 characters; `_plainly_valid` checks
# those and leaves every other address to email-validator itself. Ten times faster, the
# same verdict (tests compare them).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN_ADDRESS = re.compile(rf"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@((?:{_LABEL}\.)+{_LABEL})")
_MAX_LENGTH = 254


def normalize_email(value: str) -> str:
    """The matching form: trimmed and lower-cased. `Ana@Example.com ` -> `ana@example.com`."""
    return value.strip().lower()


@dataclass(frozen=True)
class EmailCheck:
    ok: bool  # False: not an email address at all (a form refuses it; an import warns)
    message: str = ""  # why it is refused, or what is odd about an accepted address


_VALID = EmailCheck(True)


@lru_cache(maxsize=100_000)
def check_email(value: str) -> EmailCheck:
    text = value.strip()
    if not text:
        return EmailCheck(False, "Enter an email address.")
    if _plainly_valid(text):
        return _VALID
    try:
        validate_email(text, check_deliverability=False)
        return EmailCheck(True)
    except EmailNotValidError as strict_error:
        strict_message = str(strict_error)
    # Deliverability is not our business: special-use and dotless domains (`host.invalid`,
    # `localhost`) are real in test data and intranets. email-validator cannot switch that
    # check off per call, so check the syntax again with a neutral label appended.
    local, at, domain = text.rpartition("@")
    if not at or not domain or domain.startswith("["):
        return EmailCheck(False, strict_message)
    try:
        validate_email(f"{local}@{domain}.com", check_deliverability=False)
    except EmailNotValidError:
        return EmailCheck(False, strict_message)
    return EmailCheck(True, f"{text!r} has a special-use or local domain: {strict_message}")


def _plainly_valid(text: str) -> bool:
    """True only for addresses email-validator accepts without a second thought."""
    if len(text) > _MAX_LENGTH:
        return False
    match = _PLAIN_ADDRESS.fullmatch(text)
    if match is None:
        return False
    domain = match.group(1).lower()
    if "--" in domain or not domain[-1].isalpha():
        return False
    special = email_validator.SPECIAL_USE_DOMAIN_NAMES
    return domain not in special and not domain.endswith(tuple("." + name for name in special))
