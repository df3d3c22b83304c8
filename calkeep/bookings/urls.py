from __future__ import annotations

from django.urls import path

from calkeep.bookings import views

app_name = "bookings"
urlpatterns = [
    path("", views.booking_list, name="list"),
    path("new/", views.booking_create, name="create"),
]
