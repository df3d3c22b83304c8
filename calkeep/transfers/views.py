from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from calkeep.accounts.access import WorkspaceRequest, workspace_view
from calkeep.formats.draft import UnreadableFile
from calkeep.transfers.actions import ImportOptions, queue_commit, replan, start_import
from calkeep.transfers.forms import CommitForm, UploadForm
from calkeep.transfers.models import ImportRun

PREVIEW_PAGE = 100
OUTCOME_FILTERS = ("create", "update", "skip", "error", "warning")


def runs_for(request: WorkspaceRequest) -> object:
    runs = ImportRun.objects.filter(workspace=request.workspace).defer("data", "preview_gz")
    if not request.membership.is_admin:
        runs = runs.filter(created_by_id=request.user.pk)
    return runs


def get_run(request: WorkspaceRequest, run_id: int) -> ImportRun:
    run = runs_for(request).filter(pk=run_id).first()  # type: ignore[attr-defined]
    if run is None:
        raise Http404("No such import")
    return run


@workspace_view
def upload(request: WorkspaceRequest) -> HttpResponse:
    form = UploadForm(
        request.POST or None, request.FILES or None, default_region=request.workspace.default_region
    )
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        options = ImportOptions(form.cleaned_data["format"], form.cleaned_data["region"])
        try:
            run, _ = start_import(request.membership, upload_file.name, upload_file.read(), options)
        except UnreadableFile as error:
            form.add_error("file", f"{upload_file.name}: {error.message}")
        else:
            return redirect("transfers:detail", ws=request.workspace.slug, run_id=run.pk)
    recent = runs_for(request)[:10]  # type: ignore[index]
    return render(request, "transfers/upload.html", {"form": form, "recent": recent})


@workspace_view
def detail(request: WorkspaceRequest, run_id: int) -> HttpResponse:
    run = get_run(request, run_id)
    shown = request.GET.get("show", "")
    items = run.preview_items()
    if shown in OUTCOME_FILTERS:
        items = [i for i in items if _shows(i, shown)]
    page = Paginator(items, PREVIEW_PAGE).get_page(request.GET.get("page"))
    form = CommitForm(initial={"strategy": run.strategy})
    context = {"run": run, "page": page, "shown": shown, "form": form, "filters": OUTCOME_FILTERS}
    return render(request, "transfers/detail.html", context)


def _shows(item: dict, shown: str) -> bool:
    if shown == "warning":
        return bool(item["warnings"])
    return bool(item["outcome"] == shown)


@require_POST
@workspace_view
def commit(request: WorkspaceRequest, run_id: int) -> HttpResponse:
    run = get_run(request, run_id)
    form = CommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do with rows that match existing contacts.")
        return redirect("transfers:detail", ws=request.workspace.slug, run_id=run.pk)
    strategy = form.cleaned_data["strategy"]
    if request.POST.get("action") == "preview":
        if run.status in (ImportRun.Status.PREVIEWED, ImportRun.Status.FAILED):
            replan(run, strategy)
        return redirect("transfers:detail", ws=request.workspace.slug, run_id=run.pk)
    if queue_commit(run, strategy):
        messages.success(request, f"Importing {run.filename} in the background.")
    else:
        messages.warning(request, "This import was already committed; nothing more to do.")
    return redirect("transfers:detail", ws=request.workspace.slug, run_id=run.pk)


@workspace_view
def progress(request: WorkspaceRequest, run_id: int) -> HttpResponse:
    run = get_run(request, run_id)
    response = render(request, "transfers/_progress.html", {"run": run})
    if not run.is_active and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # the work is over: show the final page
    return response


@workspace_view
def problems_csv(request: WorkspaceRequest, run_id: int) -> HttpResponse:
    """Row errors and warnings as a CSV a person can open beside the original file."""
    run = get_run(request, run_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "line", "outcome", "severity", "field", "message"])
    for item in run.preview_items():
        for severity in ("errors", "warnings"):
            for problem in item[severity]:
                writer.writerow([
                    item["row"], item.get("line", ""), item["outcome"], severity[:-1],
                    problem["field"], problem["message"],
                ])  # fmt: skip
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-problems.csv"'
    return response
