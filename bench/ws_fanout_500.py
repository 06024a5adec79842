"""Websocket fan-out on the Redis channel layer: p95 delivery delay at 500 clients on 2 processes
(target <= 150 ms), then 2,000 clients on 4 processes.

A thin wrapper: bench/ws_fanout.py (owned by the review side) already takes --clients and
--servers; this runs it twice so `make bench` prints both figures. Extra arguments are passed
through (e.g. --rounds 10). Needs Redis (REDIS_URL, default redis://127.0.0.1:6379/0); prints why
and exits 0 when it is not reachable. `--only-500` skips the 2,000-client run.
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
    extra = [a for a in sys.argv[1:] if a != "--only-500"]
    runs = [("500", "2")] + ([] if "--only-500" in sys.argv else [("2000", "4")])
    for clients, servers in runs:
        args = ["--clients", clients, "--servers", servers, "--rounds", "5", *extra]
        print(f"\nws_fanout_500: bench/ws_fanout.py {' '.join(args)}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / "ws_fanout.py"), *args])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
