from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace_context(request: HttpRequest) -> dict[str, Any]:
    """The sidebar needs the current workspace and the others the user may switch to."""
    membership = getattr(request, "membership", None)
    others = []
    if membership is not None:
        others = [
            m.workspace
            for m in request.user.memberships.select_related("workspace").order_by(  # type: ignore[union-attr]
                "workspace__name"
            )
        ]
    return {
        "membership": membership,
        "workspace": getattr(request, "workspace", None),
        "user_workspaces": others,
    }
