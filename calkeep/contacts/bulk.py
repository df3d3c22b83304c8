"""Inserting and updating tens of thousands of rows inside the caller's transaction, in the
way each backend does fastest: on SQLite, prepared statements run row after row on the
connection itself (everything stays in process); on PostgreSQL, COPY, with new ids taken
from the table's sequence first. Django's bulk_create spends about 100 µs a contact on SQLite
(it batches 39 rows at a time: 999 parameters) and bulk_update nearly a millisecond (one CASE
per field per row); these do the same writes in a few µs a row.

Values go through the same adaptation Django uses (JSON as the backend stores it, datetimes
as the backend expects them); text and integers are passed as they are, so callers give
exactly the values the columns hold (no None for a text column, no auto_now to fill in).
A JSON column named in `encoded` takes its values already as JSON text (`json_text`), so a
caller that needs the same text twice (a contact's lists in its row and in its change
record) encodes it once."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models

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
    """INSERT each row (values in the order of `attnames`)."""
    prepared = _prepared(model, attnames, rows, encoded=encoded)
    if connection.vendor == "postgresql":
        _copy(model, attnames, prepared)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(_insert_sql(model, attnames), cast(Any, prepared))


def insert_rows_returning_ids(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Sequence[_Row],
    encoded: Collection[str] = (),
) -> list[int]:
    """INSERT each row and give the new primary keys, in the order of the rows."""
    if connection.vendor == "postgresql":
        ids = _next_ids(model, len(rows))
        with_ids = ((pk, *row) for pk, row in zip(ids, rows, strict=True))
        prepared = _prepared(model, attnames, with_ids, 1, encoded)
        _copy(model, [model._meta.pk.attname, *attnames], prepared)
        return ids
    connection.ensure_connection()
    sql = _insert_sql(model, attnames).replace("%s", "?")
    raw = connection.connection.cursor()
    try:
        ids = []
        for values in _prepared(model, attnames, rows, encoded=encoded):
            raw.execute(sql, values)
            ids.append(raw.lastrowid)
        return ids
    finally:
        raw.close()


def update_rows(model: type[models.Model], attnames: Sequence[str], rows: Iterable[_Row]) -> None:
    """UPDATE ... SET each of `attnames` WHERE pk = the row's last value."""
    meta = model._meta
    assignments = ", ".join(f"{_column(model, a)} = %s" for a in attnames)
    key = _column(model, meta.pk.attname)
    sql = f"UPDATE {_table(model)} SET {assignments} WHERE {key} = %s"
    prepared = _prepared(model, [*attnames, meta.pk.attname], rows)
    with connection.cursor() as cursor:
        cursor.executemany(sql, cast(Any, prepared))


def _insert_sql(model: type[models.Model], attnames: Sequence[str]) -> str:
    columns = ", ".join(_column(model, a) for a in attnames)
    marks = ", ".join(["%s"] * len(attnames))
    return f"INSERT INTO {_table(model)} ({columns}) VALUES ({marks})"


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


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    if not count:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [str(meta.db_table), str(meta.pk.column), count],
        )
        return sorted(pk for (pk,) in cursor.fetchall())


def _copy(model: type[models.Model], attnames: Sequence[str], rows: Iterable[_Row]) -> None:
    columns = ", ".join(_column(model, a) for a in attnames)
    statement = f"COPY {_table(model)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
