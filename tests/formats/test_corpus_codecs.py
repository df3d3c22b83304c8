"""Every real file of the corpus read by the pure codecs alone (no database), checked with
the corpus's own comparison. tests/transfers/test_corpus_import.py runs the whole import."""

from __future__ import annotations

import pytest

from calkeep.formats import read_contacts
from tests.corpus import PUBLIC_DIR, case_ids, case_named, checker


def document_for(name: str, region: str | None) -> dict:
    parsed = read_contacts((PUBLIC_DIR / name).read_bytes(), region=region)
    items = []
    for row in parsed.rows:
        contact = row.draft.to_dict() if row.draft else None
        if row.draft is not None and contact is not None:
            contact["display_name"] = row.draft.effective_display_name()
        items.append(
            {
                "row": row.row,
                "outcome": "error" if row.errors else "create",
                "match": None,
                "contact": contact,
                "warnings": [w.to_dict() for w in row.warnings],
                "errors": [e.to_dict() for e in row.errors],
            }
        )
    return {"format": parsed.format, "encoding": parsed.encoding, "items": items}


@pytest.mark.parametrize("name", case_ids())
def test_corpus_file_reads_as_expected(name: str) -> None:
    case = case_named(name)
    problems = checker().compare_document(case, document_for(name, case.get("region")))
    assert problems == []
