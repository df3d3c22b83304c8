"""People → AI Cleanup → Bulk rules: preview counts and per-contact changes, apply in the
background, follow the job, pause / resume / retry, revert one record or the whole run.

Admins only: the rules change every contact of the workspace, so a member gets a 404, as
for anything else they may not see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from calkeep.accounts.access import WorkspaceRequest, admin_required, workspace_view
from calkeep.cleanup import jobs
from calkeep.cleanup.engine import changed_only
from calkeep.cleanup.models import CleanupJob
from calkeep.cleanup.preview import Example, preview_page, preview_rules
from calkeep.cleanup.rules import RULES, UnknownRule, rules_named
from calkeep.contacts.display import field_label, value_text
from calkeep.contacts.models import Contact, ContactChange
from calkeep.formats.draft import shown_name

PREVIEW_PAGE = 50
RECORDS_PAGE = 50


def cleanup_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return workspace_view(admin_required(view))


def contacts_of(request: WorkspaceRequest) -> QuerySet[Contact]:
    return Contact.objects.visible_to(request.membership)


def get_job(request: WorkspaceRequest, job_id: int) -> CleanupJob:
    job = CleanupJob.objects.filter(workspace=request.workspace, pk=job_id).first()
    if job is None:
        raise Http404("No such cleanup run")
    return job


def to_job(request: WorkspaceRequest, job: CleanupJob) -> HttpResponse:
    return redirect("cleanup:job", ws=request.workspace.slug, job_id=job.pk)


@cleanup_view
def rules_page(request: WorkspaceRequest) -> HttpResponse:
    region = request.workspace.default_region
    previews = preview_rules(contacts_of(request), list(RULES.values()), region, examples=0)
    runs = CleanupJob.objects.filter(workspace=request.workspace).select_related("created_by")
    context = {"previews": previews, "runs": runs[:20], "region": region}
    return render(request, "cleanup/rules.html", context)


@cleanup_view
def rule_preview(request: WorkspaceRequest, rule: str) -> HttpResponse:
    found = RULES.get(rule)
    if found is None:
        raise Http404("No such rule")
    page_number = _page_number(request)
    start = (page_number - 1) * PREVIEW_PAGE
    region = request.workspace.default_region
    examples, total = preview_page(contacts_of(request), found, region, start, PREVIEW_PAGE)
    pages = max(1, -(-total // PREVIEW_PAGE))
    context = {
        "rule": found, "rows": [_example_rows(e) for e in examples], "total": total,
        "page_number": page_number, "pages": pages,
    }  # fmt: skip
    return render(request, "cleanup/rule_preview.html", context)


def _page_number(request: WorkspaceRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require_POST
@cleanup_view
def apply(request: WorkspaceRequest) -> HttpResponse:
    try:
        job = jobs.start_job(request.membership, request.POST.getlist("rules"))
    except (UnknownRule, ValueError) as error:
        messages.error(request, str(error) or "Choose at least one rule.")
        return redirect("cleanup:rules", ws=request.workspace.slug)
    titles = ", ".join(r.title for r in rules_named(job.rules))
    messages.success(request, f"Applying {titles} in the background.")
    return to_job(request, job)


@cleanup_view
def job_page(request: WorkspaceRequest, job_id: int) -> HttpResponse:
    job = get_job(request, job_id)
    records = ContactChange.objects.filter(operation_id=job.operation_id or 0).order_by("pk")
    page = Paginator(records, RECORDS_PAGE).get_page(request.GET.get("page"))
    failures = [
        (contact_id, job.failure_messages.get(str(contact_id), ""))
        for contact_id in job.failed_ids[:50]
    ]
    context = {
        **_job_context(job), "page": page, "records": [_record(c) for c in page],
        "conflicts": [_conflict(c) for c in jobs.job_conflicts(job)], "failures": failures,
        "rule_counts": [(_title(name), count) for name, count in job.rule_counts.items()],
    }  # fmt: skip
    return render(request, "cleanup/job.html", context)


def _job_context(job: CleanupJob) -> dict[str, Any]:
    operation = job.operation
    return {
        "job": job, "titles": [_title(name) for name in job.rules],
        "can_pause": job.status in (CleanupJob.Status.QUEUED, CleanupJob.Status.RUNNING),
        "can_resume": jobs.can_resume(job), "can_retry": jobs.can_retry(job),
        "can_revert": jobs.can_revert_run(job), "stalled": jobs.is_stalled(job),
        "reverted_at": operation.reverted_at if operation is not None else None,
    }  # fmt: skip


def _title(rule_name: str) -> str:
    return RULES[rule_name].title if rule_name in RULES else rule_name


@cleanup_view
def progress(request: WorkspaceRequest, job_id: int) -> HttpResponse:
    job = get_job(request, job_id)
    response = render(request, "cleanup/_job_progress.html", _job_context(job))
    if not job.is_active and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # the work is over: show the whole page again
    return response


def _job_action(
    action: Callable[[CleanupJob], bool], done: str, refused: str
) -> Callable[..., HttpResponse]:
    @require_POST
    @cleanup_view
    def view(request: WorkspaceRequest, job_id: int) -> HttpResponse:
        job = get_job(request, job_id)
        if action(job):
            messages.success(request, done)
        else:
            messages.warning(request, refused)
        return to_job(request, job)

    return view


pause = _job_action(
    jobs.pause_job, "Pausing after the chunk in progress.", "Only a running job can be paused."
)
resume = _job_action(
    jobs.resume_job, "Resuming where the run left off.", "This run cannot be resumed now."
)
retry = _job_action(
    jobs.retry_failed,
    "Retrying the contacts that failed.",
    "Only a finished run with failed contacts can retry them.",
)


@require_POST
@cleanup_view
def revert_run(request: WorkspaceRequest, job_id: int) -> HttpResponse:
    job = get_job(request, job_id)
    if jobs.request_revert(job, request.user):  # type: ignore[arg-type]
        messages.success(request, "Reverting the whole run in the background.")
    else:
        messages.warning(request, "This run cannot be reverted now (pause it first).")
    return to_job(request, job)


def _change_of(job: CleanupJob, change_id: int) -> ContactChange:
    change = None
    if job.operation_id is not None:
        change = ContactChange.objects.filter(pk=change_id, operation_id=job.operation_id).first()
    if change is None:
        raise Http404("No such change")
    return change


@require_POST
@cleanup_view
def revert_change(request: WorkspaceRequest, job_id: int, change_id: int) -> HttpResponse:
    """One record: the contact back to how it was before the run, unless edited since."""
    job = get_job(request, job_id)
    change = _change_of(job, change_id)
    if change.resolution:
        messages.warning(request, "This change was already dealt with.")
        return to_job(request, job)
    outcome = jobs.revert_record(job, change, request.user)  # type: ignore[arg-type]
    if outcome.conflicts:
        messages.warning(
            request, "The contact was edited after the run: see the differences and decide."
        )
    elif outcome.gone:
        messages.warning(request, "The contact was deleted since; nothing to revert.")
    else:
        messages.success(request, "Reverted.")
    return to_job(request, job)


@require_POST
@cleanup_view
def resolve(request: WorkspaceRequest, job_id: int, change_id: int) -> HttpResponse:
    """A revert that met later edits: revert anyway (the edits go) or keep the contact."""
    job = get_job(request, job_id)
    change = _change_of(job, change_id)
    decision = request.POST.get("decision")
    if change.resolution or decision not in ("revert", "keep"):
        messages.error(request, "Choose to revert the contact or to keep it.")
    elif decision == "revert":
        jobs.revert_record(job, change, request.user, force=True)  # type: ignore[arg-type]
    else:
        jobs.keep_record(job, change)
    return to_job(request, job)


# -- showing values -----------------------------------------------------------------------------
def _example_rows(example: Example) -> dict[str, Any]:
    return {
        "contact_id": example.contact_id, "name": example.name or f"Contact {example.contact_id}",
        "fields": [
            (field_label(name), show(name, example.before.get(name)), show(name, value))
            for name, value in example.after.items()
        ],
    }  # fmt: skip


def _record(change: ContactChange) -> dict[str, Any]:
    before, after = changed_only(change.before or {}, change.after or {})
    name = shown_name(change.before or {}) or shown_name(change.after or {})
    return {
        "change": change, "name": name or f"Contact {change.contact_ref}",
        "fields": [
            (field_label(f), show(f, before.get(f)), show(f, v)) for f, v in after.items()
        ],
    }  # fmt: skip


def _conflict(conflict: Any) -> dict[str, Any]:
    return {
        "conflict": conflict,
        "fields": [
            (field_label(d.field), show(d.field, d.recorded), show(d.field, d.current))
            for d in conflict.differences
        ],
    }


def show(field: str, value: Any) -> str:
    """A field's value as a person reads it in a before/after table: one entry a line."""
    return value_text(value, separator="\n")
