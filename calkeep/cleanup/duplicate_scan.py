"""A workspace's duplicate groups: its contacts read as lightweight records (oldest first,
only the fields the matcher needs) and handed to the pure finder. The duplicates page and
`calkeep duplicates` call `find_workspace_duplicates`; a scan is cached until a contact of
the workspace is added, changed or removed."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Max

from calkeep.accounts.models import Workspace
from calkeep.cleanup.duplicates import (
    DuplicateGroup,
    MatchRecord,
    find_duplicate_groups,
    match_record,
)
from calkeep.contacts.models import Contact

_FIELDS = (
    "pk", "given_name", "family_name", "display_name", "organization", "birthday", "emails",
    "phones", "addresses",
)  # fmt: skip


def workspace_records(workspace: Workspace) -> list[MatchRecord]:
    rows = (
        Contact.objects.filter(workspace=workspace)
        .order_by("created_at", "pk")
        .values_list(*_FIELDS)
        .iterator(chunk_size=2000)
    )
    return [
        match_record(row[0], rank, dict(zip(_FIELDS[1:], row[1:], strict=True)))
        for rank, row in enumerate(rows)
    ]


def find_workspace_duplicates(workspace: Workspace, use_cache: bool = True) -> list[DuplicateGroup]:
    key = _cache_key(workspace)
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            return [DuplicateGroup(**g) for g in cached]
    groups = find_duplicate_groups(workspace_records(workspace))
    cache.set(key, [g.as_json() for g in groups], timeout=3600)
    return groups


def _cache_key(workspace: Workspace) -> str:
    """Changes with any add (max id), edit (max updated_at) or delete (count)."""
    state = Contact.objects.filter(workspace=workspace).aggregate(
        n=Count("pk"), last_id=Max("pk"), last_change=Max("updated_at")
    )
    stamp = state["last_change"].isoformat() if state["last_change"] else "-"
    return f"duplicates:{workspace.pk}:{state['n']}:{state['last_id']}:{stamp}"
