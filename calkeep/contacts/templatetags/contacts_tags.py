from __future__ import annotations

from typing import Any

from django import template

from calkeep.contacts.display import field_label, format_birthday, format_phone, value_text

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


@register.filter(name="field_label")
def field_label_filter(field: str) -> str:
    return field_label(field)


@register.filter(name="value_text")
def value_text_filter(value: Any) -> str:
    return value_text(value)
