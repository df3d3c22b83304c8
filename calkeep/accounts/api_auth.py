"""Bearer-token authentication for the public API. In order: a well-formed, known, active
token (else 401); the token's rate limit (429); the workspace's plan (403 naming the plan
needed); the member the token acts as (401 once they left); the operation's scope (403)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import HttpBearer

from calkeep.accounts.models import ApiToken, Membership
from calkeep.accounts.ratelimit import count_request
from calkeep.accounts.tokens import check_api_plan, find_token, membership_of, touch_last_used


class MissingScope(Exception):
    def __init__(self, scope: str) -> None:
        super().__init__(f"This token lacks the {scope} scope.")


@dataclass
class ApiCaller:
    token: ApiToken
    membership: Membership


class TokenAuth(HttpBearer):
    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiCaller | None:
        found = find_token(token.strip())
        if found is None:
            return None
        count_request(found.pk)
        check_api_plan(found.workspace)
        membership = membership_of(found)
        if membership is None:
            return None
        if not found.has_scope(self.scope):
            raise MissingScope(self.scope)
        touch_last_used(found)
        return ApiCaller(found, membership)
