from __future__ import annotations

from django.urls import path

from calkeep.contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="create"),
    path("<int:contact_id>/", views.contact_detail, name="detail"),
    path("<int:contact_id>/edit/", views.contact_edit, name="edit"),
    path("<int:contact_id>/delete/", views.contact_delete, name="delete"),
    path("<int:contact_id>/tasks/", views.task_create, name="task_create"),
    path("<int:contact_id>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
]
