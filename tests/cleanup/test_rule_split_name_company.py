"""split_name_company: `Dana Whitfield (Acme Corp)` -> name and organization, only where the
parenthesis is a company and the organization is free."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from calkeep.cleanup.rules.split_name_company import split_name_company
from tests.contact_strategies import stored_contacts


def names(display: str = "", given: str = "", family: str = "", **more: Any) -> dict[str, Any]:
    return {
        "display_name": display, "given_name": given, "middle_name": "", "family_name": family,
        "organization": "", **more,
    }  # fmt: skip


def test_the_company_moves_from_the_display_name_to_the_organization() -> None:
    result = split_name_company(names("Dana Whitfield (Acme Corp)", "Dana", "Whitfield"), "US")
    assert result == names("Dana Whitfield", "Dana", "Whitfield", organization="Acme Corp")


def test_display_and_family_name_are_cleaned_together() -> None:
    # Outlook CSV with the company typed into the last name: both columns carry it.
    contact = names("Dana Whitfield (Acme Corp)", "Dana", "Whitfield (Acme Corp)")
    assert split_name_company(contact, "US") == names(
        "Dana Whitfield", "Dana", "Whitfield", organization="Acme Corp"
    )


def test_a_given_name_holding_the_whole_name_is_cleaned() -> None:
    contact = names("", "Priya Raman (Globex GmbH)")
    assert split_name_company(contact, "US") == names("", "Priya Raman", organization="Globex GmbH")


def test_a_one_word_company_is_a_company_for_a_person() -> None:
    for company in ["Acme", "IBM", "Deloitte", "Siemens Healthineers", "Procter & Gamble"]:
        result = split_name_company(names(f"Dana Whitfield ({company})", "Dana", "Whitfield"), "US")
        assert (result["display_name"], result["organization"]) == ("Dana Whitfield", company)


def test_with_a_display_name_alone_only_a_clear_company_is_split() -> None:
    assert split_name_company(names("Dana Whitfield (Acme Corp)"), "US")["organization"] == (
        "Acme Corp"
    )
    assert split_name_company(names("Dana Whitfield (IBM)"), "US")["organization"] == "IBM"
    for display in ["Dana Whitfield (Acme)", "Acme Widgets (London)", "Acme Holdings (North)"]:
        contact = names(display)
        assert split_name_company(contact, "US") is contact, display


def test_parentheses_that_are_not_a_company_are_left_alone() -> None:
    for display in [
        "John Smith (Jr.)", "John Smith (III)", "Ana Lima (PhD)", "Sam Lee (she/her)",
        "Alex Kim (they/them)", "Robert Smith (Bob)", "William Ng (Bill)",
        "Katherine Ng (Kate)", "Alexander Ng (Alex)", "Ana Lima (home)", "Ana Lima (old)",
        "Ana Lima (2)", "Ana Lima (#3)", "Ana Lima (Mom)", "Ana Lima (née Souza)",
        "Ana Lima (Germany)", "Ana Lima (+1 201 555 0123)", "Ana Lima (ana@example.com)",
        "Ana Lima (do not call)", "Ana Lima (met at the fair)", "Ana Lima (Work)",
        "Ana Lima (ex-Acme)", "Ana Lima (formerly Acme Corp)", "Ana Lima ()",
    ]:  # fmt: skip
        contact = names(display, "Ana", "Lima")
        assert split_name_company(contact, "US") is contact, display


def test_a_parenthesis_inside_the_name_is_a_nickname() -> None:
    contact = names("Robert (Bob) Smith", "Robert", "Smith")
    assert split_name_company(contact, "US") is contact
    contact = names("Robert (Bob) Smith (Acme Corp)", "Robert", "Smith")
    assert split_name_company(contact, "US")["display_name"] == "Robert (Bob) Smith"


def test_an_organization_already_set_is_never_replaced() -> None:
    contact = names("Dana Whitfield (Acme Corp)", "Dana", "Whitfield", organization="Initech")
    assert split_name_company(contact, "US") is contact


def test_an_organization_that_already_says_the_same_company_cleans_the_name() -> None:
    contact = names("Dana Whitfield (ACME Corp)", "Dana", "Whitfield", organization="Acme Corp")
    result = split_name_company(contact, "US")
    assert (result["display_name"], result["organization"]) == ("Dana Whitfield", "Acme Corp")


def test_name_fields_that_disagree_are_left_alone() -> None:
    contact = names("Dana Whitfield (Acme Corp)", "Dana", "Whitfield (Initech)")
    assert split_name_company(contact, "US") is contact


def test_names_without_parentheses_are_left_alone() -> None:
    contact = names("Dana Whitfield", "Dana", "Whitfield")
    assert split_name_company(contact, "US") is contact


_NAME_TEXT = st.sampled_from(
    ["Dana Whitfield", "Dana", "(Acme Corp)", " (IBM)", "(Bob)", "(Jr.)", "(", ")", "Acme",
     "Robert (Bob) Smith", " ", "(she/her)", "(Acme) (Acme)"]
) | st.text(st.sampled_from("Aa (). /&-"), max_size=12)  # fmt: skip


@given(
    st.lists(_NAME_TEXT, max_size=3).map("".join),
    st.lists(_NAME_TEXT, max_size=2).map("".join),
    st.lists(_NAME_TEXT, max_size=2).map("".join),
    st.sampled_from(["", "Acme", "Acme Corp", "IBM"]),
)
def test_a_second_pass_changes_nothing(
    display: str, given_name: str, family: str, organization: str
) -> None:
    once = split_name_company(names(display, given_name, family, organization=organization), "US")
    assert split_name_company(once, "US") is once


@given(stored_contacts)
def test_a_second_pass_over_stored_contacts_changes_nothing(contact: dict) -> None:
    once = split_name_company(contact, "US")
    assert split_name_company(once, "US") is once
