"""Where a webhook may be sent. An endpoint URL must be http(s), and every address its
host resolves to must be a public one: never loopback, private, link-local (cloud metadata
at 169.254.169.254), shared, multicast or reserved, nor an IPv6 address that carries such
an IPv4 one (IPv4-mapped, 6to4, NAT64, SIIT). Checked when the endpoint is saved and
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


# IPv6 ranges Python's is_global (3.11) counts as global that must not receive webhooks:
# the local-use NAT64 prefix (RFC 8215: where the IPv4 address sits depends on the
# operator's prefix length), the deprecated site-local range and IPv4-compatible addresses.
_REFUSED_V6 = tuple(ipaddress.IPv6Network(net) for net in ("64:ff9b:1::/48", "fec0::/10", "::/96"))
# IPv6 ranges whose last 32 bits are an IPv4 address a gateway reaches: well-known NAT64
# (RFC 6052) and IPv4-translated (SIIT, RFC 2765).
_CARRY_LAST_32_BITS = tuple(
    ipaddress.IPv6Network(net) for net in ("64:ff9b::/96", "::ffff:0:0:0/96")
)


def is_public_address(text: str) -> bool:
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in network for network in _REFUSED_V6):
            return False
        carried = carried_ipv4(address)
        if carried is not None:
            return is_public_address(str(carried))
    return address.is_global and not address.is_multicast


def carried_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (IPv4-mapped, 6to4, NAT64, SIIT), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in _CARRY_LAST_32_BITS):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
