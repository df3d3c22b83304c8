"""Settings for the test suite: the app's own settings, with runtime data in a temporary
folder (tests never write to ./var or beside the corpus)."""

from __future__ import annotations

import os
import tempfile

os.environ["CALKEEP_DATA_DIR"] = tempfile.mkdtemp(prefix="calkeep-tests-")
os.environ.setdefault("CALKEEP_SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789")
# Webhook tests deliver to a real receiver on 127.0.0.1 (tests/webhooks/receiver.py).
os.environ.setdefault("CALKEEP_WEBHOOK_ALLOW_PRIVATE_TARGETS", "1")

from calkeep.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
API_RATE_LIMIT_REQUESTS = 100_000  # the rate-limit tests set their own

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not Django's shared in-memory database: browser tests run the server and the
    # task worker in threads, and shared-cache memory databases lock whole tables.
    test_name = os.path.join(os.environ["CALKEEP_DATA_DIR"], "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": test_name}  # noqa: F405
else:
    # Per process, so two test runs on one PostgreSQL server never share a test database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_calkeep_{os.getpid()}"}  # noqa: F405
