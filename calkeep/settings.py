"""Django settings. Everything a deployment changes comes from the environment:

CALKEEP_DATA_DIR  runtime data (SQLite database, uploads, secret key); default ./var
DATABASE_URL      a PostgreSQL URL switches the database from SQLite
CALKEEP_SECRET_KEY, CALKEEP_DEBUG, CALKEEP_ALLOWED_HOSTS (comma-separated)
CALKEEP_API_RATE_LIMIT  API requests per token per minute (default 600)
CALKEEP_WEBHOOK_ALLOW_PRIVATE_TARGETS  1 lets webhooks go to private and loopback addresses
CALKEEP_WEBHOOK_RETENTION_DAYS  days finished webhook events are kept (default 30)
CALKEEP_IMPORT_RETENTION_DAYS   days a dry run never imported is kept (default 30)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CALKEEP_DATA_DIR") or "var").resolve()


def _secret_key() -> str:
    configured = os.environ.get("CALKEEP_SECRET_KEY")
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("CALKEEP_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CALKEEP_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(
        ","
    )
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # its Swagger UI files, so the API docs page needs no CDN
    "calkeep.accounts",
    "calkeep.contacts",
    "calkeep.bookings",
    "calkeep.transfers",
    "calkeep.cleanup",
    "calkeep.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "calkeep.middleware.ApiErrorShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "calkeep.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "calkeep.urls"
WSGI_APPLICATION = "calkeep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "calkeep.accounts.context.workspace_context",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "calkeep.sqlite3",
        "OPTIONS": {
            # WAL lets the web server read while the worker writes; IMMEDIATE takes the
            # write lock at BEGIN so two writers queue instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            # Waits for a writer (a 10 MB import commits in seconds) before giving up with
            # a "busy" page (calkeep/middleware.py).
            "timeout": 30,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app folders: no collectstatic step before `calkeep run`.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads are read in memory up to the import cap and refused above it (see transfers).
IMPORT_MAX_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Public API: a fixed window per token, counted in the database (accounts/ratelimit.py).
API_RATE_LIMIT_REQUESTS = int(os.environ.get("CALKEEP_API_RATE_LIMIT") or 600)
API_RATE_LIMIT_SECONDS = 60

# Webhooks (calkeep/webhooks/): private, loopback and reserved targets are refused unless
# this is set (tests and private installations); a delivery's lease outlasts a batch.
WEBHOOK_ALLOW_PRIVATE_TARGETS = os.environ.get("CALKEEP_WEBHOOK_ALLOW_PRIVATE_TARGETS") == "1"
WEBHOOK_TIMEOUT_SECONDS = 10.0
WEBHOOK_BATCH_SIZE = 10
WEBHOOK_LEASE_SECONDS = int(os.environ.get("CALKEEP_WEBHOOK_LEASE_SECONDS") or 300)
# Finished events, their deliveries and logged attempts are kept this long (webhooks/pruning.py).
WEBHOOK_RETENTION_DAYS = int(os.environ.get("CALKEEP_WEBHOOK_RETENTION_DAYS") or 30)

# Dry runs never imported are deleted this long after their upload (transfers/retention.py).
IMPORT_RETENTION_DAYS = int(os.environ.get("CALKEEP_IMPORT_RETENTION_DAYS") or 30)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CALKEEP_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
