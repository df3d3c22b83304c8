"""The pure duplicate finder: who is grouped, why, and who never is."""

from __future__ import annotations

from typing import Any

from calkeep.cleanup.duplicate_similarity import jaro_winkler, one_edit_apart, soundex
from calkeep.cleanup.duplicates import (
    DuplicateGroup,
    candidate_pairs,
    email_local_parts,
    find_duplicate_groups,
    match_record,
    organization_key,
)


def person(contact_id: int, given: str, family: str, **values: Any) -> Any:
    emails = [{"value": e} for e in values.pop("emails", [])]
    phones = [{"raw": p, "e164": p} for p in values.pop("phones", [])]
    address = {k: values.pop(k) for k in ("street", "city", "postcode") if k in values}
    return match_record(contact_id, contact_id, {
        "given_name": given, "family_name": family, "emails": emails, "phones": phones,
        "addresses": [address] if address else [], **values,
    })  # fmt: skip


def groups_of(*records: Any) -> list[DuplicateGroup]:
    return find_duplicate_groups(list(records))


def test_jaro_winkler_matches_the_published_examples() -> None:
    assert round(jaro_winkler("martha", "marhta"), 3) == 0.961
    assert round(jaro_winkler("dwayne", "duane"), 2) == 0.84
    assert round(jaro_winkler("dixon", "dicksonx"), 3) == 0.813
    assert jaro_winkler("", "") == 0.0 and jaro_winkler("ana", "ana") == 1.0
    assert jaro_winkler("abc", "xyz") == 0.0


def test_soundex_and_slips() -> None:
    assert soundex("robert") == soundex("rupert") == "r163"
    assert soundex("hannagan") == soundex("hanagan")
    assert soundex("") == ""
    assert one_edit_apart("2257", "2275") and one_edit_apart("2257", "2251")
    assert not one_edit_apart("2257", "2257") and not one_edit_apart("2257", "3368")


def test_a_shared_email_is_the_same_person_whatever_the_names() -> None:
    groups = groups_of(
        person(1, "Ana", "Lima", emails=["Ana@Example.com"]),
        person(2, "A.", "Lima-Souza", emails=["ana@example.com "]),
        person(3, "Bo", "Chen", emails=["bo@example.com"]),
    )
    assert groups == [DuplicateGroup([1, 2], "email", 1.0)]


def test_a_shared_phone_alone_is_a_candidate() -> None:
    groups = groups_of(
        person(1, "Ana", "Lima", phones=["+12015550123"]),
        person(2, "Office", "Front desk", phones=["+12015550123"]),
    )
    assert [(g.contact_ids, g.reason) for g in groups] == [([1, 2], "phone")]
    assert 0.0 < groups[0].score < 1.0


def test_a_switchboard_number_on_many_contacts_does_not_make_one_group() -> None:
    names = ["Ana Lima", "Bo Chen", "Chidi Okafor", "Dana Kim", "Elif Yilmaz", "Farah Haddad",
             "Giulia Rossi", "Hiro Nakamura", "Ines Silva", "Jonas Muller", "Kemal Aydin",
             "Lena Ivanova", "Mateo Garcia", "Nadia Patel"]  # fmt: skip
    staff = [person(i, *name.split(), phones=["+12015550100"]) for i, name in enumerate(names, 1)]
    assert groups_of(*staff) == []


def test_the_same_name_alone_never_groups_two_people() -> None:
    groups = groups_of(
        person(1, "John", "Smith", emails=["john@one.example"], organization="Acme"),
        person(2, "John", "Smith", emails=["jsmith@two.example"], organization="Globex"),
        person(3, "Ana", "Lima"),
        person(4, "Ana", "Lima"),
        person(5, "María", "García", city="Madrid"),
        person(6, "Maria", "Garcia", city="Buenos Aires"),
    )
    assert groups == []


def test_a_similar_name_with_the_same_company_is_a_candidate() -> None:
    groups = groups_of(
        person(1, "Katherine", "Okafor", organization="Initech Inc."),
        person(2, "Katherine", "Okafr", organization="Initech"),
        person(3, "Bruno", "Rossi", organization="Initech"),
    )
    assert [(g.contact_ids, g.reason) for g in groups] == [([1, 2], "name+company")]


def test_name_typos_with_city_birthday_or_email_local_part() -> None:
    groups = groups_of(
        person(1, "Mikhayla", "Hannagan", city="Penshurst"),
        person(2, "Mikhayla", "Hanagan", city="Penshurst"),
        person(3, "Barnaby", "Siggins", birthday="1998-10-21"),
        person(4, "Barnayb", "Siggins", birthday="1998-10-21"),
        person(5, "Łukasz", "Kowalski", emails=["lukasz.kowalski@work.example"]),
        person(6, "Lukasz", "Kowalsky", emails=["lukasz.kowalski@home.example"]),
    )
    found = {tuple(g.contact_ids): g.reason for g in groups}
    assert found == {(1, 2): "name+city", (3, 4): "name+birthday", (5, 6): "name+email"}


def test_swapped_given_and_family_names_still_match() -> None:
    groups = groups_of(
        person(1, "Hannagan", "Mikhayla", birthday="1977-05-01", postcode="2257"),
        person(2, "Mikhayla", "Hannagan", birthday="1977-05-01", postcode="2257"),
    )
    assert [g.contact_ids for g in groups] == [[1, 2]]


def test_a_common_name_in_a_big_book_needs_more_than_a_shared_city() -> None:
    book = [person(i, "John", "Smith", city="New York") for i in range(1, 3)]
    book += [person(i, f"Given{i}", "Smith", city="New York") for i in range(3, 200)]
    book += [person(i, "John", f"Family{i}", city="New York") for i in range(200, 400)]
    assert [g.contact_ids for g in groups_of(*book) if 1 in g.contact_ids] == []


def test_groups_are_oldest_first_and_chain_through_union_find() -> None:
    groups = groups_of(
        match_record(30, 3, {"given_name": "Ana", "emails": [{"value": "a@x.example"}]}),
        match_record(10, 1, {"given_name": "Ana", "emails": [{"value": "a@x.example"},
                                                             {"value": "b@x.example"}]}),
        match_record(20, 2, {"given_name": "Ana", "emails": [{"value": "b@x.example"}]}),
    )  # fmt: skip
    assert groups == [DuplicateGroup([10, 20, 30], "email", 1.0)]


def test_a_group_reports_its_weakest_link() -> None:
    groups = groups_of(
        person(1, "Ana", "Lima", emails=["ana@x.example"]),
        person(2, "Ana", "Lima", emails=["ana@x.example"], phones=["+12015550123"]),
        person(3, "Front", "Desk", phones=["+12015550123"]),
    )
    assert len(groups) == 1 and groups[0].contact_ids == [1, 2, 3]
    assert groups[0].reason == "phone" and groups[0].score < 1.0


def test_blocking_keeps_the_comparisons_far_below_all_pairs() -> None:
    book = [person(i, f"G{i % 50}", f"Family{i}", city=f"City{i % 20}") for i in range(2000)]
    assert len(candidate_pairs(book)) < 2000 * 20


def test_record_helpers() -> None:
    assert email_local_parts(["ana.lima+news@x.example", "info@x.example", "al@x.example"]) == (
        "analima",
    )
    assert organization_key("Initech, Inc.") == "initech"
    record = match_record(1, 1, {"display_name": "Ana Maria Lima"})
    assert (record.given, record.family) == ("ana", "maria lima")
    assert match_record(2, 2, {"display_name": "ana@example.com"}).given == ""


def test_as_json_is_the_cli_contract() -> None:
    assert DuplicateGroup([1, 2], "email", 1.0).as_json() == {
        "contact_ids": [1, 2], "reason": "email", "score": 1.0,
    }  # fmt: skip
