"""draft_to_dict is ContactDraft.to_dict, only faster."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from calkeep.formats.draft import ContactDraft
from calkeep.formats.draft_dicts import draft_to_dict
from tests.contact_strategies import raw_contacts


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(raw_contacts)
def test_draft_dicts_are_exactly_to_dict(source: dict[str, Any]) -> None:
    draft = ContactDraft.from_dict(source)
    assert draft_to_dict(draft) == draft.to_dict()
    assert list(draft_to_dict(draft)) == list(draft.to_dict())
    fresh = draft_to_dict(draft)
    for name in ("tags", "urls", "emails", "phones", "addresses"):
        assert fresh[name] is not getattr(draft, name)
