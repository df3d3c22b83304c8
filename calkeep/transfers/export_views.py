from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from calkeep.accounts.access import WorkspaceRequest, workspace_view


@workspace_view
def export_page(request: WorkspaceRequest) -> HttpResponse:
    return render(request, "transfers/export.html", {})
