from __future__ import annotations

from django.apps import AppConfig


class CleanupConfig(AppConfig):
    name = "calkeep.cleanup"
    label = "cleanup"
    verbose_name = "Cleanup"
