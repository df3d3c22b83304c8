"""People → Duplicates pages, who may open them, and `calkeep duplicates`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from calkeep import cli
from calkeep.accounts.models import Workspace
from calkeep.bookings.models import FollowUpTask
from calkeep.contacts.actions import update_contact
from calkeep.contacts.models import Contact, Operation


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"duplicates:{name}", kwargs={"ws": "acme", **kwargs})


@pytest.fixture
def pair(admin: User, make_contact: Any) -> tuple[Contact, Contact]:
    older = make_contact(owner=admin, organization="", phones=[])
    newer = make_contact(
        owner=admin, organization="Acme Robotics", title="CTO",
        emails=[{"value": "Ana@Example.com", "label": "home", "primary": True}],
    )  # fmt: skip
    return older, newer


def slug(*contacts: Contact) -> str:
    return "-".join(str(c.pk) for c in contacts)


def test_list_shows_groups_with_reason_score_and_a_review_link(
    admin_client: Client, pair: tuple[Contact, Contact], make_contact: Any
) -> None:
    make_contact(given_name="Bo", family_name="Chen", emails=[], phones=[])
    page = admin_client.get(url("list"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "1 group to review" in text and "Same email" in text and "1.00" in text
    assert url("group", ids=slug(*pair)) in text
    assert "Bo Chen" not in text


def test_list_pages_through_many_groups(admin: User, admin_client: Client, workspace: Workspace,
                                        make_contact: Any) -> None:  # fmt: skip
    for n in range(30):
        for _ in range(2):
            emails = [{"value": f"p{n}@example.com", "label": "", "primary": True}]
            make_contact(owner=admin, given_name=f"P{n}", phones=[], emails=emails)
    first = admin_client.get(url("list")).content.decode()
    second = admin_client.get(url("list") + "?page=2").content.decode()
    assert first.count('data-group="') == 25 and second.count('data-group="') == 5
    assert "Page 1 of 2" in first


def test_group_page_shows_the_contacts_side_by_side_with_choices(
    admin_client: Client, pair: tuple[Contact, Contact]
) -> None:
    older, newer = pair
    text = admin_client.get(url("group", ids=slug(newer, older))).content.decode()
    assert text.index(f'data-contact="{older.pk}"') < text.index(f'data-contact="{newer.pk}"')
    assert "oldest: kept" in text
    assert f'name="pick_organization" value="{newer.pk}" checked' in text
    assert f'name="pick_given_name" value="{older.pk}" checked' in text
    assert f'name="keep_emails" value="{newer.pk}:0" checked' in text


def test_merging_from_the_page_keeps_the_picks_and_unmerging_restores(
    admin_client: Client, pair: tuple[Contact, Contact], workspace: Workspace
) -> None:
    older, newer = pair
    FollowUpTask.objects.create(workspace=workspace, contact=newer, title="Send deck")
    response = admin_client.post(url("group", ids=slug(older, newer)), {
        "include": [older.pk, newer.pk], f"version_{older.pk}": 1, f"version_{newer.pk}": 1,
        "pick_organization": older.pk, "pick_title": newer.pk,
        "keep_emails": [f"{newer.pk}:0"], "keep_phones": [f"{older.pk}:0"],
    })  # fmt: skip
    operation = Operation.objects.get(kind="merge")
    assert response.status_code == 302
    assert response["Location"] == url("merge", operation_id=operation.pk)
    survivor = Contact.objects.get()
    assert survivor.pk == older.pk
    assert survivor.organization == "" and survivor.title == "CTO"
    assert [e["value"] for e in survivor.emails] == ["Ana@Example.com"]
    assert survivor.tasks.get().title == "Send deck"

    text = admin_client.get(url("merge", operation_id=operation.pk)).content.decode()
    assert "Merged 1 contact into Ana Lima" in text and "1 link moved" in text

    admin_client.post(url("unmerge", operation_id=operation.pk))
    assert Contact.objects.count() == 2
    assert FollowUpTask.objects.get().contact_id == newer.pk
    assert (
        "This merge was undone"
        in admin_client.get(url("merge", operation_id=operation.pk)).content.decode()
    )


def test_excluding_a_contact_leaves_it_out_of_the_merge(
    admin_client: Client, pair: tuple[Contact, Contact], make_contact: Any, admin: User
) -> None:
    older, newer = pair
    third = make_contact(owner=admin)
    admin_client.post(url("group", ids=slug(older, newer, third)), {
        "include": [older.pk, third.pk]
    })  # fmt: skip
    assert set(Contact.objects.values_list("pk", flat=True)) == {older.pk, newer.pk}


def test_a_stale_page_does_not_merge(admin_client: Client, pair: tuple[Contact, Contact]) -> None:
    older, newer = pair
    update_contact(newer, {"title": "CEO"})
    response = admin_client.post(url("group", ids=slug(older, newer)), {
        "include": [older.pk, newer.pk], f"version_{older.pk}": 1, f"version_{newer.pk}": 1,
    })  # fmt: skip
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert Contact.objects.count() == 2


def test_unmerge_page_asks_when_the_survivor_was_edited(
    admin_client: Client, pair: tuple[Contact, Contact]
) -> None:
    older, newer = pair
    admin_client.post(url("group", ids=slug(older, newer)), {"include": [older.pk, newer.pk]})
    operation = Operation.objects.get(kind="merge")
    update_contact(Contact.objects.get(pk=older.pk), {"notes": "Called on Monday"})

    page = admin_client.post(url("unmerge", operation_id=operation.pk), follow=True)
    text = page.content.decode()
    assert "was edited after the merge" in text and "Called on Monday" in text
    assert Contact.objects.count() == 1

    admin_client.post(url("unmerge", operation_id=operation.pk), {"decision": "keep"})
    assert Contact.objects.count() == 2
    assert Contact.objects.get(pk=older.pk).notes == "Called on Monday"


def test_a_merged_group_link_goes_back_to_the_list(
    admin_client: Client, admin: User, pair: tuple[Contact, Contact]
) -> None:
    from calkeep.cleanup.merging import merge_contacts

    older, newer = pair
    ids = slug(older, newer)
    merge_contacts(older.workspace, [older.pk, newer.pk], admin)
    response = admin_client.get(url("group", ids=ids))
    assert response.status_code == 302 and response["Location"] == url("list")
    assert admin_client.get(url("group", ids="1-x")).status_code == 404


def test_members_and_outsiders_get_404(
    member_client: Client, outsider_client: Client, admin_client: Client,
    pair: tuple[Contact, Contact],
) -> None:  # fmt: skip
    older, newer = pair
    admin_client.post(url("group", ids=slug(older, newer)), {"include": [older.pk, newer.pk]})
    operation = Operation.objects.get(kind="merge")
    pages = [url("list"), url("group", ids=slug(older, newer)),
             url("merge", operation_id=operation.pk)]  # fmt: skip
    for client in (member_client, outsider_client):
        for page in pages:
            assert client.get(page).status_code == 404
        assert client.post(url("unmerge", operation_id=operation.pk)).status_code == 404
    assert Contact.objects.count() == 1
    assert "Duplicates" not in member_client.get("/w/acme/people/").content.decode()
    assert "Duplicates" in admin_client.get("/w/acme/people/").content.decode()


def test_another_workspace_s_merge_answers_404(
    outsider: User, admin_client: Client, other_workspace: Workspace
) -> None:
    foreign = Operation.objects.create(workspace=other_workspace, kind="merge", label="x")
    assert admin_client.get(url("merge", operation_id=foreign.pk)).status_code == 404


# -- the command ------------------------------------------------------------------------
def test_cli_prints_the_contract(
    capsys: pytest.CaptureFixture[str], admin: User, pair: tuple[Contact, Contact],
    make_contact: Any,
) -> None:  # fmt: skip
    older, newer = pair
    shared = [{"raw": "+44 20 7946 0000", "e164": "+442079460000", "label": "", "extension": ""}]
    bo = make_contact(given_name="Bo", family_name="Chen", emails=[], phones=shared)
    desk = make_contact(given_name="Front", family_name="Desk", emails=[], phones=shared)

    assert cli.main(["duplicates", "--workspace", "acme", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)

    assert list(document) == ["groups"]
    groups = document["groups"]
    assert groups[0] == {"contact_ids": [older.pk, newer.pk], "reason": "email", "score": 1.0}
    assert groups[1]["contact_ids"] == [bo.pk, desk.pk] and groups[1]["reason"] == "phone"
    assert 0.0 <= groups[1]["score"] <= 1.0
    for group in groups:
        assert set(group) == {"contact_ids", "reason", "score"}


def test_cli_unknown_workspace(capsys: pytest.CaptureFixture[str], db: Any) -> None:
    assert cli.main(["duplicates", "--workspace", "nope", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "not_found"


def test_a_group_with_another_workspaces_contact_answers_404(
    admin_client: Client, pair: tuple[Contact, Contact], make_contact: Any,
    other_workspace: Workspace,
) -> None:  # fmt: skip
    older, _ = pair
    foreign = make_contact(ws=other_workspace, given_name="Olga")
    assert admin_client.get(url("group", ids=f"{older.pk}-{foreign.pk}")).status_code == 404
    assert admin_client.get(url("group", ids=f"{older.pk}-999999")).status_code == 404
