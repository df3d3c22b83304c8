"""People → Duplicates (mounted at w/<ws>/people/duplicates/)."""

from __future__ import annotations

from django.urls import path

from calkeep.cleanup import duplicate_views as views

app_name = "duplicates"
urlpatterns = [
    path("", views.duplicate_list, name="list"),
    path("group/<str:ids>/", views.group, name="group"),
    path("merges/<int:operation_id>/", views.merge_page, name="merge"),
    path("merges/<int:operation_id>/unmerge/", views.unmerge_view, name="unmerge"),
]
