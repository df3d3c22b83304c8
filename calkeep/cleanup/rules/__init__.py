"""Phase 0 cleanup rules: deterministic, pure, idempotent.

A rule is a function `(values, region) -> values`: `values` is a contact in the contract's
shape (`Contact.editable_values()`, or the fields the rule `reads`), `region` the
workspace's default region for numbers written without a country code. It returns the
same mapping when it has nothing to change, else a new one. Rules import no models: the
engine reads and writes contacts.

They run in the order below, so a rule sees what the ones before it left (boilerplate
goes before repeated paragraphs are counted; variants are merged before labels are judged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from calkeep.cleanup.rules.dedupe_note_paragraphs import dedupe_note_paragraphs
from calkeep.cleanup.rules.dedupe_phone_variants import dedupe_phone_variants
from calkeep.cleanup.rules.relabel_phones import relabel_phones
from calkeep.cleanup.rules.split_name_company import split_name_company
from calkeep.cleanup.rules.strip_outlook_boilerplate import strip_outlook_boilerplate

RuleFunction = Callable[[Mapping[str, Any], str], Mapping[str, Any]]
_NAMES = ("display_name", "given_name", "middle_name", "family_name")


@dataclass(frozen=True)
class Rule:
    name: str
    title: str
    description: str
    reads: tuple[str, ...]
    apply: RuleFunction


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(
            "strip_outlook_boilerplate",
            "Strip Outlook notes boilerplate",
            "Removes the lone periods and blank lines Outlook sync piles up in notes "
            "(.\\n\\n repeated) and turns notes Exchange handed out as an HTML page into text.",
            ("notes",),
            strip_outlook_boilerplate,
        ),
        Rule(
            "dedupe_note_paragraphs",
            "Dedupe repeated notes paragraphs",
            "Keeps a paragraph that appears more than once in the notes only where it first "
            "appears (white space does not count).",
            ("notes",),
            dedupe_note_paragraphs,
        ),
        Rule(
            "split_name_company",
            "Split business names",
            "Moves a company written in the name, “Dana Whitfield (Acme Corp)”, to the empty "
            "organization field. Leaves suffixes, pronouns, nicknames and notes in "
            "parentheses alone.",
            (*_NAMES, "organization"),
            split_name_company,
        ),
        Rule(
            "dedupe_phone_variants",
            "Dedupe phone variants",
            "Merges entries that are the same number in E.164 (1-201-555-0123, +12015550123, "
            "(201) 555-0123), keeping the most specific label and the extension.",
            ("phones", "addresses"),
            dedupe_phone_variants,
        ),
        Rule(
            "relabel_phones",
            "Relabel mis-classified phones",
            "Corrects a home or mobile label the number contradicts: a mobile number "
            "labelled home, a landline labelled mobile, a toll-free number labelled home.",
            ("phones", "addresses", "organization"),
            relabel_phones,
        ),
    )
}
RULE_NAMES = tuple(RULES)


class UnknownRule(ValueError):
    def __init__(self, unknown: list[str]) -> None:
        names = ", ".join(unknown)
        super().__init__(f"unknown rule {names}; the rules are: {', '.join(RULE_NAMES)}")
        self.unknown = unknown


def rules_named(names: Iterable[str]) -> list[Rule]:
    """The named rules in their running order; UnknownRule lists the names that are not."""
    wanted = [n.strip() for n in names if n.strip()]
    unknown = [n for n in wanted if n not in RULES]
    if unknown:
        raise UnknownRule(unknown)
    return [rule for name, rule in RULES.items() if name in wanted]


def reads_of(rules: Iterable[Rule]) -> tuple[str, ...]:
    fields: dict[str, None] = {}
    for rule in rules:
        fields.update(dict.fromkeys(rule.reads))
    return tuple(fields)
