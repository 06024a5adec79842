"""Machinery for the ingest fault tests: a throwaway PostgreSQL database and Redis db, real Celery
worker processes (killable), an S3 server (moto) behind a TCP proxy that can cut the network."""
from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
CELERY = str(ROOT / ".venv" / "bin" / "celery")
PG_ADMIN = os.environ.get("FAULTS_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_BASE = os.environ.get("FAULTS_REDIS_URL", "redis://127.0.0.1:6379")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def services_reachable() -> str:
    """'' when PostgreSQL and Redis answer, else why not."""
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=2).close()
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL not reachable at {PG_ADMIN}: {exc}"
    try:
        import redis

        redis.Redis.from_url(REDIS_BASE + "/0", socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis not reachable at {REDIS_BASE}: {exc}"
    return ""


class Cluster:
    """One dedicated database + Redis db + object folder; start/kill workers; query state."""

    def __init__(self, tmp: Path) -> None:
        import psycopg

        self.tmp = tmp
        self.db = f"cw_faults_{secrets.token_hex(4)}"
        self.redis_db = 8 + secrets.randbelow(8)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db}"')
        base = PG_ADMIN.rsplit("/", 1)[0]
        self.db_url = f"{base}/{self.db}"
        redis_url = f"{REDIS_BASE}/{self.redis_db}"
        self._redis().flushdb()
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("DJANGO_", "MINIO_", "COUNTERWATCH_", "CELERY_", "PYTEST", "TEST_DB"))}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "backend.settings", "DATABASE_URL": self.db_url, "REDIS_URL": redis_url,
            # the scaled mode needs one shared key (never one from the source)
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
            "CELERY_BROKER_URL": redis_url, "COUNTERWATCH_VAR_DIR": str(tmp / "var"),
            "COUNTERWATCH_OBJECTS_DIR": str(tmp / "objects"), "COUNTERWATCH_BACKGROUND": "0",
            "RECONCILE_INTERVAL_SECONDS": "2", "MEDIA_REQUEUE_QUEUED_AFTER_SECONDS": "20", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
        })
        self.workers: list[subprocess.Popen[bytes]] = []
        self.django("migrate", "--noinput", "-v0")
        self.shell("from backend.org.demo import DemoContext, seed; seed(DemoContext())")

    def _redis(self) -> Any:
        import redis

        return redis.Redis.from_url(f"{REDIS_BASE}/{self.redis_db}")

    def django(self, *args: str, env: dict[str, str] | None = None) -> str:
        out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env or self.env, capture_output=True,
                             text=True, timeout=300)
        if out.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def shell(self, code: str, env: dict[str, str] | None = None) -> str:
        return self.django("shell", "-c", code, env=env)

    # --- workers ----------------------------------------------------------------------------------
    def start_worker(self, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        n = len(self.workers)
        log = (self.tmp / f"worker-{n}.log").open("wb")
        proc = subprocess.Popen(
            [CELERY, "-A", "backend", "worker", "-Q", "ingest,default,celery", "-c", "1", "-B",
             "-s", str(self.tmp / "beat-schedule"), "-n", f"faults{n}@%h", "--loglevel=WARNING",
             "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """kill -9 the worker and every process of its group (pool child, beat): a machine dying."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                self.kill(proc)

    # --- state -----------------------------------------------------------------------------------
    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        for attempt in range(60):
            try:
                with psycopg.connect(self.db_url, autocommit=True, connect_timeout=2) as conn:
                    return conn.execute(sql, params).fetchall()
            except psycopg.OperationalError:
                if attempt == 59:
                    raise
                time.sleep(0.5)  # the database is restarting
        return []

    def states(self, bucket: str) -> dict[str, int]:
        rows = self.query("SELECT state, count(*) FROM media_ingest_clip WHERE bucket=%s GROUP BY state", (bucket,))
        return {state: n for state, n in rows}

    def wait_all_indexed(self, bucket: str, expected: int, timeout: float) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        states: dict[str, int] = {}
        while time.monotonic() < deadline:
            states = self.states(bucket)
            if states.get("indexed", 0) >= expected and sum(states.values()) == states.get("indexed", 0):
                return states
            time.sleep(0.5)
        return states

    def close(self) -> None:
        import psycopg

        self.stop_all()
        try:
            self._redis().flushdb()
        except Exception:  # noqa: BLE001
            pass
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')


# --- a TCP proxy that can cut the network to the store ------------------------------------------
class CuttableProxy:
    """127.0.0.1:port -> target. `cut()` closes the listener and every open connection (clients
    get connection refused/reset); `restore()` listens again on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.base_events.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.restore()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self.writers.update({writer, up_writer})
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.writers.difference_update({writer, up_writer})

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)

    def restore(self) -> None:
        async def start() -> None:
            self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

        self._run(start())

    def cut(self) -> None:
        async def stop() -> None:
            if self.server is not None:
                self.server.close()
                await self.server.wait_closed()
                self.server = None
            for w in list(self.writers):
                w.transport.abort()
            self.writers.clear()

        self._run(stop())

    def close(self) -> None:
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)


@contextmanager
def moto_server() -> Iterator[int]:
    port = free_port()
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def synth_clip(path: Path, seconds: float = 20.0) -> Path:
    from media_ingest.vision import synth

    synth.write_clip(path, synth.still_person_scenario(duration=seconds), seed=7, faststart=True)
    return path


if __name__ == "__main__":  # pragma: no cover - manual poking
    print(services_reachable() or "ok", file=sys.stderr)
