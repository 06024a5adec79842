import json
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "backend.settings",
            "COUNTERWATCH_VAR_DIR": str(ROOT / "var" / "settings-test")}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def test_no_env_means_embedded():
    result = _run({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_means_postgresql():
    result = _run({"DATABASE_URL": "postgres://u@127.0.0.1:5432/x", "DJANGO_SECRET_KEY": "k" * 50})
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_scaled_mode_without_secret_stops_with_a_clear_message():
    result = _run({"DATABASE_URL": "postgres://u@127.0.0.1:5432/x"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def _settings_of(var_dir: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps({'debug': settings.DEBUG, 'key': settings.SECRET_KEY, "
            "'secure': settings.SESSION_COOKIE_SECURE}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "backend.settings",
                                 "COUNTERWATCH_VAR_DIR": str(var_dir), **(env or {})})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_default_start_has_debug_off_and_a_generated_private_key(tmp_path):
    """Issue 11.2: `make run` as shipped served tracebacks and signed with a key from the source."""
    first = _settings_of(tmp_path)
    assert first["debug"] is False
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first["key"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first["key"]) >= 50
    assert first["key"] not in (ROOT / "backend" / "settings.py").read_text()
    assert first["secure"] is False  # plain HTTP on 127.0.0.1 must still be able to log in
    again = _settings_of(tmp_path)
    assert again["key"] == first["key"]  # reused: sessions survive a restart
    other = _settings_of(tmp_path / "other")
    assert other["key"] != first["key"]  # never a shared constant


def test_a_readable_key_file_is_tightened_and_a_short_one_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("x" * 60)
    key_file.chmod(0o644)
    assert _settings_of(tmp_path)["key"] == "x" * 60
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key_file.write_text("short")
    result = _run({"COUNTERWATCH_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0 and "no usable secret key" in result.stderr


def test_debug_only_when_asked_for(tmp_path):
    assert _settings_of(tmp_path, {"DJANGO_DEBUG": "1"})["debug"] is True
    assert _settings_of(tmp_path, {"DJANGO_DEBUG": "0"})["debug"] is False


def test_the_default_start_serves_no_debug_page(tmp_path):
    """An error page from the app as `make run` starts it carries no traceback or URLconf listing."""
    code = ("import django; django.setup(); from django.test import Client; "
            "r = Client().get('/api/no-such-endpoint-xyz/'); print(r.status_code); print(r.content.decode()[:4000])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "backend.settings",
                                 "COUNTERWATCH_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.split("\n", 1)
    assert status == "404"
    assert "URLconf" not in body and "Traceback" not in body and "DEBUG = True" not in body


def test_minio_without_keys_stops_with_a_clear_message():
    result = _run({"MINIO_ENDPOINT": "127.0.0.1:9000"})
    assert result.returncode != 0
    assert "MINIO_ACCESS_KEY is not set" in result.stderr


def test_settings_time_zone_and_languages():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


def test_env_example_lists_every_variable_the_settings_read():
    """README and .env.example are the operator's reference: every variable read in backend/
    through the env helper appears in .env.example."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    read = set()
    for source in (root / "backend").glob("*.py"):
        read |= set(re.findall(r'env\.(?:get\w*|require)\(\s*"([A-Z][A-Z0-9_]+)"', source.read_text()))
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (root / ".env.example").read_text(), re.M))
    assert read, "no variables found: the pattern no longer matches backend/settings.py"
    assert read - listed == set()
