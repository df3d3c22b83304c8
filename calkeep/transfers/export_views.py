"""People → Export: pick CSV or vCard, see how many contacts it holds, download it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from calkeep.accounts.access import WorkspaceRequest, workspace_view
from calkeep.transfers.export import count_exported, export_contacts, export_file

# (choice, format, vCard version, name, what it is for)
KINDS = (
    ("csv", "csv", "", "CSV",
     "Opens in Excel, Numbers and Google Sheets; imports into Google Contacts and Outlook."),
    ("vcard-4.0", "vcard", "4.0", "vCard 4.0",
     "For Apple Contacts, Google Contacts and restoring into CalKeep."),
    ("vcard-3.0", "vcard", "3.0", "vCard 3.0",
     "For Outlook and older phones and programs that do not read vCard 4.0."),
)  # fmt: skip
_BY_CHOICE = {choice: (format, version) for choice, format, version, _, _ in KINDS}


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(choice, name) for choice, _, _, name, _ in KINDS],
        initial="csv",
        error_messages={"invalid_choice": "Choose CSV, vCard 4.0 or vCard 3.0."},
    )


@workspace_view
def export_page(request: WorkspaceRequest) -> HttpResponse:
    return _page(request, ExportForm(initial={"kind": "csv"}))


@workspace_view
def download(request: WorkspaceRequest) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _page(request, form, status=400)
    format, version = _BY_CHOICE[form.cleaned_data["kind"]]
    kind = export_file(format, version)
    today = timezone.localdate(timezone=ZoneInfo(request.workspace.time_zone))
    response = StreamingHttpResponse(
        export_contacts(request.membership, format, version), content_type=kind.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{kind.filename(today)}"'
    response["Cache-Control"] = "private, no-store"  # a whole address book
    # workspace_view is typed for HttpResponse; Django serves any HttpResponseBase.
    return response  # type: ignore[return-value]


def _page(request: WorkspaceRequest, form: ExportForm, status: int = 200) -> HttpResponse:
    count = count_exported(request.membership)
    chosen = form["kind"].value() or "csv"
    context = {
        "form": form,
        "count": count,
        "count_text": f"{count:,}",
        "kinds": [
            {"value": choice, "name": name, "help": help, "checked": choice == chosen}
            for choice, _, _, name, help in KINDS
        ],
    }
    return render(request, "transfers/export.html", context, status=status)
