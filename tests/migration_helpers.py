"""Moving the test database between migrations, for the tests of data migrations."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate to `targets`; the historical apps of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest(app: str) -> list[tuple[str, str]]:
    """The app's last migration, as a target."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes(app)
