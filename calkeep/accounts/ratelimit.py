"""Per-token rate limit: a fixed window counted in the database.

Each request adds one to its token's row for the current window with a single atomic
upsert (INSERT … ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count), which
SQLite 3.35+ and PostgreSQL both run, so every web process on every machine shares the
count without Redis, and without Django's per-process local-memory cache. A fixed window
lets a burst of up to twice the limit straddle a window boundary; that is the price of one
row per token instead of a log of requests. The first request of a window deletes the
token's older windows, so the table holds about one row per active token."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from calkeep.accounts.models import ApiRateWindow


@dataclass(frozen=True)
class RateLimit:
    requests: int
    seconds: int


class RateLimited(Exception):
    def __init__(self, limit: RateLimit, retry_after: int) -> None:
        super().__init__(
            f"Too many requests: this token may make {limit.requests} requests every "
            f"{limit.seconds} seconds. Try again in {retry_after} seconds."
        )
        self.retry_after = retry_after


def configured_limit() -> RateLimit:
    return RateLimit(settings.API_RATE_LIMIT_REQUESTS, settings.API_RATE_LIMIT_SECONDS)


def count_request(token_id: int, limit: RateLimit | None = None, now: float | None = None) -> None:
    """Count one request; RateLimited when the token is over its limit in this window."""
    limit = limit or configured_limit()
    now = time.time() if now is None else now
    window_start = int(now // limit.seconds) * limit.seconds
    count = _increment(token_id, window_start)
    if count == 1:
        ApiRateWindow.objects.filter(token_id=token_id, window_start__lt=window_start).delete()
    if count > limit.requests:
        raise RateLimited(limit, max(1, math.ceil(window_start + limit.seconds - now)))


def _increment(token_id: int, window_start: int) -> int:
    quote = connection.ops.quote_name
    table = quote(ApiRateWindow._meta.db_table)
    token, start, count = quote("token_id"), quote("window_start"), quote("count")
    sql = (
        f"INSERT INTO {table} ({token}, {start}, {count}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({token}, {start}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"RETURNING {count}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_id, window_start])
        row = cursor.fetchone()
    return int(row[0])
