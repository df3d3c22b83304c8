"""The contacts resource of the public API (/api/v1/contacts). Each operation reads its
input, calls the same function as the pages (`get_contact_for_user`, `create_contact`,
`update_contact`), and returns the contact as `contacts/resource.py` shapes it. A token
acts as its member: admins see the workspace, members what they own."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Header, Path, Query, Router, Status

from calkeep.accounts.api_auth import ApiCaller, TokenAuth
from calkeep.accounts.models import Scope
from calkeep.contacts.access import get_contact_for_user
from calkeep.contacts.actions import VersionConflict, create_contact, update_contact
from calkeep.contacts.api_schemas import (
    ConflictOut,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    ErrorOut,
)
from calkeep.contacts.api_values import FieldError, contact_values
from calkeep.contacts.models import Contact, ContactKey, ContactQuerySet, Source
from calkeep.contacts.resource import contact_resource, owner_email
from calkeep.formats.emails import normalize_email
from calkeep.formats.phones import parse_phone
from calkeep.lib.text import clean_text

router = Router(tags=["contacts"])
READ = TokenAuth(Scope.CONTACTS_READ)
WRITE = TokenAuth(Scope.CONTACTS_WRITE)
DEFAULT_PAGE = 100
MAX_PAGE = 1000
MAX_ID = 2**63 - 1
_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut,
                           429: ErrorOut}  # fmt: skip
RFC3339 = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_RFC3339 = re.compile(RFC3339)
LIST_PARAMETERS = frozenset(("cursor", "limit", "q", "email", "phone", "tag", "updated_since"))
ContactId = Annotated[int, Path(ge=1, le=MAX_ID, description="The contact's id.")]


def caller(request: HttpRequest) -> ApiCaller:
    auth: ApiCaller = request.auth  # type: ignore[attr-defined]
    return auth


def refuse_unknown_query(request: HttpRequest, known: frozenset[str] = frozenset()) -> None:
    """A misspelt filter (`?emial=…`) is an error, not a silent "everything"; so is a
    parameter given twice (which one would count?)."""
    for name, values in request.GET.lists():
        if name not in known:
            raise FieldError(name, f"{name!r} is not a parameter of this operation.", "unknown")
        if len(values) > 1:
            raise FieldError(name, f"Give {name!r} once.", "repeated")


def _resource(contact: Contact) -> dict[str, Any]:
    return contact_resource(contact, owner_email(contact))


def _etag(response: HttpResponse, contact: Contact) -> None:
    response["ETag"] = f'"{contact.version}"'


@router.get(
    "/contacts",
    response={200: ContactPage, **_ERRORS},
    auth=READ,
    operation_id="listContacts",
    summary="List contacts",
)
def list_contacts(
    request: HttpRequest,
    cursor: Annotated[str, Query(max_length=200, description="next_cursor of a page.")] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    q: Annotated[str, Query(max_length=200, description="Name, email, phone...")] = "",
    email: Annotated[str, Query(max_length=320, description="An exact address.")] = "",
    phone: Annotated[str, Query(max_length=64, description="A number, any format.")] = "",
    tag: Annotated[str, Query(max_length=100)] = "",
    updated_since: Annotated[
        str,
        Query(
            max_length=40,
            description="Contacts changed at or after this moment (RFC 3339).",
            pattern=f"^(|{RFC3339})$",
            example="2026-01-31T12:00:00Z",
        ),
    ] = "",
) -> dict[str, Any]:
    """Contacts the token's member may see, oldest first (by id), a page at a time."""
    refuse_unknown_query(request, LIST_PARAMETERS)
    membership = caller(request).membership
    contacts = Contact.objects.visible_to(membership).select_related("owner")
    region = membership.workspace.default_region
    since = _moment(updated_since) if updated_since else None
    q, email, phone, tag = (clean_text(text) for text in (q, email, phone, tag))
    contacts = _filtered(contacts, region, q, email, phone, tag, since)
    if cursor:
        contacts = contacts.filter(pk__gt=_decode_cursor(cursor))
    page = list(contacts.order_by("pk")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {
        "data": [_resource(c) for c in page],
        "next_cursor": _encode_cursor(page[-1].pk) if more else None,
    }


def _filtered(
    contacts: ContactQuerySet, region: str, q: str, email: str, phone: str, tag: str,
    updated_since: datetime | None,
) -> ContactQuerySet:  # fmt: skip
    if q:
        contacts = contacts.search(q, region)
    if email:
        value = normalize_email(email)[:320]
        contacts = contacts.filter(keys__kind=ContactKey.EMAIL, keys__value=value)
    if phone:
        e164 = parse_phone(phone, region).e164
        if e164 is None:
            raise FieldError("phone", f"{phone!r} is not a phone number we can read.")
        contacts = contacts.filter(keys__kind=ContactKey.PHONE, keys__value=e164)
    if tag:
        contacts = contacts.with_tag(tag)
    if updated_since is not None:
        contacts = contacts.filter(updated_at__gte=updated_since)
    return contacts


def _moment(text: str) -> datetime:
    """An RFC 3339 date-time (seconds and offset required, as the schema's format says)."""
    try:
        if not _RFC3339.fullmatch(text):
            raise ValueError(text)
        return datetime.fromisoformat(text.upper().replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        raise FieldError(
            "updated_since", "Give a date and time as RFC 3339, e.g. 2026-01-31T12:00:00Z."
        ) from None


def _encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        value = int(number) if kind == "after" else -1
    except (binascii.Error, UnicodeDecodeError, ValueError):
        value = -1
    if not 0 <= value <= MAX_ID:
        raise FieldError("cursor", "This cursor is not one the API gave out.")
    return value


@router.get(
    "/contacts/{id}",
    response={200: ContactOut, **_ERRORS},
    auth=READ,
    operation_id="getContact",
    url_name="contact",
    summary="Get a contact",
)
def get_contact(request: HttpRequest, response: HttpResponse, id: ContactId) -> dict[str, Any]:
    """One contact; its ETag is its version."""
    refuse_unknown_query(request)
    contact = get_contact_for_user(caller(request).membership, id)
    _etag(response, contact)
    return _resource(contact)


@router.post(
    "/contacts",
    response={201: ContactOut, 400: ErrorOut, 413: ErrorOut, **_ERRORS},
    auth=WRITE,
    operation_id="createContact",
    summary="Create a contact",
)
def post_contact(
    request: HttpRequest, response: HttpResponse, payload: ContactIn
) -> Status[dict[str, Any]]:
    """A new contact owned by the token's member, source `api`."""
    refuse_unknown_query(request)
    membership = caller(request).membership
    values = contact_values(payload.model_dump(), membership.workspace)
    contact = create_contact(membership.workspace, membership.user, values, source=Source.API)
    _etag(response, contact)
    response["Location"] = reverse("api:contact", kwargs={"id": contact.pk})
    return Status(201, _resource(contact))


@router.patch(
    "/contacts/{id}",
    response={
        200: ContactOut,
        400: ErrorOut,
        412: ConflictOut,
        413: ErrorOut,
        428: ErrorOut,
        **_ERRORS,
    },
    auth=WRITE,
    operation_id="updateContact",
    summary="Change a contact",
)
def patch_contact(
    request: HttpRequest,
    response: HttpResponse,
    id: ContactId,
    payload: ContactPatch,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The ETag (version) read, e.g. "3". Required: without it 428; a '
            "stale one gets 412 with the contact as it is now.",
        ),
    ] = None,
) -> Status[dict[str, Any]]:
    """Only the fields sent change; a list sent replaces the whole list."""
    refuse_unknown_query(request)
    membership = caller(request).membership
    contact = get_contact_for_user(membership, id)
    if not if_match:
        raise PreconditionRequired()
    expected = _expected_version(if_match, contact.version)
    if expected is not None and expected != contact.version:
        return _conflict(response, contact)
    data = payload.model_dump(exclude_unset=True)
    values = contact_values(data, membership.workspace, current=contact)
    try:
        saved = update_contact(contact, values, expected_version=expected)
    except VersionConflict as conflict:
        return _conflict(response, conflict.contact)
    _etag(response, saved)
    return Status(200, _resource(saved))


class PreconditionRequired(Exception):
    pass


def _expected_version(if_match: str, current: int) -> int | None:
    """The version the If-Match header accepts: None for `*` (any version), the current
    one when it is among the listed ETags, else -1 (a weak or stale ETag never matches)."""
    if if_match.strip() == "*":
        return None
    tags = {tag.strip() for tag in if_match.split(",")}
    return current if f'"{current}"' in tags else -1


def _conflict(response: HttpResponse, contact: Contact) -> Status[dict[str, Any]]:
    _etag(response, contact)
    message = f"The contact changed since: it is at version {contact.version}."
    errors = [{"field": None, "code": "version_conflict", "message": message}]
    return Status(412, {"errors": errors, "current": _resource(contact)})
