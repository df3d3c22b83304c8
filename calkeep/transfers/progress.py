"""Live progress of an import's long steps, for the page ("Writing contacts: 12,000 of
57,005", a progress bar and its percentage).

Not on the run's row: the commit holds that row locked (PostgreSQL) or the database's one
write lock (SQLite) until it ends, and what its transaction writes nobody sees before then.
On SQLite an UPDATE of any column of the run also reads the whole row, its 10 MB upload
included (~40 ms), and writes all of it again whenever the row's size changes. So the
worker writes progress in autocommit, on a connection of its own, into ImportProgress:

- PostgreSQL: a second connection to the same database;
- SQLite: a small database file beside the main one (`calkeep-progress.sqlite3` next to
  `calkeep.sqlite3`), whose write lock is its own, so a write never waits for the commit.

Callers report every thousand rows or so (lib/progress.py); a report reaches the database
at most every INTERVAL seconds, and work done sooner writes nothing and opens no connection.
Progress is a courtesy: when it cannot be written the import goes on without it."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from calkeep.transfers.models import ImportProgress

INTERVAL = 0.5  # seconds between two writes at most
logger = logging.getLogger(__name__)
_TEXTS = {
    "read": "Reading the file: line {done} of {total}",
    "reuse": "Taking the rows the analysis read: {done} of {total}",
    "phones": "Reading phone numbers: {done} of {total}",
    "check": "Checking rows: {done} of {total}",
    "match": "Looking for existing contacts: row {done} of {total}",
    "write": "Writing contacts: {done} of {total}",
    "preview": "Saving the preview: row {done} of {total}",
}


@dataclass(frozen=True)
class StepProgress:
    step: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total > 0 else 0

    @property
    def text(self) -> str:
        text = _TEXTS.get(self.step, "{done} of {total}")
        return text.format(done=f"{self.done:,}", total=f"{self.total:,}")


class ProgressReporter:
    """The worker's side for one run: pass it as a `Progress`; close it (or use it as a
    context manager) when the work is over, which removes the run's progress."""

    def __init__(self, run_id: int, interval: float | None = None) -> None:
        self.run_id = run_id
        self.interval = INTERVAL if interval is None else interval
        self._due = time.monotonic() + self.interval
        self._channel: BaseDatabaseWrapper | None = None
        self._off = False

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if self._off or total <= 0 or now < self._due:
            return
        self._due = now + self.interval
        try:
            if self._channel is None:
                self._channel = _open_channel(create=True)
                if self._channel is None:
                    self._off = True
                    return
            _upsert(self._channel, self.run_id, step, done, total)
        except Exception:  # progress is a courtesy: never the reason an import fails
            logger.exception("Import %s: its progress cannot be written", self.run_id)
            self._off = True

    def close(self) -> None:
        channel, self._channel = self._channel, None
        if channel is None:
            return
        try:
            with channel.cursor() as cursor:
                cursor.execute(_DELETE, [self.run_id])
        except Exception:
            logger.exception("Import %s: its progress cannot be removed", self.run_id)
        finally:
            channel.close()

    def __enter__(self) -> ProgressReporter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def read_progress(run_id: int) -> StepProgress | None:
    """The page's side: what the worker last wrote for this run, if anything."""
    if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
        found = ImportProgress.objects.filter(run_id=run_id).values_list("step", "done", "total")
        row = found.first()
        return StepProgress(*row) if row else None
    channel = _open_channel(create=False)
    if channel is None:
        return None
    try:
        with channel.cursor() as cursor:
            cursor.execute(_SELECT, [run_id])
            row = cursor.fetchone()
    except DatabaseError:
        return None  # no progress written yet on this machine
    finally:
        channel.close()
    return StepProgress(*row) if row else None


def sidecar_name(name: str) -> str:
    """calkeep.sqlite3 -> calkeep-progress.sqlite3, in the same folder."""
    path = Path(name)
    return str(path.with_name(f"{path.stem}-progress{path.suffix}"))


def _open_channel(create: bool) -> BaseDatabaseWrapper | None:
    """A new connection for progress (see the module's docstring). None for an in-memory
    SQLite database, which no other process could read anyway, and, when not `create`,
    for a progress file not written yet."""
    default = connections[DEFAULT_DB_ALIAS]
    settings: dict[str, Any] = dict(default.settings_dict)
    if default.vendor == "sqlite":
        name = str(settings["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            return None
        settings["NAME"] = sidecar_name(name)
        if not create and not os.path.exists(settings["NAME"]):
            return None
        # Its writes take microseconds: one that waits longer is better given up than the
        # import held up for the main database's 30 s.
        settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "timeout": 2}
    channel: BaseDatabaseWrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(
        settings, "import_progress"
    )
    if create and channel.vendor == "sqlite":
        _create_table(channel)
    return channel


def _create_table(channel: BaseDatabaseWrapper) -> None:
    table = ImportProgress._meta.db_table
    if table in channel.introspection.table_names():
        return
    try:
        # Not atomic: an atomic block looks its connection up by alias, and this one has none.
        with channel.schema_editor(atomic=False) as editor:
            editor.create_model(ImportProgress)
    except DatabaseError:
        if table not in channel.introspection.table_names():  # not another process's doing
            raise


def _upsert(channel: BaseDatabaseWrapper, run_id: int, step: str, done: int, total: int) -> None:
    with channel.cursor() as cursor:
        cursor.execute(_UPSERT, [run_id, step[:20], done, total])


# Standard SQL, the same for PostgreSQL and SQLite (3.24 and later for the upsert).
_TABLE = f'"{ImportProgress._meta.db_table}"'
_UPSERT = (
    f'INSERT INTO {_TABLE} ("run_id", "step", "done", "total") VALUES (%s, %s, %s, %s) '
    'ON CONFLICT ("run_id") DO UPDATE SET "step" = excluded."step", '
    '"done" = excluded."done", "total" = excluded."total"'
)
_SELECT = f'SELECT "step", "done", "total" FROM {_TABLE} WHERE "run_id" = %s'
_DELETE = f'DELETE FROM {_TABLE} WHERE "run_id" = %s'
