"""The contact. Emails, phones, addresses, urls and tags are stored as JSON lists on the row
(the shape of PRODUCT.md's contract), so a change record can snapshot and restore a contact
whole. What matching and filtering need fast (normalized emails, E.164 numbers, tags) is
copied into ContactKey rows, indexed per workspace, by `Contact.refresh_derived` + actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models

from calkeep.accounts.models import Membership, Workspace
from calkeep.formats.draft import CONTACT_FIELDS, derive_display_name
from calkeep.formats.phones import phone_digits_variants
from calkeep.lib.text import fold_for_search

EDITABLE_FIELDS = CONTACT_FIELDS


# Names, organizations and titles repeat across a workspace's contacts (an import's tens of
# thousands): each is folded once. Folding text joined by spaces gives the folded parts
# joined by spaces (tests/contacts/test_derived.py), so parts can be folded apart.
_fold_name = lru_cache(maxsize=1 << 14)(fold_for_search)


def search_text_of(values: Mapping[str, Any]) -> str:
    """The derived search text of a contact's editable values (every field present):
    folded names, emails and organization, and the digit strings of each number."""
    names = (
        values["display_name"], values["given_name"], values["middle_name"],
        values["family_name"], values["organization"], values["department"], values["title"],
    )  # fmt: skip
    folded = [_fold_name(p) for p in names if p]
    folded += [fold_for_search(str(e.get("value", ""))) for e in values["emails"]]
    words = " ".join(f for f in folded if f)
    digits = " ".join(
        v for p in values["phones"] for v in phone_digits_variants(p.get("raw", ""), p.get("e164"))
    )
    return f"{words} {digits}".strip()


def key_values_of(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(kind, value) of each ContactKey row a contact with these editable values should
    have, sorted."""
    from calkeep.formats.emails import normalize_email

    keys: set[tuple[str, str]] = set()
    for email in values["emails"]:
        normalized = normalize_email(str(email.get("value", "")))
        if normalized:
            keys.add((ContactKey.EMAIL, normalized[:320]))
    for phone in values["phones"]:
        if phone.get("e164"):
            keys.add((ContactKey.PHONE, str(phone["e164"])))
    for tag in values["tags"]:
        if str(tag).strip():
            keys.add((ContactKey.TAG, str(tag).strip().casefold()[:320]))
    return sorted(keys)


class Source(models.TextChoices):
    MANUAL = "manual", "Manual"
    BOOKING = "booking", "Booking"
    IMPORT = "import", "Import"
    GOOGLE = "provider:google", "Google"
    MICROSOFT = "provider:microsoft", "Microsoft"
    CARDDAV = "provider:carddav", "CardDAV"
    API = "api", "API"


class ContactQuerySet(models.QuerySet["Contact"]):
    def visible_to(self, membership: Membership) -> ContactQuerySet:
        """Contacts this member may see: everything for admins, their own for members.
        Sharing adds the contacts shared with the member here."""
        qs = self.filter(workspace_id=membership.workspace_id)
        if membership.is_admin:
            return qs
        return qs.filter(owner_id=membership.user_id)

    def search(self, query: str, region: str) -> ContactQuerySet:
        """Name, email, organization or phone, the phone in any format."""
        from calkeep.contacts.search import search_filter

        condition = search_filter(query, region)
        return self.filter(condition) if condition is not None else self

    def with_tag(self, tag: str) -> ContactQuerySet:
        return self.filter(keys__kind=ContactKey.TAG, keys__value=tag.strip().casefold())


class Contact(models.Model):
    # No index of its own: each of the Meta indexes below begins with the workspace, and
    # serves every lookup by workspace alone (an import writes one index fewer per contact).
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="contacts", db_index=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=32, choices=Source.choices, default=Source.MANUAL)

    display_name = models.CharField(max_length=500, blank=True)
    prefix = models.CharField(max_length=100, blank=True)
    given_name = models.CharField(max_length=255, blank=True)
    middle_name = models.CharField(max_length=255, blank=True)
    family_name = models.CharField(max_length=255, blank=True)
    suffix = models.CharField(max_length=100, blank=True)
    organization = models.CharField(max_length=500, blank=True)
    department = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=500, blank=True)
    # "YYYY-MM-DD", or "--MM-DD" when the year is unknown (vCard 4.0 / ISO 8601 reduced form).
    birthday = models.CharField(max_length=10, blank=True)
    notes = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    urls = models.JSONField(default=list, blank=True)
    emails = models.JSONField(default=list, blank=True)
    phones = models.JSONField(default=list, blank=True)
    addresses = models.JSONField(default=list, blank=True)

    # Derived: folded names, emails, organization and phone digits, for one LIKE per search.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ContactQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "display_name"]),
            models.Index(fields=["workspace", "owner"]),
            models.Index(fields=["workspace", "updated_at"]),
        ]

    def __str__(self) -> str:
        return self.display_name or f"Contact {self.pk}"

    # -- derived values -------------------------------------------------------------
    def derived_display_name(self) -> str:
        return derive_display_name(
            self.given_name,
            self.family_name,
            self.organization,
            [str(e.get("value", "")) for e in self.emails],
        )

    @property
    def name(self) -> str:
        return self.display_name or self.derived_display_name() or "(no name)"

    def refresh_derived(self) -> None:
        self.search_text = search_text_of(self.editable_values())

    def key_values(self) -> list[tuple[str, str]]:
        """(kind, value) of each ContactKey row this contact should have, sorted."""
        return key_values_of(self.editable_values())

    def key_rows(self) -> list[ContactKey]:
        return [
            ContactKey(workspace_id=self.workspace_id, contact_id=self.pk, kind=k, value=v)
            for k, v in self.key_values()
        ]

    def editable_values(self) -> dict[str, Any]:
        """The fields a user edits, as plain JSON-able values (change records snapshot this)."""
        return {f: getattr(self, f) for f in EDITABLE_FIELDS}

    def primary_email(self) -> str:
        for email in self.emails:
            if email.get("primary"):
                return str(email.get("value", ""))
        return str(self.emails[0].get("value", "")) if self.emails else ""

    def invalid_phones(self) -> list[dict[str, Any]]:
        return [p for p in self.phones if p.get("raw") and not p.get("e164")]


class ContactKey(models.Model):
    """An indexed copy of a matching value: normalized email, E.164 number or folded tag."""

    EMAIL = "email"
    PHONE = "phone"
    TAG = "tag"
    KINDS = [(EMAIL, "email"), (PHONE, "phone"), (TAG, "tag")]

    # Always the contact's own workspace (written from it; contacts never move), so the
    # database checks no constraint of its own here: the contact's already guarantees it,
    # and an import's 170,000 keys made 170,000 more checks at COMMIT on PostgreSQL. The
    # column stays for the (workspace, kind, value) lookups; deleting a workspace still
    # deletes its keys (on_delete runs in Django). Neither foreign key has an index of its
    # own: the (workspace, kind, value) index and the (contact, kind, value) constraint's
    # begin with them and serve every lookup by either alone, so an import writes two
    # index entries fewer per key.
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="keys", db_index=False
    )
    kind = models.CharField(max_length=5, choices=KINDS)
    value = models.CharField(max_length=320)

    class Meta:
        indexes = [models.Index(fields=["workspace", "kind", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["contact", "kind", "value"], name="one_key_per_value")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Operation(models.Model):
    """A run that changed contacts: an import, a cleanup rule run, a merge, an undo.
    Its ContactChange rows say exactly what it did, so it can be reverted."""

    class Kind(models.TextChoices):
        IMPORT = "import", "Import"
        CLEANUP = "cleanup", "Cleanup rules"
        MERGE = "merge", "Merge"
        AI = "ai", "AI proposal"
        REVERT = "revert", "Revert"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="operations")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reverted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class ContactChange(models.Model):
    """One contact's change within an operation (the seed's DedupOperation): its editable
    fields before and after. `before` is null for a created contact, `after` for a deleted
    one. `contact_ref` keeps the id after the contact itself is gone."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    class Resolution(models.TextChoices):
        REVERTED = "reverted", "Reverted"
        KEPT = "kept", "Kept as edited"
        GONE = "gone", "Deleted since"

    # No index of its own: the (operation, contact_ref) index begins with it.
    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="changes", db_index=False
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    contact_ref = models.BigIntegerField()
    action = models.CharField(max_length=8, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    version_after = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # How a revert ended for this record: reverted, kept by the person after a conflict
    # with later edits, or gone (the contact was deleted since).
    resolution = models.CharField(max_length=8, choices=Resolution.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["operation", "contact_ref"])]

    def __str__(self) -> str:
        return f"{self.action} contact {self.contact_ref} in {self.operation_id}"
