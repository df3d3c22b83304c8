from __future__ import annotations

from django.urls import path

from calkeep.transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:run_id>/", views.detail, name="detail"),
    path("<int:run_id>/columns/", views.mapping, name="mapping"),
    path("<int:run_id>/commit/", views.commit, name="commit"),
    path("<int:run_id>/progress/", views.progress, name="progress"),
    path("<int:run_id>/undo/", views.undo, name="undo"),
    path("<int:run_id>/undo/<int:change_id>/", views.resolve, name="resolve"),
    path("<int:run_id>/problems.csv", views.problems_csv, name="problems_csv"),
]
