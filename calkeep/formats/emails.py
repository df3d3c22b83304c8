"""Email addresses: a normalized form for matching, and a syntax check that keeps odd but
real addresses (`x@host.invalid`, `x@localhost`) with at most a warning."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email


def normalize_email(value: str) -> str:
    """The matching form: trimmed and lower-cased. `Ana@Example.com ` -> `ana@example.com`."""
    return value.strip().lower()


@dataclass(frozen=True)
class EmailCheck:
    ok: bool  # False: not an email address at all (a form refuses it; an import warns)
    message: str = ""  # why it is refused, or what is odd about an accepted address


@lru_cache(maxsize=100_000)
def check_email(value: str) -> EmailCheck:
    text = value.strip()
    if not text:
        return EmailCheck(False, "Enter an email address.")
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
