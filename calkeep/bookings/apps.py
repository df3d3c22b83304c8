from __future__ import annotations

from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "calkeep.bookings"
    label = "bookings"
