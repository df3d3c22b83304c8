"""`calkeep token …` and `calkeep webhook …`: API tokens and webhook endpoints from the
command line, through the same functions as the workspace settings pages."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from calkeep.cli import EXIT_FAILED, EXIT_OK, fail, print_json, resolve_member


def add_integration_parsers(commands: Any) -> None:
    token = commands.add_parser("token", help="API tokens (Business plan or higher)")
    token_actions = token.add_subparsers(title="actions", metavar="ACTION")
    create = token_actions.add_parser("create", help="create a token and print it, once")
    create.add_argument("--workspace", required=True, metavar="SLUG")
    create.add_argument("--scopes", required=True, metavar="A,B",
                        help="contacts:read and/or contacts:write")  # fmt: skip
    create.add_argument("--user", metavar="EMAIL", help="the member it acts as (default: an admin)")
    create.add_argument("--name", default="", help="what the token is for")
    create.add_argument("--json", action="store_true", help="print one JSON document")
    create.set_defaults(handler=cmd_token_create)
    revoke = token_actions.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id", type=int, metavar="TOKEN_ID")
    revoke.set_defaults(handler=cmd_token_revoke)
    token.set_defaults(handler=lambda args: (token.print_help(), EXIT_FAILED)[1])

    hook = commands.add_parser("webhook", help="webhook endpoints (Business plan or higher)")
    hook_actions = hook.add_subparsers(title="actions", metavar="ACTION")
    add = hook_actions.add_parser("add", help="add an endpoint; prints its id and secret")
    add.add_argument("--workspace", required=True, metavar="SLUG")
    add.add_argument("--url", required=True)
    add.add_argument("--events", required=True, metavar="A,B",
                     help="contact.created and/or contact.updated")  # fmt: skip
    add.add_argument("--description", default="")
    add.add_argument("--json", action="store_true", help="print one JSON document")
    add.set_defaults(handler=cmd_webhook_add)
    hook.set_defaults(handler=lambda args: (hook.print_help(), EXIT_FAILED)[1])


def cmd_token_create(args: argparse.Namespace) -> int:
    from calkeep.accounts.tokens import InvalidScopes, PlanRequired, create_token

    try:
        member = resolve_member(args.workspace, args.user)
        new = create_token(member, args.scopes.split(","), name=args.name)
    except (LookupError, InvalidScopes, PlanRequired) as error:
        return fail(str(error), args.json)
    token = new.token
    if args.json:
        print_json({
            "id": token.pk, "token": new.secret, "scopes": token.scopes,
            "user": member.user.get_username(), "workspace": member.workspace.slug,
        })  # fmt: skip
        return EXIT_OK
    print(new.secret)
    print(
        f"API token {token.pk} for {member.workspace.slug}, acting as "
        f"{member.user.get_username()}, scopes {','.join(token.scopes)}. It is shown only "
        "now: store it somewhere safe.",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_token_revoke(args: argparse.Namespace) -> int:
    from calkeep.accounts.models import ApiToken
    from calkeep.accounts.tokens import revoke_token

    token = ApiToken.objects.filter(pk=args.token_id).first()
    if token is None:
        return fail(f"no API token {args.token_id}", False)
    revoke_token(token)
    print(f"Revoked API token {token.pk} ({token.hint}).")
    return EXIT_OK


def cmd_webhook_add(args: argparse.Namespace) -> int:
    from calkeep.accounts.models import Workspace
    from calkeep.accounts.tokens import PlanRequired
    from calkeep.webhooks.actions import InvalidEvents, add_endpoint
    from calkeep.webhooks.targets import TargetRefused

    workspace = Workspace.objects.filter(slug=args.workspace).first()
    if workspace is None:
        return fail(f"no workspace {args.workspace!r}", args.json, kind="not_found")
    try:
        endpoint = add_endpoint(workspace, args.url, args.events.split(","), args.description)
    except (PlanRequired, TargetRefused, InvalidEvents) as error:
        return fail(str(error), args.json)
    if args.json:
        print_json({"id": endpoint.pk, "secret": endpoint.secret, "url": endpoint.url,
                    "events": endpoint.events})  # fmt: skip
        return EXIT_OK
    print(f"Webhook endpoint {endpoint.pk}: {endpoint.url} ({', '.join(endpoint.events)})")
    print(f"Signing secret: {endpoint.secret}")
    return EXIT_OK
