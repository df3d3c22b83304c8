from __future__ import annotations

from django.urls import path

from calkeep.transfers import export_views

app_name = "exports"
urlpatterns = [
    path("", export_views.export_page, name="export"),
    path("download/", export_views.download, name="download"),
]
