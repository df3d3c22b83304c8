"""`calkeep cleanup preview|apply|revert`: the JSON contract of PRODUCT.md and its refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User

from calkeep import cli
from calkeep.accounts.models import Workspace
from calkeep.cleanup.models import CleanupJob
from calkeep.cleanup.rules import RULE_NAMES
from calkeep.contacts.actions import update_contact
from calkeep.contacts.models import Contact
from tests.cleanup.messy_contacts import make_messy

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *args: str) -> tuple[int, Any, str]:
    code = cli.main(["cleanup", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if "--json" in args and out else out), err


def test_preview_prints_each_rule_with_its_count_and_examples(
    workspace: Workspace, admin: User, capsys: Capture
) -> None:
    made = make_messy(workspace)
    code, document, _ = run(capsys, "preview", "--workspace", "acme", "--json")
    assert code == 0
    assert [r["rule"] for r in document["rules"]] == list(RULE_NAMES)
    by_rule = {r["rule"]: r for r in document["rules"]}
    split = by_rule["split_name_company"]
    assert split["contacts"] == 1
    assert split["examples"] == [{
        "contact_id": made["split_name_company"].pk,
        "before": {"display_name": "Dana Whitfield (Globex Corp)", "organization": ""},
        "after": {"display_name": "Dana Whitfield", "organization": "Globex Corp"},
    }]  # fmt: skip
    assert set(by_rule["relabel_phones"]["examples"][0]["after"]) == {"phones"}
    assert Contact.objects.filter(version__gt=1).count() == 0  # a preview writes nothing


def test_preview_of_chosen_rules_and_plain_text(
    workspace: Workspace, admin: User, capsys: Capture
) -> None:
    make_messy(workspace)
    args = ("preview", "--workspace", "acme", "--rules", "relabel_phones,split_name_company")
    code, document, _ = run(capsys, *args, "--json")
    assert [r["rule"] for r in document["rules"]] == ["split_name_company", "relabel_phones"]
    code, text, _ = run(capsys, *args)
    assert code == 0 and "split_name_company: 1 contact(s) would change" in text
    assert "'Dana Whitfield (Globex Corp)' -> 'Dana Whitfield'" in text


def test_apply_runs_the_job_and_prints_the_run_id_and_count(
    workspace: Workspace, admin: User, capsys: Capture
) -> None:
    make_messy(workspace)
    rules = "strip_outlook_boilerplate,dedupe_phone_variants"
    code, document, _ = run(capsys, "apply", "--workspace", "acme", "--rules", rules, "--json")
    assert code == 0
    job = CleanupJob.objects.get()
    assert document == {"run_id": job.pk, "changed": 2, "failed": 0}
    assert job.status == "done" and job.created_by == admin
    code, document, _ = run(capsys, "apply", "--workspace", "acme", "--rules", rules, "--json")
    assert document["changed"] == 0  # the rules are idempotent


def test_revert_reverts_the_whole_run_and_lists_conflicts(
    workspace: Workspace, admin: User, capsys: Capture
) -> None:
    made = make_messy(workspace)
    _, document, _ = run(
        capsys, "apply", "--workspace", "acme", "--rules", ",".join(RULE_NAMES), "--json"
    )
    run_id = document["run_id"]
    dana = made["split_name_company"]
    update_contact(dana, {"title": "CFO"})
    code, text, _ = run(capsys, "revert", str(run_id))
    assert code == 0
    assert f"Cleanup run {run_id}: reverted 4 contact(s)." in text
    assert (
        f"contact {dana.pk} (Dana Whitfield)" in text
        and "title: this run left '', now 'CFO'" in text
    )
    assert Contact.objects.get(pk=made["relabel_phones"].pk).phones[0]["label"] == "home"
    assert Contact.objects.get(pk=dana.pk).organization == "Globex Corp"

    code, document, _ = run(capsys, "revert", str(run_id), "--json")
    assert document["reverted"] == [] and document["conflicts"][0]["contact_id"] == dana.pk
    assert document["conflicts"][0]["differences"] == [
        {"field": "title", "recorded": "", "current": "CFO"}
    ]
    code, document, _ = run(capsys, "revert", str(run_id), "--force", "--json")
    assert document["reverted"] == [dana.pk] and document["conflicts"] == []
    assert Contact.objects.get(pk=dana.pk).organization == ""


def test_unknown_rules_exit_2_and_list_the_valid_ones(
    workspace: Workspace, admin: User, capsys: Capture
) -> None:
    for action in ("preview", "apply"):
        code, _, err = run(capsys, action, "--workspace", "acme", "--rules", "relabel_phones,tidy")
        assert code == 2
        assert "unknown rule tidy" in err and all(name in err for name in RULE_NAMES)
    assert not CleanupJob.objects.exists()


def test_refusals(workspace: Workspace, admin: User, member: User, capsys: Capture) -> None:
    code, _, err = run(capsys, "preview", "--workspace", "nope")
    assert code == 2 and "no workspace 'nope'" in err
    code, _, err = run(
        capsys,
        "apply",
        "--workspace",
        "acme",
        "--rules",
        "relabel_phones",
        "--user",
        member.username,
    )
    assert code == 2 and "is not an admin" in err
    code, _, err = run(capsys, "revert", "999")
    assert code == 2 and "no cleanup run 999" in err
    code, document, _ = run(
        capsys, "apply", "--workspace", "acme", "--rules", "relabel_phones", "--json"
    )
    code, _, err = run(capsys, "revert", str(document["run_id"]))
    assert code == 1 and "changed nothing" in err
