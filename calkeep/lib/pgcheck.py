"""`python -m calkeep.lib.pgcheck URL`: exit 0 when a PostgreSQL server answers at URL.
The Makefile uses it to decide whether the PostgreSQL test run can happen."""

from __future__ import annotations

import sys


def reachable(url: str) -> bool:
    import psycopg

    # The test run creates its own `test_…` database, so reach the server's `postgres` one.
    base = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(base, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if len(sys.argv) == 2 and reachable(sys.argv[1]) else 1)
