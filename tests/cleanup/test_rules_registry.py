"""The rules as a set: the registry, their order, purity, and idempotency of the chain."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings

from calkeep.cleanup.rules import RULE_NAMES, RULES, UnknownRule, reads_of, rules_named
from calkeep.formats.draft import CONTACT_FIELDS
from tests.contact_strategies import stored_contacts


def test_the_five_rules_of_the_product_are_registered_with_a_title_and_description() -> None:
    assert set(RULE_NAMES) == {
        "strip_outlook_boilerplate", "dedupe_phone_variants", "relabel_phones",
        "split_name_company", "dedupe_note_paragraphs",
    }  # fmt: skip
    for name, rule in RULES.items():
        assert rule.name == name and rule.title and rule.description
        assert set(rule.reads) <= set(CONTACT_FIELDS)


def test_rules_named_keeps_the_running_order_and_refuses_unknown_names() -> None:
    picked = rules_named(["relabel_phones", " dedupe_phone_variants", ""])
    assert [r.name for r in picked] == ["dedupe_phone_variants", "relabel_phones"]
    with pytest.raises(UnknownRule) as refused:
        rules_named(["relabel_phones", "fix_everything"])
    assert "fix_everything" in str(refused.value)
    assert all(name in str(refused.value) for name in RULE_NAMES)


def test_reads_of_is_the_union_of_the_fields_the_rules_look_at() -> None:
    assert reads_of(rules_named(["strip_outlook_boilerplate", "dedupe_note_paragraphs"])) == (
        "notes",
    )


def test_the_rules_import_no_django() -> None:
    code = (
        "import sys, calkeep.cleanup.rules; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"


def run_all(contact: dict, region: str) -> dict:
    for rule in RULES.values():
        contact = dict(rule.apply(contact, region))
    return contact


@settings(max_examples=200)
@given(stored_contacts)
def test_all_rules_in_a_row_change_nothing_the_second_time(contact: dict) -> None:
    once = run_all(contact, "US")
    assert run_all(once, "US") == once
    assert set(once) == set(contact)
