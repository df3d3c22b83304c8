"""Our Standard Webhooks signatures, checked by the `standardwebhooks` package."""

from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from calkeep.webhooks import signing


def test_secrets_are_whsec_and_32_random_bytes() -> None:
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert signing.new_secret() != secret


@pytest.mark.parametrize("body", [b'{"type":"contact.created"}', '{"name":"Jörg"}'.encode()])
def test_the_standard_webhooks_package_verifies_our_signatures(body: bytes) -> None:
    secret = signing.new_secret()
    headers = signing.signed_headers(secret, "msg_abc", int(time.time()), body)
    assert Webhook(secret).verify(body, headers) == __import__("json").loads(body)
    assert signing.verify(secret, headers, body)


def test_a_changed_body_id_or_secret_fails_verification() -> None:
    secret = signing.new_secret()
    body = b'{"a":1}'
    headers = signing.signed_headers(secret, "msg_1", int(time.time()), body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b'{"a":2}', headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-id": "msg_2"})
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body, headers)
    assert not signing.verify(secret, {**headers, "webhook-id": "msg_2"}, body)


def test_the_signature_matches_the_specification_example() -> None:
    # The example of the Standard Webhooks specification (spec/standard-webhooks.md).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signature = signing.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_unpadded_secrets_decode() -> None:
    assert signing.secret_key("whsec_YQ") == b"a"
