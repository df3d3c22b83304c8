"""The email check's shortcut for everyday addresses gives email-validator's own verdict."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given
from hypothesis import strategies as st

from calkeep.formats.emails import EmailCheck, check_email


def _reference_check(value: str) -> EmailCheck:
    """check_email as first written: email-validator for every address."""
    text = value.strip()
    if not text:
        return EmailCheck(False, "Enter an email address.")
    try:
        validate_email(text, check_deliverability=False)
        return EmailCheck(True)
    except EmailNotValidError as strict_error:
        strict_message = str(strict_error)
    local, at, domain = text.rpartition("@")
    if not at or not domain or domain.startswith("["):
        return EmailCheck(False, strict_message)
    try:
        validate_email(f"{local}@{domain}.com", check_deliverability=False)
    except EmailNotValidError:
        return EmailCheck(False, strict_message)
    return EmailCheck(True, f"{text!r} has a special-use or local domain: {strict_message}")


EDGE_CASES = [
    "ana@example.com", "Ana.Lima+news@Mail.Example.COM", "a@b.co", "a@b.c1", "a@b.1",
    "a@localhost", "a@host.invalid", "a@x.TEST", "a@sub.local", "a@x.onion", "a@in-addr.arpa",
    "a..b@example.com", ".a@example.com", "a.@example.com", "a@-x.com", "a@x-.com",
    "a@x..com", "a@.x.com", "a@x.com.", "a@xn--bcher-kva.com", "a@ab--cd.com", "a@x.xn--p1ai",
    "a@" + "x" * 63 + ".com", "a@" + "x" * 64 + ".com", "a" * 64 + "@example.com",
    "a" * 65 + "@example.com", "a" * 240 + "@example.com", "a" * 250 + "@ex.com",
    "a@b@example.com", "a b@example.com", '"a b"@example.com', "Ana <ana@example.com>",
    "ana@exam_ple.com", "ana@example.com ", " ana@example.com", "ana@[127.0.0.1]",
    "postmaster@example.com", "ana@münchen.de", "ñandú@example.com", "ana@example", "@x.com",
    "ana@", "ana", "", "a@1.2.3.4", "a@example.c-m", "a@" + ".".join(["x"] * 127),
]  # fmt: skip


@pytest.mark.parametrize("address", EDGE_CASES)
def test_edge_cases_get_email_validators_verdict(address: str) -> None:
    assert check_email.__wrapped__(address) == _reference_check(address)


_PIECES = st.sampled_from(
    ["ana", "a", "Lima", "x1", "-", "_", "+", ".", "..", "@", "xn--", "--", "com", "COM", "local",
     "test", "invalid", "localhost", "arpa", "onion", "1", "9", "ü", " ", '"', "[", "<", ">",
     "x" * 62, "y" * 70]
)  # fmt: skip


@given(st.lists(_PIECES, min_size=1, max_size=12).map("".join))
@example("ana@example.com")
@example("a@b.local")
def test_generated_addresses_get_email_validators_verdict(address: str) -> None:
    assert check_email.__wrapped__(address) == _reference_check(address)


@given(st.from_regex(r"[a-z0-9_+.-]{1,20}@([a-z0-9-]{1,12}\.){1,3}[a-z0-9-]{1,8}", fullmatch=True))
def test_address_shaped_text_gets_email_validators_verdict(address: str) -> None:
    assert check_email.__wrapped__(address) == _reference_check(address)
