"""Websocket fan-out at 500 clients on the Redis channel layer: p95 delivery delay.

A thin wrapper: bench/ws_fanout.py (owned by the review side) already takes --clients; this runs
it with 500 clients over 2 uvicorn processes so `make bench` prints the issue's figure. Extra
arguments are passed through (e.g. --rounds 10). Needs Redis (REDIS_URL, default
redis://127.0.0.1:6379/0); prints why and exits 0 when it is not reachable.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        print(f"ws_fanout_500: skipped, Redis not reachable at {redis_url} ({exc})")
        return 0
    args = ["--clients", "500", "--servers", "2", "--rounds", "5", *sys.argv[1:]]
    print("ws_fanout_500: bench/ws_fanout.py", " ".join(args), flush=True)
    return subprocess.call([sys.executable, str(HERE / "ws_fanout.py"), *args])


if __name__ == "__main__":
    sys.exit(main())
