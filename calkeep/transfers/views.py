from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from calkeep.accounts.access import WorkspaceRequest, workspace_view
from calkeep.contacts.models import ContactChange
from calkeep.formats.csv_export import neutralize
from calkeep.formats.draft import UnreadableFile
from calkeep.transfers import runs
from calkeep.transfers.actions import ImportOptions
from calkeep.transfers.forms import CommitForm, MappingForm, UploadForm
from calkeep.transfers.models import ImportRun
from calkeep.transfers.preview import FILTERS, PreviewRows, iter_items
from calkeep.transfers.progress import read_progress

PREVIEW_PAGE = 100
OUTCOME_FILTERS = FILTERS
Status = ImportRun.Status


def runs_for(request: WorkspaceRequest) -> QuerySet[ImportRun]:
    """Admins see every import of the workspace, members their own."""
    found = ImportRun.objects.filter(workspace=request.workspace).defer("data")
    if not request.membership.is_admin:
        found = found.filter(created_by_id=request.user.pk)
    return found


def get_run(request: WorkspaceRequest, run_id: int) -> ImportRun:
    run = runs_for(request).filter(pk=run_id).first()
    if run is None:
        raise Http404("No such import")
    return run


def to_run(request: WorkspaceRequest, run: ImportRun) -> HttpResponse:
    name = "transfers:mapping" if run.status == Status.MAPPING else "transfers:detail"
    return redirect(name, ws=request.workspace.slug, run_id=run.pk)


@workspace_view
def upload(request: WorkspaceRequest) -> HttpResponse:
    form = UploadForm(
        request.POST or None, request.FILES or None, default_region=request.workspace.default_region
    )
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        options = ImportOptions(form.cleaned_data["format"], form.cleaned_data["region"])
        try:
            run = runs.receive_upload(
                request.membership, upload_file.name, upload_file.read(), options
            )
        except UnreadableFile as error:
            form.add_error("file", f"{upload_file.name}: {error.message}")
        else:
            return to_run(request, run)
    recent = runs_for(request)[:10]
    return render(request, "transfers/upload.html", {"form": form, "recent": recent})


def mapping_column_limit() -> int:
    """The most columns the mapping step takes. Its form posts a field per column and the
    CSRF token, and Django answers a POST with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
    with 400; a page of 200,000 menus would not render in any reasonable time either."""
    return (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 1000) - 1


@workspace_view
def mapping(request: WorkspaceRequest, run_id: int) -> HttpResponse:
    run = get_run(request, run_id)
    if run.status not in (Status.MAPPING, Status.PREVIEWED, Status.FAILED):
        return to_run(request, run)
    full = ImportRun.objects.get(pk=run.pk)  # the stored file, deferred in listings
    columns = runs.run_columns(full)
    limit = mapping_column_limit()
    if len(columns.columns) > limit:
        context = {"run": run, "columns": columns, "column_limit": limit}
        return render(request, "transfers/mapping.html", context)
    form = MappingForm(request.POST or None, columns=columns.columns, mapping=run.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.confirm_mapping(full, form.mapping())
        except UnreadableFile as error:
            form.add_error(None, error.message)
        else:
            return to_run(request, run)
    context = {"run": run, "form": form, "columns": columns}
    return render(request, "transfers/mapping.html", context)


@workspace_view
def detail(request: WorkspaceRequest, run_id: int) -> HttpResponse:
    run = get_run(request, run_id)
    if run.status == Status.MAPPING:
        return to_run(request, run)
    shown = request.GET.get("show", "")
    if shown not in OUTCOME_FILTERS:
        shown = ""
    rows: Sequence[dict[str, Any]] = []
    if run.preview is not None:
        rows = PreviewRows(run.preview, shown)
    page = Paginator(rows, PREVIEW_PAGE).get_page(request.GET.get("page"))
    context = {
        "run": run, "page": page, "shown": shown, "filters": OUTCOME_FILTERS,
        "progress": read_progress(run.pk) if run.is_active else None,
        "form": CommitForm(initial={"strategy": run.strategy}),
        "conflicts": runs.undo_conflicts(run),
        "written": runs.written_counts(run),
    }  # fmt: skip
    return render(request, "transfers/detail.html", context)


@require_POST
@workspace_view
def commit(request: WorkspaceRequest, run_id: int) -> HttpResponse:
    run = get_run(request, run_id)
    form = CommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do with rows that match existing contacts.")
        return to_run(request, run)
    strategy = form.cleaned_data["strategy"]
    if request.POST.get("action") == "preview":
        runs.replan(run, strategy)
    elif runs.queue_commit(run, strategy):
        messages.success(request, f"Importing {run.filename} in the background.")
    else:
        messages.warning(request, "This import is not waiting to be imported; nothing changed.")
    return to_run(request, run)


@workspace_view
def progress(request: WorkspaceRequest, run_id: int) -> HttpResponse:
    run = get_run(request, run_id)
    context = {"run": run, "progress": read_progress(run.pk) if run.is_active else None}
    response = render(request, "transfers/_progress.html", context)
    if not run.is_active and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # the work is over: show the whole page again
    return response


@require_POST
@workspace_view
def undo(request: WorkspaceRequest, run_id: int) -> HttpResponse:
    run = get_run(request, run_id)
    if runs.request_undo(run):
        messages.success(request, f"Undoing the import of {run.filename}.")
    else:
        messages.warning(request, "Only an imported file can be undone.")
    return to_run(request, run)


@require_POST
@workspace_view
def resolve(request: WorkspaceRequest, run_id: int, change_id: int) -> HttpResponse:
    """One contact edited since the import: revert it anyway, or keep it."""
    run = get_run(request, run_id)
    change = None
    if run.operation_id is not None:
        change = ContactChange.objects.filter(pk=change_id, operation_id=run.operation_id).first()
    if change is None or change.resolution:
        raise Http404("No such change")
    decision = request.POST.get("decision")
    if decision not in ("revert", "keep"):
        messages.error(request, "Choose to revert the contact or to keep it.")
        return to_run(request, run)
    runs.resolve_conflict(run, change, decision == "revert", request.user)  # type: ignore[arg-type]
    return to_run(request, run)


@workspace_view
def problems_csv(request: WorkspaceRequest, run_id: int) -> HttpResponse:
    """Row errors and warnings as a CSV a person can open beside the original file."""
    run = get_run(request, run_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "line", "outcome", "severity", "field", "message"])
    problems = iter_items(run.preview_id, ("error", "warning")) if run.preview_id else ()
    for item in problems:
        for severity in ("errors", "warnings"):
            for problem in item[severity]:
                cells = [
                    item["row"], item.get("line", ""), item["outcome"], severity[:-1],
                    problem["field"], problem["message"],
                ]  # fmt: skip
                # A message quotes the file's text: keep spreadsheets from running it.
                writer.writerow([neutralize(str(cell)) for cell in cells])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-problems.csv"'
    return response
