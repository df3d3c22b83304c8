"""Export: only what the member may see, streamed from the page and `calkeep export`, and a
round trip through the real import that gives the same file back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone

from calkeep import cli
from calkeep.accounts.models import Membership, Plan, Role, Workspace
from calkeep.contacts.models import Contact
from calkeep.transfers import export
from calkeep.transfers.actions import ImportOptions, dry_run, write_plan
from calkeep.transfers.export import export_contacts, group_counts

FORMATS = [("csv", "4.0"), ("vcard", "4.0"), ("vcard", "3.0")]

RICH = {
    "display_name": "", "prefix": "Dr.", "given_name": "Ann", "middle_name": "B.",
    "family_name": "O'Lee", "suffix": "PhD", "organization": "=Lee & Co, Inc.",
    "department": "R&D; Labs", "title": "CTO", "birthday": "--02-29",
    "notes": 'Line one\nLine two, "quoted"\n- a list item', "tags": ["VIP", "*pinned"],
    "urls": ["https://lee.example/a,b"],
    "emails": [
        {"value": "ann@lee.example", "label": "work", "primary": False},
        {"value": "ann@home.example", "label": "Private inbox", "primary": True},
    ],
    "phones": [
        {"raw": "+1 (202) 555-0123", "e164": "+12025550123", "label": "business",
         "extension": "45"},
        {"raw": "202-555-0111 x9", "e164": "+12025550111", "label": "Home Fax",
         "extension": "9"},
        {"raw": "call the office", "e164": None, "label": "", "extension": ""},
    ],
    "addresses": [
        {"label": "Summer house", "street": "1 Shore Rd\nBack door", "extended": "Unit 4",
         "city": "Bar Harbor", "region": "ME", "postcode": "04609", "country": "US"},
    ],
}  # fmt: skip


def membership(user: User, workspace: Workspace) -> Membership:
    return Membership.objects.select_related("workspace", "user").get(
        user=user, workspace=workspace
    )


def exported(viewer: Membership, format: str = "csv", version: str = "4.0") -> bytes:
    return b"".join(export_contacts(viewer, format, version))


def empty_workspace(slug: str = "restore") -> Membership:
    workspace = Workspace.objects.create(
        slug=slug, name="Restore", plan=Plan.BUSINESS, default_region="US", time_zone="UTC"
    )
    user = User.objects.create_user(username=f"admin@{slug}.test", password="x")
    return Membership.objects.create(workspace=workspace, user=user, role=Role.ADMIN)


def import_file(viewer: Membership, data: bytes, strategy: str = "overwrite") -> dict[str, int]:
    """The real import, as the page's commit runs it: dry run, then write what it says."""
    plan = dry_run(viewer, data, ImportOptions(strategy=strategy))
    write_plan(viewer, plan, label="Import of the export")
    return plan.summary()


def stored_values(viewer: Membership) -> list[dict[str, Any]]:
    return [c.editable_values() for c in Contact.objects.visible_to(viewer).order_by("pk")]


@pytest.fixture
def admin_member(admin: User, workspace: Workspace) -> Membership:
    return membership(admin, workspace)


@pytest.fixture
def contacts(make_contact: Any, admin: User, member: User, outsider: User) -> dict[str, Any]:
    return {
        "admin": make_contact(owner=admin, **RICH),
        "member": make_contact(
            owner=member,
            given_name="Max",
            family_name="Member",
            emails=[{"value": "max@example.com", "label": "", "primary": True}],
        ),
        "unowned": make_contact(owner=None, given_name="Nobody", emails=[], phones=[]),
        "outsider": make_contact(
            owner=outsider, ws=outsider.memberships.get().workspace, given_name="Olga"
        ),
    }


# --- what is exported -----------------------------------------------------------------------


def test_an_admin_exports_every_contact_of_the_workspace_in_id_order(
    admin_member: Membership, contacts: dict[str, Any]
) -> None:
    text = exported(admin_member).decode("utf-8-sig")
    rows = text.split("\r\n")
    assert rows[0].startswith("Name,Name Prefix,First Name,")
    assert "Max" in text and "Nobody" in text and "Olga" not in text
    assert text.index("O'Lee") < text.index("Member") < text.index("Nobody")


def test_a_member_exports_only_their_own_contacts(
    member: User, workspace: Workspace, contacts: dict[str, Any]
) -> None:
    text = exported(membership(member, workspace), "vcard").decode()
    assert text.count("BEGIN:VCARD") == 1
    assert "N:Member;Max;;;" in text


def test_an_unknown_format_or_version_is_refused_before_reading(
    admin_member: Membership,
) -> None:
    with pytest.raises(ValueError, match="csv or vcard"):
        export_contacts(admin_member, "xlsx")
    with pytest.raises(ValueError, match=r"4\.0 or 3\.0"):
        export_contacts(admin_member, "vcard", "2.1")


def test_csv_groups_are_counted_by_the_database(
    admin_member: Membership, contacts: dict[str, Any]
) -> None:
    counts = group_counts(export.exported_contacts(admin_member))
    assert (counts.emails, counts.phones, counts.addresses, counts.urls) == (2, 3, 1, 1)
    header = exported(admin_member).decode("utf-8-sig").split("\r\n")[0]
    assert "E-mail 2 - Value" in header and "Phone 3 - Extension" in header
    assert "E-mail 3 - Value" not in header


def test_an_empty_export_is_a_header_or_nothing(admin_member: Membership) -> None:
    assert exported(admin_member).decode("utf-8-sig").startswith("Name,")
    assert exported(admin_member, "vcard") == b""


def test_large_exports_stream_in_chunks(
    admin_member: Membership, make_contact: Any, admin: User, monkeypatch: Any
) -> None:
    for number in range(5):
        make_contact(owner=admin, given_name=f"N{number}", emails=[], phones=[])
    monkeypatch.setattr(export, "CONTACTS_PER_CHUNK", 2)
    assert len(list(export_contacts(admin_member, "vcard"))) == 3
    assert len(list(export_contacts(admin_member, "csv"))) == 1 + 3  # header, then rows


@pytest.mark.django_db(transaction=True)
def test_csv_reads_counts_and_rows_in_one_snapshot_outside_a_transaction(
    admin: User, workspace: Workspace, make_contact: Any
) -> None:
    # Not inside the test's transaction: PostgreSQL takes the REPEATABLE READ path.
    make_contact(owner=admin, given_name="Solo")
    text = exported(membership(admin, workspace)).decode("utf-8-sig")
    assert text.split("\r\n")[1].startswith("Solo Lima,,Solo,")


# --- the round trip -------------------------------------------------------------------------


@pytest.mark.parametrize(("format", "version"), FORMATS)
def test_export_import_export_gives_the_same_file_and_the_same_contacts(
    admin_member: Membership, contacts: dict[str, Any], format: str, version: str
) -> None:
    first = exported(admin_member, format, version)
    restored = empty_workspace()
    summary = import_file(restored, first)
    assert summary == {"create": 3, "update": 0, "skip": 0, "error": 0}
    assert exported(restored, format, version) == first
    assert stored_values(restored) == stored_values(admin_member)


@pytest.mark.parametrize(("format", "version"), FORMATS)
def test_importing_the_export_over_the_same_workspace_changes_nothing(
    admin_member: Membership, admin: User, make_contact: Any, format: str, version: str
) -> None:
    make_contact(owner=admin, **RICH)
    make_contact(
        owner=admin, given_name="Bo",
        emails=[{"value": "bo@example.com", "label": "home", "primary": True}],
    )  # fmt: skip
    make_contact(owner=admin, given_name="Cy", organization="", emails=[])  # a phone only
    before = stored_values(admin_member)
    versions = list(Contact.objects.values_list("version", flat=True))
    summary = import_file(admin_member, exported(admin_member, format, version))
    assert summary == {"create": 0, "update": 0, "skip": 3, "error": 0}
    assert stored_values(admin_member) == before
    assert list(Contact.objects.values_list("version", flat=True)) == versions


# --- the page -------------------------------------------------------------------------------


def test_the_page_says_how_many_contacts_the_export_holds(
    admin_client: Client, member_client: Client, contacts: dict[str, Any]
) -> None:
    page = admin_client.get("/w/acme/people/export/")
    assert page.status_code == 200
    assert "all 3 contacts you can see" in page.content.decode()
    assert 'value="vcard-3.0"' in page.content.decode()
    mine = member_client.get("/w/acme/people/export/").content.decode()
    assert "the one contact you can see" in mine and "(your own contacts)" in mine


def test_the_page_counts_with_thousands_separators(admin_client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr("calkeep.transfers.export_views.count_exported", lambda m: 1234)
    assert "all 1,234 contacts you can see" in admin_client.get(
        "/w/acme/people/export/"
    ).content.decode("utf-8")


def test_the_page_without_contacts_offers_an_import_instead(admin_client: Client) -> None:
    page = admin_client.get("/w/acme/people/export/").content.decode()
    assert "nothing to export" in page and "Download" not in page


def test_the_download_is_a_streamed_attachment_named_by_the_workspace_date(
    admin_client: Client, contacts: dict[str, Any], monkeypatch: Any
) -> None:
    # 03:00 UTC on 1 March is still 28 February in acme's New York.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 1, 3, 0, tzinfo=UTC))
    response = admin_client.get("/w/acme/people/export/download/", {"kind": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="calkeep-contacts-2026-02-28.csv"'
    )
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)  # type: ignore[arg-type]
    assert body.startswith(b"\xef\xbb\xbfName,") and b"Nobody" in body


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_the_vcard_download_has_the_chosen_version(
    admin_client: Client, contacts: dict[str, Any], version: str
) -> None:
    response = admin_client.get("/w/acme/people/export/download/", {"kind": f"vcard-{version}"})
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"].endswith('.vcf"')
    body = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    assert body.count(f"VERSION:{version}\r\n") == 3


def test_a_member_downloads_only_their_own_contacts(
    member_client: Client, contacts: dict[str, Any]
) -> None:
    response = member_client.get("/w/acme/people/export/download/", {"kind": "vcard-4.0"})
    body = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    assert body.count("BEGIN:VCARD") == 1 and "Max" in body and "Ann" not in body


def test_an_unknown_kind_shows_the_page_with_an_error(
    admin_client: Client, contacts: dict[str, Any]
) -> None:
    response = admin_client.get("/w/acme/people/export/download/", {"kind": "xlsx"})
    assert response.status_code == 400
    assert "Choose CSV, vCard 4.0 or vCard 3.0." in response.content.decode()


@pytest.mark.parametrize("url", ["/w/acme/people/export/", "/w/acme/people/export/download/"])
def test_outsiders_and_strangers_get_404_or_the_login(
    outsider_client: Client, url: str, contacts: dict[str, Any]
) -> None:
    assert outsider_client.get(url, {"kind": "csv"}).status_code == 404
    assert Client().get(url).status_code == 302


# --- the command ----------------------------------------------------------------------------


def test_the_command_writes_the_export_to_a_file(
    admin_member: Membership, contacts: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    target = tmp_path / "out.vcf"
    status = cli.main(["export", "--workspace", "acme", "--format", "vcard", "-o", str(target)])
    assert status == cli.EXIT_OK
    assert target.read_bytes() == exported(admin_member, "vcard", "4.0")
    assert "Exported 3 contacts to" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == [target]  # no partial file left beside it


def test_the_command_writes_csv_bytes_to_stdout_as_a_member(
    member: User, workspace: Workspace, contacts: dict[str, Any], capsysbinary: Any
) -> None:
    args = ["export", "--workspace", "acme", "--format", "csv", "--user", "max@acme.test"]
    assert cli.main(args) == cli.EXIT_OK
    assert capsysbinary.readouterr().out == exported(membership(member, workspace))


def test_the_command_writes_vcard_30_on_request(
    admin_member: Membership, contacts: dict[str, Any], tmp_path: Path
) -> None:
    target = tmp_path / "out.vcf"
    args = ["export", "--workspace", "acme", "--format", "vcard", "--version", "3.0"]
    assert cli.main([*args, "-o", str(target)]) == cli.EXIT_OK
    assert target.read_bytes() == exported(admin_member, "vcard", "3.0")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--workspace", "nope"], "no workspace 'nope'"),
     (["--workspace", "acme", "--user", "olga@globex.test"], "is not a member"),
     (["--workspace", "acme", "--version", "3.0"], "--version applies to --format vcard")],
)  # fmt: skip
def test_the_command_refuses_unknown_workspaces_and_users_with_status_2(
    admin: User, outsider: User, args: list[str], message: str, tmp_path: Path, capsys: Any
) -> None:
    target = tmp_path / "out.csv"
    status = cli.main(["export", "--format", "csv", *args, "-o", str(target)])
    assert status == cli.EXIT_UNREADABLE
    assert message in capsys.readouterr().err
    assert not target.exists()


def test_the_command_reports_a_path_it_cannot_write(
    admin: User, tmp_path: Path, capsys: Any
) -> None:
    target = tmp_path / "missing-folder" / "out.csv"
    status = cli.main(["export", "--workspace", "acme", "--format", "csv", "-o", str(target)])
    assert status == cli.EXIT_UNREADABLE
    assert "cannot write" in capsys.readouterr().err
