from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from calkeep.accounts import views as account_views
from calkeep.api import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("w/<slug:ws>/people/", include("calkeep.contacts.urls")),
    path("w/<slug:ws>/people/import/", include("calkeep.transfers.urls")),
    path("w/<slug:ws>/people/export/", include("calkeep.transfers.export_urls")),
    path("w/<slug:ws>/people/cleanup/", include("calkeep.cleanup.urls")),
    path("w/<slug:ws>/people/duplicates/", include("calkeep.cleanup.duplicate_urls")),
    path("w/<slug:ws>/bookings/", include("calkeep.bookings.urls")),
    path("w/<slug:ws>/settings/", include("calkeep.accounts.settings_urls")),
    path("w/<slug:ws>/settings/webhooks/", include("calkeep.webhooks.urls")),
    path("api/v1/", api.urls),
]
