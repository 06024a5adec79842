"""Test shim: the real settings module, read with a throwaway var dir and a lenient login rate."""
import os
import secrets
import tempfile

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
