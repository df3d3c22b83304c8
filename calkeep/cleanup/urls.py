"""People → AI Cleanup → Bulk rules (the duplicates pages are in duplicate_urls.py)."""

from __future__ import annotations

from django.urls import path

from calkeep.cleanup import rule_views as views

app_name = "cleanup"
urlpatterns = [
    path("", views.rules_page, name="rules"),
    path("preview/<str:rule>/", views.rule_preview, name="preview"),
    path("apply/", views.apply, name="apply"),
    path("runs/<int:job_id>/", views.job_page, name="job"),
    path("runs/<int:job_id>/progress/", views.progress, name="progress"),
    path("runs/<int:job_id>/pause/", views.pause, name="pause"),
    path("runs/<int:job_id>/resume/", views.resume, name="resume"),
    path("runs/<int:job_id>/retry/", views.retry, name="retry"),
    path("runs/<int:job_id>/revert/", views.revert_run, name="revert"),
    path(
        "runs/<int:job_id>/changes/<int:change_id>/revert/",
        views.revert_change,
        name="revert_change",
    ),
    path("runs/<int:job_id>/changes/<int:change_id>/resolve/", views.resolve, name="resolve"),
]
