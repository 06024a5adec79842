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
    result = _run({"DATABASE_URL": "postgres://u@127.0.0.1:5432/x"})
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_debug_off_without_secret_stops_with_a_clear_message():
    result = _run({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


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
