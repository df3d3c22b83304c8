from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from calkeep.accounts.models import Membership


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to People in their first workspace."""
    memberships = Membership.objects.filter(user=cast(User, request.user))
    membership = memberships.select_related("workspace").order_by("created_at").first()
    if membership is None:
        return render(request, "accounts/no_workspace.html", status=200)
    return redirect("contacts:list", ws=membership.workspace.slug)
