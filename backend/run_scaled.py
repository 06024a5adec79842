"""`make run-scaled`: the scaled mode on one machine without Docker, to try it before deploying.

PostgreSQL and Redis come from the machine (DATABASE_URL / REDIS_URL / CELERY_BROKER_URL, with local
defaults); MinIO is stood in for by moto's S3 server on 127.0.0.1 (in memory: footage uploaded here
is gone when it stops; a real install points MINIO_ENDPOINT at MinIO). The Celery workers are started
exactly as docker-compose.yml declares them (their queues), plus beat and one ASGI process. Ctrl-C
stops everything. Nothing here is used by the product itself.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import cast
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def compose_worker_commands() -> dict[str, list[str]]:
    """The Celery worker services of docker-compose.yml and their commands (queues included)."""
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return {name: svc["command"] for name, svc in services.items()
            if svc.get("command", [None])[0] == "celery" and "worker" in svc["command"]}


def _ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# Long on purpose: a launcher script that starts each local service in order and stops them on exit.
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--s3-port", type=int, default=9000)
    parser.add_argument("serve_flags", nargs="*", help="uvicorn flags (the Makefile's SERVE_FLAGS)")
    args = parser.parse_args(argv)

    from moto.server import ThreadedMotoServer

    from backend import env as envhelp

    var = Path(os.environ.get("COUNTERWATCH_VAR_DIR") or ROOT / "var" / "scaled")
    var.mkdir(parents=True, exist_ok=True)
    database = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/counterwatch_scaled"
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2"
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or envhelp.generated_secret(var / "secret_key"),
        "DATABASE_URL": database, "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL") or redis_url.rsplit("/", 1)[0] + "/3",
        "MINIO_ENDPOINT": f"127.0.0.1:{args.s3_port}", "MINIO_ACCESS_KEY": "testing", "MINIO_SECRET_KEY": "testing",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "MINIO_BUCKET": os.environ.get("MINIO_BUCKET") or "counterwatch",
        "MINIO_APP_BUCKET": os.environ.get("MINIO_APP_BUCKET") or "counterwatch-app",
        "COUNTERWATCH_VAR_DIR": str(var), "DJANGO_SECURE_COOKIES": os.environ.get("DJANGO_SECURE_COOKIES", "0"),
        "DJANGO_CSRF_TRUSTED_ORIGINS": os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS")
        or f"http://{args.host}:{args.port},http://localhost:{args.port}",
        "PYTHONUNBUFFERED": "1",
    }
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)  # `kill` stops the children too, like Ctrl-C
    _ensure_database(database)
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=args.s3_port, verbose=False)
    s3.start()
    from minio import Minio
    from minio.versioningconfig import ENABLED, VersioningConfig

    direct = Minio(environ["MINIO_ENDPOINT"], access_key="testing", secret_key="testing", secure=False)
    for bucket in (environ["MINIO_BUCKET"], environ["MINIO_APP_BUCKET"]):  # what minio-init does in compose
        if not direct.bucket_exists(bucket):
            direct.make_bucket(bucket)
    direct.set_bucket_versioning(environ["MINIO_BUCKET"], VersioningConfig(ENABLED))
    procs: list[subprocess.Popen[bytes]] = []

    def stop(*_: object) -> None:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        s3.stop()

    def start(command: list[str]) -> None:
        procs.append(subprocess.Popen(command, cwd=ROOT, env=environ, start_new_session=True))

    try:
        python = str(BIN / "python")
        for step in (["migrate", "--noinput", "-v0"], ["seed_demo", "--if-empty"]):
            subprocess.run([python, "manage.py", *step], cwd=ROOT, env=environ, check=True)
        for name, command in compose_worker_commands().items():
            start([str(BIN / "celery"), *command[1:], "-n", f"{name}@%h"])
        start([str(BIN / "celery"), "-A", "backend", "beat", "--loglevel", "INFO", "-s", str(var / "celerybeat")])
        start([str(BIN / "uvicorn"), "backend.asgi:application", "--host", args.host, "--port", str(args.port),
               *args.serve_flags])
        print(f"\nCounterwatch (scaled mode) on http://{args.host}:{args.port}/ — PostgreSQL {database}, Redis "
              f"{redis_url}, S3 (moto) on 127.0.0.1:{args.s3_port}, workers: {', '.join(compose_worker_commands())}."
              " Ctrl-C stops.\n", flush=True)
        while all(proc.poll() is None for proc in procs):
            time.sleep(1)
        failed = next(proc for proc in procs if proc.poll() is not None)
        print(f"a process stopped ({' '.join(map(str, cast(list[str], failed.args)))[:120]}); stopping the rest", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
