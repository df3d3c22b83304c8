"""`calkeep token create` and `calkeep webhook add`."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User

from calkeep import cli
from calkeep.accounts import token_format
from calkeep.accounts.models import ApiToken, Workspace
from calkeep.webhooks.models import Endpoint
from calkeep.webhooks.signing import secret_key
from tests.api.conftest import ApiClient
from tests.webhooks.receiver import Receiver

Capture = pytest.CaptureFixture[str]


def test_token_create_prints_the_token_once(admin: User, member: User, capsys: Capture) -> None:
    code = cli.main(["token", "create", "--workspace", "acme", "--scopes",
                     "contacts:read,contacts:write", "--name", "sync"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0
    secret = out.strip()
    assert token_format.is_well_formed(secret)
    assert "shown only now" in err and secret not in err
    token = ApiToken.objects.get()
    assert token.user == admin and token.scopes == ["contacts:read", "contacts:write"]
    assert token.name == "sync"
    assert ApiClient(secret).send("GET", "/contacts").status_code == 200


def test_token_create_as_a_member(admin: User, member: User, capsys: Capture) -> None:
    code = cli.main(["token", "create", "--workspace", "acme", "--scopes", "contacts:read",
                     "--user", member.username, "--json"])  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert code == 0 and document["user"] == member.username
    assert ApiToken.objects.get(pk=document["id"]).user == member


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workspace", "acme", "--scopes", "contacts:delete"], "unknown scope contacts:delete"),
        (["--workspace", "nope", "--scopes", "contacts:read"], "no workspace 'nope'"),
        (["--workspace", "globex", "--scopes", "contacts:read"], "Business plan or higher"),
    ],
)
def test_token_create_refusals(
    admin: User, outsider: User, capsys: Capture, args: list[str], message: str
) -> None:
    assert cli.main(["token", "create", *args]) == 2
    assert message in capsys.readouterr().err
    assert not ApiToken.objects.exists()


def test_token_revoke(admin: User, capsys: Capture) -> None:
    cli.main(["token", "create", "--workspace", "acme", "--scopes", "contacts:read"])
    secret = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert cli.main(["token", "revoke", str(token.pk)]) == 0
    assert ApiClient(secret).send("GET", "/contacts").status_code == 401


def test_webhook_add_prints_the_endpoint_id_and_secret(
    workspace: Workspace, receiver: Receiver, capsys: Capture
) -> None:
    code = cli.main(["webhook", "add", "--workspace", "acme", "--url", receiver.url,
                     "--events", "contact.created,contact.updated"])  # fmt: skip
    out = capsys.readouterr().out
    endpoint = Endpoint.objects.get()
    assert code == 0
    assert f"Webhook endpoint {endpoint.pk}:" in out
    assert f"Signing secret: {endpoint.secret}" in out
    assert len(secret_key(endpoint.secret)) == 32


def test_webhook_add_refuses_unknown_events_and_private_urls(
    workspace: Workspace, capsys: Capture, settings: object
) -> None:
    args = ["webhook", "add", "--workspace", "acme", "--url", "https://93.184.215.14/"]
    assert cli.main([*args, "--events", "contact.deleted"]) == 2
    assert "unknown event contact.deleted" in capsys.readouterr().err
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False  # type: ignore[attr-defined]
    private = ["webhook", "add", "--workspace", "acme", "--url", "http://localhost/"]
    assert cli.main([*private, "--events", "contact.created"]) == 2
    assert "public addresses only" in capsys.readouterr().err
    assert not Endpoint.objects.exists()
