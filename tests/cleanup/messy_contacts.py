"""Contacts each of the five rules has something to do with, for the engine, job, page and
CLI tests (built through create_contact, as the contact form would store them)."""

from __future__ import annotations

from typing import Any

from calkeep.accounts.models import Workspace
from calkeep.contacts.actions import create_contact
from calkeep.contacts.models import Contact


def phone(raw: str, label: str = "", e164: str | None = None, ext: str = "") -> dict[str, Any]:
    return {"raw": raw, "e164": e164, "label": label, "extension": ext}


def plain(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "given_name": "Ana", "family_name": "Lima", "organization": "Acme",
        "emails": [{"value": "ana@example.com", "label": "work", "primary": True}],
        "phones": [phone("(201) 555-0123", "mobile", "+12015550123")],
    }  # fmt: skip
    base.update(values)
    return base


MESSY: dict[str, dict[str, Any]] = {
    "strip_outlook_boilerplate": plain(
        given_name="Olga", notes="Prefers email.\r\n\r\n.\r\n\r\n.\r\n\r\n.\r\n"
    ),
    "dedupe_note_paragraphs": plain(
        given_name="Paul", notes="Renewal in March.\n\nSent from my iPhone\n\nSent from my iPhone"
    ),
    "split_name_company": plain(
        display_name="Dana Whitfield (Globex Corp)", given_name="Dana", family_name="Whitfield",
        organization="",
    ),
    "dedupe_phone_variants": plain(
        given_name="Vic",
        phones=[
            phone("1-201-555-0188", "", "+12015550188"),
            phone("+12015550188", "other", "+12015550188"),
            phone("(201) 555-0188", "mobile", "+12015550188"),
        ],
    ),
    "relabel_phones": plain(
        given_name="Lou", organization="",
        phones=[phone("+44 7911 123456", "home", "+447911123456")],
    ),
}  # fmt: skip


def make_messy(workspace: Workspace, owner: Any = None) -> dict[str, Contact]:
    """One contact per rule, plus one that no rule changes (key "clean")."""
    made = {rule: create_contact(workspace, owner, values) for rule, values in MESSY.items()}
    made["clean"] = create_contact(workspace, owner, plain(given_name="Cleo"))
    return made
