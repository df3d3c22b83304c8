"""Inserting and updating tens of thousands of rows inside the caller's transaction, in the
way each backend does fastest: on SQLite, INSERTs of many rows each, run on the connection
itself (everything stays in process); on PostgreSQL, COPY. New ids are reserved first
(`reserve_ids`), so rows that refer to new ones can be made before those are written.
Django's bulk_create spends about 100 µs a contact on SQLite (it batches 39 rows at a time:
999 parameters) and bulk_update nearly a millisecond (one CASE per field per row); these do
the same writes in a few µs a row. `background_writes` runs the inserts on a second thread
while the caller builds the next rows.

Values go through the same adaptation Django uses (JSON as the backend stores it, datetimes
as the backend expects them); text and integers are passed as they are, so callers give
exactly the values the columns hold (no None for a text column, no auto_now to fill in).
A JSON column named in `encoded` takes its values already as JSON text (`json_text`), so a
caller that needs the same text twice (a contact's lists in its row and in its change
record) encodes it once."""

from __future__ import annotations

import itertools
import json
import logging
import queue
import sqlite3
import sys
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction

_Row = Sequence[Any]
logger = logging.getLogger(__name__)


def _json_text_function() -> Callable[[Any], str]:
    """`json.dumps` with its defaults, without building an encoder on every call (1.1
    instead of 2.8 µs for a contact's phone list). The one difference, the check for
    reference cycles, is made by json.dumps itself whenever encoding fails: any error is
    json.dumps' own."""
    make = json.encoder.c_make_encoder  # type: ignore[attr-defined]
    if make is None:
        return json.dumps
    chunks = make(
        None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None, ": ",
        ", ", False, False, True,
    )  # fmt: skip

    def json_text(value: Any) -> str:
        try:
            return "".join(chunks(value, 0))
        except Exception:
            return json.dumps(value)

    return json_text


# `json.dumps(value)`: the text Django stores for a JSONField without an encoder on SQLite
# (`adapt_json_value`), and what PostgreSQL's jsonb reads from it in a COPY.
json_text = _json_text_function()


# SQLite's page cache while a bulk write runs (its default is 2 MB): an import's new rows go
# into five indexes of the contacts and five of their keys, and with 2 MB of cache the pages
# of those indexes are written out and read back again and again (~0.4 s of the 10 MB CSV's
# commit). Memory only: when and how pages reach the disk does not change.
WRITE_CACHE_KIB = 32 * 1024


@contextmanager
def write_cache(kib: int = WRITE_CACHE_KIB) -> Iterator[None]:
    """On SQLite, a page cache of `kib` KiB for this connection meanwhile, then the size it
    had again. Nothing on other databases."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")
        except DatabaseError:  # a connection that broke meanwhile goes, its setting with it
            logger.warning("SQLite's cache size could not be set back", exc_info=True)


def insert_rows(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Iterable[_Row],
    encoded: Collection[str] = (),
) -> None:
    """INSERT each row (values in the order of `attnames`). Inside `background_writes`,
    queued for its thread (which runs it in order) instead of written now."""
    prepared = _prepared(model, attnames, rows, encoded=encoded)
    writer = _active_writer()
    if connection.vendor == "postgresql":
        statement = _copy_statement(model, attnames)
        job = _copy_job(statement, list(prepared) if writer is not None else prepared)
    else:
        job = _sqlite_insert_job(model, attnames, prepared)
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    if writer is not None:
        writer.submit(job)
        return
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            job(cursor)
        finally:
            cursor.close()


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for rows the caller will insert with them (insert_rows
    with the id column first), ascending, never handed out again: from the table's sequence
    on PostgreSQL; on SQLite, by moving on the AUTOINCREMENT counter in `sqlite_sequence`
    (SQLite's own record of the largest id the table ever had) in a transaction, which
    holds SQLite's write lock from its first statement (calkeep opens SQLite transactions
    IMMEDIATE): a savepoint of the caller's, or its own when called outside one."""
    if count <= 0:
        return []
    meta = model._meta
    table, column = str(meta.db_table), str(meta.pk.column)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(pk for (pk,) in cursor.fetchall())
        largest = f"(SELECT coalesce(max({_quoted(column)}), 0) FROM {_quoted(table)})"
        cursor.execute(
            f"UPDATE sqlite_sequence SET seq = max(seq, {largest}) + %s WHERE name = %s",
            [count, table],
        )
        if cursor.rowcount == 0:  # the table never had a row
            cursor.execute(
                f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, {largest} + %s",
                [table, count],
            )
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        (last,) = cursor.fetchone()
    return list(range(last - count + 1, last + 1))


def update_rows(model: type[models.Model], attnames: Sequence[str], rows: Iterable[_Row]) -> None:
    """UPDATE ... SET each of `attnames` WHERE pk = the row's last value."""
    meta = model._meta
    assignments = ", ".join(f"{_column(model, a)} = %s" for a in attnames)
    key = _column(model, meta.pk.attname)
    sql = f"UPDATE {_table(model)} SET {assignments} WHERE {key} = %s"
    prepared = _prepared(model, [*attnames, meta.pk.attname], rows)
    with connection.cursor() as cursor:
        cursor.executemany(sql, cast(Any, prepared))


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(str(model._meta.db_table))


def _column(model: type[models.Model], attname: str) -> str:
    return connection.ops.quote_name(str(_field(model, attname).column))


def _field(model: type[models.Model], attname: str) -> models.Field[Any, Any]:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise ValueError(f"{model.__name__} has no column {attname!r}")


def _prepared(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Iterable[_Row],
    skip: int = 0,
    encoded: Collection[str] = (),
) -> Iterable[_Row]:
    """Rows with each value adapted for the database. The first `skip` values (ids) pass,
    and so do the columns in `encoded` (JSON text already)."""
    for name in encoded:
        field = _field(model, name)
        if not isinstance(field, models.JSONField) or field.encoder is not None:
            raise ValueError(f"{name!r} is not a JSON column without an encoder")
    adapters = [
        (i + skip, _adapter(_field(model, a))) for i, a in enumerate(attnames) if a not in encoded
    ]
    adapted = [(index, function) for index, function in adapters if function is not None]
    if not adapted:
        return rows

    def adapt(row: _Row) -> list[Any]:
        values = list(row)
        for index, function in adapted:
            values[index] = function(values[index])
        return values

    return (adapt(row) for row in rows)


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """None for columns whose Python value is what the driver takes (text, integers, ids)."""
    database = connections[DEFAULT_DB_ALIAS]
    if isinstance(field, models.JSONField):
        adapt_json, encoder = database.ops.adapt_json_value, field.encoder
        empty = adapt_json([], encoder)  # most list columns of most rows

        def adapt(value: Any) -> Any:
            if value is None:
                return None
            return empty if value == [] else adapt_json(value, encoder)

        return adapt
    if isinstance(field, (models.CharField, models.TextField, models.IntegerField)):
        return None
    if isinstance(field, models.ForeignKey):
        return None
    return _remembering_last(lambda value: field.get_db_prep_save(value, database))


def _remembering_last(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The same timestamp is written on every row of an import: adapt it once."""
    last: list[Any] = [object(), None]

    def adapt(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, function(value)
        return last[1]

    return adapt


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _copy_statement(model: type[models.Model], attnames: Sequence[str]) -> str:
    columns = ", ".join(_column(model, a) for a in attnames)
    return f"COPY {_table(model)} ({columns}) FROM STDIN"


def _copy_job(statement: str, rows: Iterable[_Row]) -> Callable[[Any], None]:
    def job(cursor: Any) -> None:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    return job


# SQLite: rows go in INSERTs of many rows each (`VALUES (...), (...), ...`): half the time
# of one statement run per row for narrow rows such as keys, and each statement is one
# step of SQLite's, which the sqlite3 module runs without holding the GIL (see
# background_writes). At most this many values a statement (and never more than the
# connection allows): the sqlite3 module keeps its last 128 statements prepared, each with
# a copy of the values it last ran with, and statements of SQLite's largest size (32,766
# values) held some 60 MB more at the peak of the 10 MB import, where past a few thousand
# values a statement nothing is faster (bench/README.md).
_SQLITE_MAX_VALUES = 4000


def _sqlite_insert_job(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[_Row]
) -> Callable[[Any], None]:
    """The statements for `rows`, made now (so a queued job holds plain values only)."""
    columns = ", ".join(_column(model, a) for a in attnames)
    head = f"INSERT INTO {_table(model)} ({columns}) VALUES "
    one = "(" + ", ".join(["?"] * len(attnames)) + ")"
    limit = _SQLITE_MAX_VALUES
    connection.ensure_connection()
    getlimit = getattr(connection.connection, "getlimit", None)
    if getlimit is not None:
        limit = min(limit, getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    per_statement = max(1, limit // max(1, len(attnames)))
    full = head + ", ".join([one] * per_statement)
    statements = []
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, per_statement)):
        sql = full if len(batch) == per_statement else head + ", ".join([one] * len(batch))
        statements.append((sql, list(itertools.chain.from_iterable(batch))))

    def job(cursor: Any) -> None:
        for sql, values in statements:
            cursor.execute(sql, values)

    return job


# -- writing on a second thread --------------------------------------------------------------
_LOCAL = threading.local()
# Statements (jobs) queued at most: a job holds one call's rows (an import's slice of 5,000
# contacts), so this bounds the rows alive in the queue.
_QUEUED_JOBS = 4
# While a writer runs, the interpreter hands the GIL over at most this long after the writer
# asks for it back (Python's default is 5 ms, per statement of the writer's).
_SWITCH_INTERVAL = 0.0005


def _active_writer() -> _Writer | None:
    return getattr(_LOCAL, "writer", None)


@contextmanager
def background_writes() -> Iterator[None]:
    """Within, `insert_rows` (and `check_deferred_constraints`) on this thread's connection
    queue their statements for a second thread, which runs them in the order given while
    this one goes on building the next rows; any other query of the connection first waits
    until they have all run, so the database receives the same statements in the same
    order as without it. The block is a transaction of its own (`transaction.atomic`: a
    savepoint inside the caller's), so nothing it queued is committed, or rolled back,
    before it has run. Leaving waits for them and raises the first error, as the statement
    itself would have (later ones are not run); leaving with an error drops what is still
    queued and rolls the whole block back. Meant for writes of tens of thousands of rows:
    SQLite (which runs each statement without the GIL) or the PostgreSQL server work while
    Python does. Nested, it is the outer one's."""
    if _active_writer() is not None:
        yield
        return
    with transaction.atomic():
        writer = _Writer(connection)
        _LOCAL.writer = writer

        def in_order(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            writer.wait()
            return execute(sql, params, many, context)

        try:
            with _short_switch_interval(), connection.execute_wrapper(in_order):
                yield
                writer.wait()
        finally:
            _LOCAL.writer = None
            writer.close()  # after this nothing runs on the connection but this thread


_SWITCH_LOCK = threading.Lock()
_SWITCH_USERS = [0, 0.0]  # writers running, the interval before the first of them


@contextmanager
def _short_switch_interval() -> Iterator[None]:
    """`_SWITCH_INTERVAL` while any thread's writer runs (the setting is the process's)."""
    with _SWITCH_LOCK:
        if _SWITCH_USERS[0] == 0:
            _SWITCH_USERS[1] = sys.getswitchinterval()
            sys.setswitchinterval(min(_SWITCH_USERS[1], _SWITCH_INTERVAL))
        _SWITCH_USERS[0] += 1
    try:
        yield
    finally:
        with _SWITCH_LOCK:
            _SWITCH_USERS[0] -= 1
            if _SWITCH_USERS[0] == 0:
                sys.setswitchinterval(_SWITCH_USERS[1])


def check_deferred_constraints() -> None:
    """PostgreSQL: check now the deferred constraints (Django's foreign keys) of what this
    transaction wrote so far, instead of all of them at COMMIT; inside `background_writes`
    on its thread, while this one goes on. A violation raises as it would have at COMMIT,
    only sooner. Nothing on SQLite, which checks them as it writes."""
    if connection.vendor != "postgresql":
        return

    def job(cursor: Any) -> None:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys' own mode

    writer = _active_writer()
    if writer is not None:
        writer.submit(job)
    else:
        connection.check_constraints()  # Django's own: the same two statements


class _Writer:
    """The second thread of `background_writes`: runs queued jobs on the DB-API connection of
    the thread that made it (not Django's connection object, which is per thread)."""

    def __init__(self, wrapper: Any) -> None:
        # Taken here, on the caller's thread: `django.db.connection` is a proxy that gives
        # each thread its own wrapper, and the writer's would have no connection open.
        wrapper.ensure_connection()
        self._raw = wrapper.connection
        self._wrap_errors = wrapper.wrap_database_errors
        self._jobs: queue.Queue[Callable[[Any], None] | None] = queue.Queue(_QUEUED_JOBS)
        self._error: BaseException | None = None
        self._failed = False
        self._closing = False
        self._thread = threading.Thread(target=self._work, name="calkeep-writes", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[Any], None]) -> None:
        self._raise()
        self._jobs.put(job)

    def wait(self) -> None:
        self._jobs.join()
        self._raise()

    def close(self) -> None:
        self._closing = True  # after an error, what is still queued is dropped unrun
        self._jobs.put(None)
        self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        if self._failed:
            raise DatabaseError("an earlier write of this transaction failed")

    def _work(self) -> None:
        # Every job is marked done whatever happens, so `wait` always returns: a job that
        # raises (or a cursor that cannot be made) is recorded and what follows is dropped.
        cursor = None
        try:
            cursor = self._raw.cursor()
        except BaseException as error:
            self._error, self._failed = error, True
        while (job := self._jobs.get()) is not None:
            try:
                if cursor is not None and not self._failed and not self._closing:
                    with self._wrap_errors:
                        job(cursor)
            except BaseException as error:
                self._error, self._failed = error, True
            finally:
                self._jobs.task_done()
        self._jobs.task_done()
        if cursor is not None:
            cursor.close()
