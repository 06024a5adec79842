"""Test shim: the real settings module, read with a throwaway var dir and a lenient login rate."""
import os
import secrets
import tempfile

# Under pytest-xdist each worker is its own process with its own var dir (store folders, SQLite files) and,
# in the scaled pass, its own Redis database (cache counters, channel groups): the controller's environment,
# which the workers inherit, must not make them share either.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker:
    os.environ["COUNTERWATCH_VAR_DIR"] = tempfile.mkdtemp(prefix=f"cw-test-{_worker}-")
    if os.environ.get("REDIS_URL"):
        _n = 1 + int(_worker.removeprefix("gw") or 0)  # db 1.. for the workers; 8-15 are the started stacks'
        _base = os.environ["REDIS_URL"].rstrip("/")
        _base = _base.rsplit("/", 1)[0] if _base.rsplit("/", 1)[-1].isdigit() else _base
        os.environ["REDIS_URL"] = f"{_base}/{_n}"
        if os.environ.get("CELERY_BROKER_URL"):
            os.environ["CELERY_BROKER_URL"] = os.environ["REDIS_URL"]
os.environ.setdefault("COUNTERWATCH_VAR_DIR", tempfile.mkdtemp(prefix="cw-test-"))
os.environ.setdefault("LOGIN_THROTTLE_RATE", "10000/min")
os.environ.setdefault("COUNTERWATCH_BACKGROUND", "0")
# Most tests sign in as demo users of every role with a password; the two-factor tests turn the
# requirement on themselves (override_settings).
os.environ.setdefault("TWO_FACTOR_REQUIRED_ROLES", "")
# One random key per test run, shared with the servers the tests start (the scaled pass needs one).
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from backend.settings import *  # noqa: E402,F403

# Tests create many users; the real PBKDF2 cost only slows them down.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Redis pub/sub channels are shared by every database of a server: a worker's broadcasts would reach the
# other worker's consumers (a "nothing arrives on a refused topic" test then saw the other's event).
if _worker and REDIS_URL:  # noqa: F405
    _layer: dict = CHANNEL_LAYERS["default"]  # type: ignore[assignment]  # noqa: F405
    _layer["CONFIG"]["prefix"] = f"asgi-{_worker}"
