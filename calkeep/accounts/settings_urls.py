from __future__ import annotations

from django.urls import path

from calkeep.accounts import token_views

app_name = "settings"
urlpatterns = [
    path("", token_views.settings_home, name="home"),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
]
