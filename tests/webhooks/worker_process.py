"""Webhook delivery in a process of its own, against the test database the parent made:
`python -m tests.webhooks.worker_process DATABASE_NAME`. The chaos test kills it."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict["NAME"] = sys.argv[1]
    from calkeep.webhooks.delivery import deliver_due

    deliver_due()


if __name__ == "__main__":
    main()
