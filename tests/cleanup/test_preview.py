"""The preview over stored contacts: per rule, how many contacts and which fields change."""

from __future__ import annotations

from typing import Any

from calkeep.accounts.models import Membership, Workspace
from calkeep.cleanup.engine import run_rules
from calkeep.cleanup.preview import preview_page, preview_rules
from calkeep.cleanup.rules import RULES, Rule, rules_named
from calkeep.contacts.models import Contact
from tests.cleanup.messy_contacts import make_messy


def test_each_rule_counts_the_contacts_it_would_change_and_shows_the_changed_fields(
    workspace: Workspace, admin: Any
) -> None:
    made = make_messy(workspace, admin)
    previews = preview_rules(Contact.objects.all(), list(RULES.values()), "US")
    # Each rule is counted on its own: the Outlook periods are repeated paragraphs too.
    assert {p.rule.name: p.contacts for p in previews} == {
        **dict.fromkeys(RULES, 1), "dedupe_note_paragraphs": 2,
    }  # fmt: skip
    split = next(p for p in previews if p.rule.name == "split_name_company")
    example = split.examples[0]
    assert example.contact_id == made["split_name_company"].pk
    assert example.before == {"display_name": "Dana Whitfield (Globex Corp)", "organization": ""}
    assert example.after == {"display_name": "Dana Whitfield", "organization": "Globex Corp"}
    assert example.to_dict() == {
        "contact_id": example.contact_id, "before": example.before, "after": example.after,
    }  # fmt: skip
    assert Contact.objects.get(pk=example.contact_id).organization == ""  # nothing written


def test_the_preview_sees_only_the_given_contacts(
    workspace: Workspace, other_workspace: Workspace, admin: Any
) -> None:
    make_messy(other_workspace)
    membership = Membership.objects.get(user=admin)
    previews = preview_rules(Contact.objects.visible_to(membership), list(RULES.values()), "US")
    assert all(p.contacts == 0 for p in previews)


def test_preview_page_pages_through_the_contacts_one_rule_changes(workspace: Workspace) -> None:
    made = make_messy(workspace)
    more = [
        Contact.objects.create(workspace=workspace, notes=f"Note {i}\n\n.\n\n.") for i in range(4)
    ]
    rule = RULES["strip_outlook_boilerplate"]
    first, total = preview_page(Contact.objects.all(), rule, "US", 0, 2)
    second, _ = preview_page(Contact.objects.all(), rule, "US", 2, 2)
    third, _ = preview_page(Contact.objects.all(), rule, "US", 4, 2)
    assert total == 5
    ids = [e.contact_id for e in first + second + third]
    assert ids == [made["strip_outlook_boilerplate"].pk, *(c.pk for c in more)]
    assert second[0].after == {"notes": "Note 1"}


def test_a_rule_that_raises_on_one_contact_is_counted_not_fatal(
    workspace: Workspace, monkeypatch: Any
) -> None:
    make_messy(workspace)
    Contact.objects.filter(given_name="Vic").update(phones=[{"raw": None, "label": 7}, "odd"])
    previews = preview_rules(Contact.objects.all(), list(RULES.values()), "US")
    assert all(p.failed == 0 for p in previews)  # odd entries are skipped by the rules
    broken = RULES["relabel_phones"]

    def boom(values: Any, region: str) -> Any:
        raise RuntimeError("boom")

    raising = Rule(broken.name, broken.title, broken.description, broken.reads, boom)
    monkeypatch.setitem(RULES, "relabel_phones", raising)
    (preview,) = preview_rules(Contact.objects.all(), [RULES["relabel_phones"]], "US")
    assert preview.failed == Contact.objects.count() and preview.contacts == 0


def test_run_rules_chains_the_rules_and_names_the_ones_that_changed_something() -> None:
    values = {
        "display_name": "Dana Whitfield (Acme Corp)", "given_name": "", "middle_name": "",
        "family_name": "", "organization": "", "notes": "A\n\n.\n\nA", "addresses": [],
        "phones": [{"raw": "+447911123456", "e164": None, "label": "home", "extension": ""}],
    }  # fmt: skip
    outcome = run_rules(values, rules_named(list(RULES)), "US")
    assert outcome.rules == [
        "strip_outlook_boilerplate", "dedupe_note_paragraphs", "split_name_company",
        "relabel_phones",
    ]  # fmt: skip
    assert outcome.changed_fields() == {
        "notes": "A",
        "display_name": "Dana Whitfield",
        "organization": "Acme Corp",
        "phones": [{"raw": "+447911123456", "e164": None, "label": "mobile", "extension": ""}],
    }
    assert run_rules(outcome.after, rules_named(list(RULES)), "US").rules == []
