"""Running rules over one contact's values, and saying what they changed. Pure: the preview
and the job feed it values read from the database and write what it returns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from calkeep.cleanup.rules import Rule


@dataclass
class Outcome:
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    rules: list[str] = field(default_factory=list)  # the rules that changed something

    @property
    def changed(self) -> bool:
        return bool(self.rules)

    def changed_fields(self) -> dict[str, Any]:
        """The fields whose value differs, with their new values."""
        return {k: v for k, v in self.after.items() if self.before.get(k) != v}


def run_rules(values: Mapping[str, Any], rules: Iterable[Rule], region: str) -> Outcome:
    """Each rule in turn on what the previous ones left."""
    current = values
    applied = []
    for rule in rules:
        result = rule.apply(current, region)
        if result is not current and _differs(current, result):
            applied.append(rule.name)
            current = result
    return Outcome(values, current, applied)


def _differs(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    return any(before.get(k) != v for k, v in after.items())


def changed_only(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The before and after of the fields that differ: what a preview shows."""
    names = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in names}, {k: after[k] for k in names}
