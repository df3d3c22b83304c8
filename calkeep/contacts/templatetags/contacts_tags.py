from __future__ import annotations

from typing import Any

from django import template

from calkeep.contacts.display import format_birthday, format_phone

register = template.Library()


@register.filter
def phone_display(phone: dict[str, Any] | None, region: str) -> str:
    """A stored phone as people read it: formatted when it parsed, as written when not."""
    if not phone:
        return ""
    e164 = phone.get("e164")
    return format_phone(e164, region) if e164 else str(phone.get("raw", ""))


@register.filter
def birthday_display(value: str) -> str:
    return format_birthday(value)
