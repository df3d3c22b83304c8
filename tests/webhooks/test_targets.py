"""Webhook targets: public http(s) addresses only, unless private ones are allowed."""

from __future__ import annotations

from typing import Any

import pytest

from calkeep.webhooks.targets import TargetRefused, check_url_syntax, resolve_target

PRIVATE = [
    "http://127.0.0.1/x", "http://localhost:8000/x", "http://10.0.0.5/", "http://172.16.3.4/",
    "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://[::1]/",
    "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://100.64.0.1/", "http://[fd00::1]/",
    "http://224.0.0.1/", "http://[fe80::1]/",
    # Other spellings of 127.0.0.1: short, decimal, hexadecimal, octal, IPv4-mapped.
    "http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/",
    "http://[::ffff:7f00:1]/",
]  # fmt: skip
# IPv6 addresses that carry an IPv4 one, which a gateway or the kernel may reach: NAT64
# (RFC 6052 and the local-use RFC 8215 prefix), 6to4, IPv4-compatible and IPv4-translated
# (SIIT). Python's is_global calls them all global; what they carry is private here.
EMBEDDED_PRIVATE = [
    "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a00:1]/", "http://[64:ff9b:1::a9fe:a9fe]/",
    "http://[2002:7f00:1::]/", "http://[2002:c0a8:101::1]/", "http://[::127.0.0.1]/",
    "http://[::ffff:0:a00:1]/", "http://[fec0::1]/",
]  # fmt: skip


@pytest.fixture
def strict(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False


@pytest.mark.parametrize("url", PRIVATE)
def test_private_loopback_and_reserved_addresses_are_refused(strict: None, url: str) -> None:
    with pytest.raises(TargetRefused, match="public addresses only"):
        resolve_target(url)


@pytest.mark.parametrize("url", EMBEDDED_PRIVATE)
def test_ipv6_addresses_carrying_a_private_ipv4_one_are_refused(strict: None, url: str) -> None:
    with pytest.raises(TargetRefused, match="public addresses only"):
        resolve_target(url)


def test_public_addresses_pass(strict: None) -> None:
    assert resolve_target("https://93.184.215.14/hook") == "93.184.215.14"
    assert resolve_target("http://[2606:4700::6810:85e5]:8080/") == "2606:4700::6810:85e5"
    # NAT64 and 6to4 of a public address are how IPv6-only networks reach it.
    assert resolve_target("http://[64:ff9b::5db8:d70e]/") == "64:ff9b::5db8:d70e"
    assert resolve_target("http://[2002:5db8:d70e::1]/") == "2002:5db8:d70e::1"


def test_every_resolved_address_is_checked(strict: None, monkeypatch: Any) -> None:
    answers = [
        (2, 1, 6, "", ("93.184.215.14", 443)),
        (2, 1, 6, "", ("10.1.2.3", 443)),
    ]
    monkeypatch.setattr("socket.getaddrinfo", lambda *args, **kwargs: answers)
    with pytest.raises(TargetRefused, match=r"10\.1\.2\.3"):
        resolve_target("https://mixed.example/")


def test_the_setting_allows_private_targets(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    assert resolve_target("http://127.0.0.1:9/x") == "127.0.0.1"


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/", "example.com/hook", "http:///nohost", "http://u:p@example.com/",
     "http://example.com:99999/", "javascript:alert(1)", "http://" + "a" * 2000 + ".com/"],
)  # fmt: skip
def test_only_http_urls_with_a_host(url: str) -> None:
    with pytest.raises(TargetRefused):
        check_url_syntax(url)


def test_a_host_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(TargetRefused, match="cannot be resolved"):
        resolve_target("https://no-such-host.invalid/")
