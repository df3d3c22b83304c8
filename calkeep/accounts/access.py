"""Who may see what. Every workspace page resolves the member through here, so another
workspace's ids answer 404 (never 403) everywhere."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from calkeep.accounts.models import Membership, Workspace


class WorkspaceRequest(HttpRequest):
    membership: Membership
    workspace: Workspace


def get_membership(user: AbstractBaseUser | AnonymousUser, slug: str) -> Membership:
    if not user.is_authenticated:
        raise Http404("No such workspace")
    try:
        return Membership.objects.select_related("workspace", "user").get(
            user_id=user.pk, workspace__slug=slug
        )
    except Membership.DoesNotExist:
        raise Http404("No such workspace") from None


def workspace_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log-in required; sets request.membership and request.workspace from the URL's `ws`.
    The page shows times, and reads the times typed into its forms, in the workspace's
    time zone."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, ws: str, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = get_membership(request.user, ws)
        request.membership = membership  # type: ignore[attr-defined]
        request.workspace = membership.workspace  # type: ignore[attr-defined]
        with timezone.override(membership.workspace.time_zone):
            return view(request, *args, **kwargs)

    return wrapper


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For workspace views: members who are not admins get a 404, as for hidden things."""

    @wraps(view)
    def wrapper(request: WorkspaceRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.membership.is_admin:
            raise Http404("Admins only")
        return view(request, *args, **kwargs)

    return wrapper
