"""The one way a page or an API operation gets a contact: through `visible_to`, so a
contact of another workspace, or one the member may not see, answers 404 like a missing one."""

from __future__ import annotations

from django.http import Http404

from calkeep.accounts.models import Membership
from calkeep.contacts.models import Contact


def get_contact_for_user(membership: Membership, contact_id: int) -> Contact:
    contact = (
        Contact.objects.visible_to(membership).select_related("owner").filter(pk=contact_id).first()
    )
    if contact is None:
        raise Http404("No such contact")
    return contact
