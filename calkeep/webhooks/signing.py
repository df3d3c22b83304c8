"""Standard Webhooks signatures (https://www.standardwebhooks.com/, "Signature scheme"):
`webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the
base64-decoded part of the secret after `whsec_`. Pure: no models, no requests; tests check
it against the `standardwebhooks` package."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the scheme asks for 24 to 64 random bytes


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(encoded + "=" * (-len(encoded) % 4))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The value of the `webhook-signature` header."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """True when one of the header's v1 signatures matches (for our own tests and docs)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        expected = sign(
            secret, lowered["webhook-id"], int(lowered["webhook-timestamp"]), body
        ).encode()
    except (KeyError, ValueError):
        return False
    return any(
        hmac.compare_digest(expected, candidate.encode())
        for candidate in lowered.get("webhook-signature", "").split()
    )
