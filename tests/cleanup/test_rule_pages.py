"""People → AI Cleanup → Bulk rules, for admins only: counts, per-contact preview, apply in
the background with progress, pause / resume / retry, change records and their revert."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from calkeep.accounts.models import Membership, Workspace
from calkeep.cleanup import jobs
from calkeep.cleanup.models import CleanupJob
from calkeep.cleanup.rules import RULES, Rule
from calkeep.contacts.actions import update_contact
from calkeep.contacts.models import Contact, ContactChange
from tests.cleanup.messy_contacts import make_messy

Status = CleanupJob.Status


def url(name: str, ws: str = "acme", **kwargs: Any) -> str:
    return reverse(f"cleanup:{name}", kwargs={"ws": ws, **kwargs})


def page(client: Client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def applied(workspace: Workspace, admin: User, *rules: str) -> CleanupJob:
    viewer = Membership.objects.select_related("workspace", "user").get(user=admin)
    return jobs.apply_now(viewer, list(rules or RULES))


def test_the_bulk_rules_page_counts_what_each_rule_would_change(
    workspace: Workspace, admin_client: Client
) -> None:
    make_messy(workspace)
    html = page(admin_client, url("rules"))
    assert ">AI Cleanup</a>" in html  # the sidebar entry
    for rule in RULES.values():
        assert f'data-rule="{rule.name}"' in html and rule.title in html
    assert html.count("<strong>1</strong> contact") == 4
    assert "<strong>2</strong> contacts" in html  # the Outlook periods repeat, too
    assert url("preview", rule="split_name_company") in html


def test_the_preview_shows_only_the_changed_fields_before_and_after(
    workspace: Workspace, admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = make_messy(workspace)
    html = page(admin_client, url("preview", rule="split_name_company"))
    assert f'data-contact="{made["split_name_company"].pk}"' in html
    assert "Dana Whitfield (Globex Corp)" in html and "Globex Corp" in html
    assert "<td>Organization</td>" in html and "<td>Notes</td>" not in html
    html = page(admin_client, url("preview", rule="dedupe_phone_variants"))
    assert "1-201-555-0188 (mobile)" in html  # phones shown as a person reads them

    monkeypatch.setattr("calkeep.cleanup.rule_views.PREVIEW_PAGE", 1)
    for i in range(2):
        Contact.objects.create(workspace=workspace, display_name=f"Extra {i}", notes="x\n\n.\n\n.")
    html = page(admin_client, url("preview", rule="strip_outlook_boilerplate") + "?page=2")
    assert "Page 2 of 3" in html and "Extra 0" in html and "Olga" not in html
    assert admin_client.get(url("preview", rule="tidy_up")).status_code == 404


def test_apply_queues_a_job_whose_progress_the_page_polls_until_done(
    transactional_db: Any, workspace: Workspace, admin_client: Client, run_worker: Any
) -> None:
    make_messy(workspace)
    response = admin_client.post(url("apply"), {"rules": ["split_name_company", "relabel_phones"]})
    job = CleanupJob.objects.get()
    assert response.status_code == 302 and response["Location"] == url("job", job_id=job.pk)
    assert job.rules == ["split_name_company", "relabel_phones"] and job.status == Status.QUEUED
    progress = admin_client.get(url("progress", job_id=job.pk), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in progress.content.decode()
    assert "HX-Refresh" not in progress
    run_worker()
    progress = admin_client.get(url("progress", job_id=job.pk), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true" and 'data-status="done"' in progress.content.decode()
    html = page(admin_client, url("job", job_id=job.pk))
    assert '<strong data-count="changed">2</strong>' in html
    assert html.count(">Revert</button>") == 2 and "Revert the whole run" in html
    assert ">Lou Lima</a>" in html  # a record shows the contact's derived name
    counts = page(admin_client, url("rules"))
    assert f'data-run="{job.pk}"' in counts
    assert counts.count("<strong>0</strong> contacts") == 2  # nothing left for these two


def test_apply_without_rules_or_with_an_unknown_one_is_refused(
    workspace: Workspace, admin_client: Client
) -> None:
    response = admin_client.post(url("apply"), {"rules": ["tidy"]}, follow=True)
    assert "unknown rule tidy" in response.content.decode()
    response = admin_client.post(url("apply"), {}, follow=True)
    assert "choose at least one rule" in response.content.decode()
    assert not CleanupJob.objects.exists()


def test_one_record_is_reverted_from_the_list_and_a_conflict_asks(
    workspace: Workspace, admin: User, admin_client: Client
) -> None:
    made = make_messy(workspace)
    job = applied(workspace, admin)
    lou, dana = made["relabel_phones"], made["split_name_company"]
    lou_change = ContactChange.objects.get(operation_id=job.operation_id, contact_ref=lou.pk)
    response = admin_client.post(url("revert_change", job_id=job.pk, change_id=lou_change.pk))
    assert response.status_code == 302
    lou.refresh_from_db()
    assert lou.phones[0]["label"] == "home"
    assert "Reverted" in page(admin_client, url("job", job_id=job.pk))

    update_contact(dana, {"title": "CFO"})
    dana_change = ContactChange.objects.get(operation_id=job.operation_id, contact_ref=dana.pk)
    admin_client.post(url("revert_change", job_id=job.pk, change_id=dana_change.pk))
    html = page(admin_client, url("job", job_id=job.pk))
    assert "1 contact changed since the run" in html and "Revert anyway" in html
    difference = '<span class="before">(empty)</span> → <span class="after">CFO</span>'
    assert f"<strong>Job title</strong>: {difference}" in html
    admin_client.post(
        url("resolve", job_id=job.pk, change_id=dana_change.pk), {"decision": "revert"}
    )
    dana.refresh_from_db()
    assert (dana.organization, dana.title) == ("", "")
    assert "changed since the run" not in page(admin_client, url("job", job_id=job.pk))


def test_the_whole_run_is_reverted_in_the_background_and_keep_resolves_a_conflict(
    transactional_db: Any, workspace: Workspace, admin: User, admin_client: Client,
    run_worker: Any,
) -> None:  # fmt: skip
    made = make_messy(workspace)
    job = applied(workspace, admin)
    update_contact(made["dedupe_phone_variants"], {"title": "Buyer"})
    admin_client.post(url("revert", job_id=job.pk))
    assert "Reverting…" in page(admin_client, url("job", job_id=job.pk))
    run_worker()
    html = page(admin_client, url("job", job_id=job.pk))
    assert "1 contact changed since the run" in html
    conflict = jobs.job_conflicts(CleanupJob.objects.get(pk=job.pk))[0]
    admin_client.post(
        url("resolve", job_id=job.pk, change_id=conflict.change.pk), {"decision": "keep"}
    )
    html = page(admin_client, url("job", job_id=job.pk))
    assert "This run was reverted" in html and "Kept as edited" in html
    assert len(Contact.objects.get(pk=made["dedupe_phone_variants"].pk).phones) == 1


def test_pause_resume_and_retry_from_the_page(
    transactional_db: Any, workspace: Workspace, admin_client: Client, run_worker: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    make_messy(workspace)
    admin_client.post(url("apply"), {"rules": list(RULES)})
    job = CleanupJob.objects.get()
    assert "Pause</button>" in page(admin_client, url("job", job_id=job.pk))
    admin_client.post(url("pause", job_id=job.pk))
    run_worker()  # the task finds the job paused and leaves it
    html = page(admin_client, url("job", job_id=job.pk))
    assert 'data-status="paused"' in html and "Resume</button>" in html

    rule = RULES["relabel_phones"]

    def broken(values: Any, region: str) -> Any:
        raise ValueError("odd phone")

    monkeypatch.setitem(RULES, "relabel_phones", Rule(rule.name, "t", "d", rule.reads, broken))
    admin_client.post(url("resume", job_id=job.pk))
    run_worker()
    html = page(admin_client, url("job", job_id=job.pk))
    assert '<strong data-count="failed">6</strong>' in html and "ValueError: odd phone" in html
    assert "Retry the 6 failed contacts" in html
    monkeypatch.undo()
    admin_client.post(url("retry", job_id=job.pk))
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.failed, job.changed) == (Status.DONE, 0, 5)


def test_members_get_404_and_no_sidebar_entry(
    workspace: Workspace, admin: User, member_client: Client
) -> None:
    make_messy(workspace)
    job = applied(workspace, admin)
    change = ContactChange.objects.filter(operation_id=job.operation_id).first()
    assert change is not None
    assert ">AI Cleanup</a>" not in page(member_client, reverse("contacts:list", args=["acme"]))
    for address in (
        url("rules"), url("preview", rule="relabel_phones"), url("job", job_id=job.pk),
        url("progress", job_id=job.pk),
    ):  # fmt: skip
        assert member_client.get(address).status_code == 404
    for address in (
        url("apply"), url("pause", job_id=job.pk), url("revert", job_id=job.pk),
        url("revert_change", job_id=job.pk, change_id=change.pk),
    ):  # fmt: skip
        assert member_client.post(address, {"rules": ["relabel_phones"]}).status_code == 404
    assert CleanupJob.objects.count() == 1


def test_another_workspaces_run_is_404(
    workspace: Workspace, admin: User, outsider_client: Client
) -> None:
    make_messy(workspace)
    job = applied(workspace, admin)
    change = ContactChange.objects.filter(operation_id=job.operation_id).first()
    assert change is not None
    assert outsider_client.get(url("rules")).status_code == 404
    assert outsider_client.get(url("job", "globex", job_id=job.pk)).status_code == 404
    assert outsider_client.get(url("progress", "globex", job_id=job.pk)).status_code == 404
    for name in ("revert", "pause", "resume", "retry"):
        assert outsider_client.post(url(name, "globex", job_id=job.pk)).status_code == 404
    response = outsider_client.post(
        url("revert_change", "globex", job_id=job.pk, change_id=change.pk)
    )
    assert response.status_code == 404
    assert page(outsider_client, url("rules", "globex")).count("<strong>0</strong>") == 5
