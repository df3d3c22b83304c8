"""dedupe_note_paragraphs: a repeated block (a disclaimer a sync appended each cycle, a note
pasted twice, two notes joined by a merge) is kept where it first appears."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from calkeep.cleanup.rules.dedupe_note_paragraphs import dedupe_note_paragraphs

DISCLAIMER = (
    "CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the\n"
    "sole use of the intended recipient(s) and may contain confidential information."
)


def dedupe(notes: str) -> str:
    return str(dedupe_note_paragraphs({"notes": notes}, "US")["notes"])


def test_a_block_appended_on_every_sync_is_kept_once() -> None:
    notes = f"Renewal due in March.\n\n{DISCLAIMER}\n\n{DISCLAIMER}\n\n{DISCLAIMER}"
    assert dedupe(notes) == f"Renewal due in March.\n\n{DISCLAIMER}"


def test_order_is_kept_and_the_first_occurrence_wins() -> None:
    notes = "B\n\nA\n\nB\n\nC\n\nA\n\nD"
    assert dedupe(notes) == "B\n\nA\n\nC\n\nD"


def test_white_space_does_not_make_paragraphs_different() -> None:
    rewrapped = DISCLAIMER.replace(" is for the\n", " is\nfor the ").replace("e-mail", "e-mail  ")
    notes = f"{DISCLAIMER}\r\n\r\nKids: Sam, Lee\r\n\r\n  {rewrapped}  "
    assert dedupe(notes) == f"{DISCLAIMER}\r\n\r\nKids: Sam, Lee"


def test_separators_of_kept_paragraphs_stay_as_written() -> None:
    notes = "One\n\n\n\nTwo\r\n \r\nOne\n\nThree"
    assert dedupe(notes) == "One\n\n\n\nTwo\n\nThree"


def test_case_and_punctuation_make_paragraphs_different() -> None:
    for notes in ["Call back\n\ncall back", "Paid.\n\nPaid", "A\nB\n\nA\n\nB"]:
        values = {"notes": notes}
        assert dedupe_note_paragraphs(values, "US") is values


def test_repeated_lines_inside_one_paragraph_are_not_paragraphs() -> None:
    values = {"notes": "Tel 1\nTel 1\nTel 1"}
    assert dedupe_note_paragraphs(values, "US") is values


def test_notes_without_repeats_or_without_paragraphs_are_left_alone() -> None:
    for notes in ["", "Single paragraph", "A\n\nB\n\nC", "\n\n\n", "A\n\n\n\n"]:
        values = {"notes": notes}
        assert dedupe_note_paragraphs(values, "US") is values


_PARAGRAPHS = st.lists(
    st.sampled_from(["A", "B", " A ", "A\nB", "", " ", DISCLAIMER]) | st.text(max_size=10),
    max_size=8,
)


@given(_PARAGRAPHS, st.sampled_from(["\n\n", "\r\n\r\n", "\n \n", "\n\n\n"]))
def test_a_second_pass_changes_nothing(paragraphs: list[str], separator: str) -> None:
    once = dedupe_note_paragraphs({"notes": separator.join(paragraphs)}, "US")
    assert dedupe_note_paragraphs(once, "US") is once
    kept = [" ".join(p.split()) for p in str(once["notes"]).replace("\r", "\n").split("\n\n")]
    non_empty = [p for p in kept if p]
    assert len(non_empty) == len(set(non_empty))


@given(st.text())
def test_a_second_pass_over_any_text_changes_nothing(notes: str) -> None:
    once = dedupe_note_paragraphs({"notes": notes}, "US")
    assert dedupe_note_paragraphs(once, "US") is once
