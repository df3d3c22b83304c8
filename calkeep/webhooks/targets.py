"""Where a webhook may be sent. An endpoint URL must be http(s), and every address its
host resolves to must be a public one: never loopback, private, link-local (cloud metadata
at 169.254.169.254), shared, multicast or reserved. Checked when the endpoint is saved and
again before each delivery, and the delivery connects to the address that was checked
(lib/http.py), so a DNS answer that changes in between cannot redirect it. The setting
WEBHOOK_ALLOW_PRIVATE_TARGETS (CALKEEP_WEBHOOK_ALLOW_PRIVATE_TARGETS=1) lifts the address
rule for tests and private installations."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

MAX_URL_LENGTH = 2000


class TargetRefused(ValueError):
    """The URL may not receive webhooks; the message says why, for a person."""


def check_url_syntax(url: str) -> SplitResult:
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"Keep the URL under {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise TargetRefused(f"This is not a valid URL ({error}).") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("Enter an http:// or https:// URL with a host name.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("Leave user names and passwords out of the URL.")
    if port == 0:
        raise TargetRefused("Port 0 cannot receive webhooks.")
    return parts


def resolve_target(url: str) -> str:
    """The address to connect to: the first one the host resolves to, after every one of
    them passed the check. TargetRefused otherwise."""
    parts = check_url_syntax(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise TargetRefused(f"The host {host} cannot be resolved ({error}).") from None
    addresses = [str(answer[4][0]).split("%", 1)[0] for answer in answers]
    if not addresses:
        raise TargetRefused(f"The host {host} has no address.")
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        for address in addresses:
            if not is_public_address(address):
                raise TargetRefused(
                    f"{host} resolves to {address}, a private, loopback or reserved address: "
                    "webhooks go to public addresses only."
                )
    return addresses[0]


def is_public_address(text: str) -> bool:
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
