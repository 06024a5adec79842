"""Tell whether PostgreSQL and Redis are reachable (used by `make test`; no Django needed).

Prints the environment for the scaled test run on stdout and exits 0, or exits 1 with a reason.
"""
from __future__ import annotations

import os
import socket
import sys
from urllib.parse import urlparse

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def main() -> int:
    db = os.environ.get("DATABASE_URL") or DEFAULT_DB
    redis = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    if not reachable(db, 5432):
        print(f"PostgreSQL not reachable at {db}", file=sys.stderr)
        return 1
    if not reachable(redis, 6379):
        print(f"Redis not reachable at {redis}", file=sys.stderr)
        return 1
    print(f"DATABASE_URL={db} REDIS_URL={redis} "
          f"CELERY_BROKER_URL={os.environ.get('CELERY_BROKER_URL') or redis}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
