"""Counterwatch settings: one module, the environment decides the mode (see backend/env.py)."""
from __future__ import annotations

import re
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from backend import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env.get_path("COUNTERWATCH_VAR_DIR", BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

# DEBUG only when asked for: it serves tracebacks and settings to whoever triggers an error.
DEBUG = env.get_bool("DJANGO_DEBUG", False)
DATABASE_URL = env.get_str("DATABASE_URL")
# The secret key signs sessions and object URLs. Never a string from the source: set it, or (embedded
# mode only) let the first start generate one into var/secret_key (0600) that later starts reuse.
# The scaled mode runs processes on several machines that must share one key, so it must be set.
SECRET_KEY = env.get_str("DJANGO_SECRET_KEY") or (
    env.require("DJANGO_SECRET_KEY", reason="The scaled mode (DATABASE_URL set) needs one key shared by "
                "every process.")
    if DATABASE_URL else env.generated_secret(VAR_DIR / "secret_key")
)

ALLOWED_HOSTS = env.get_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.get_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", ["http://127.0.0.1:8000", "http://localhost:8000"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "channels",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "backend.core",
    "backend.accounts",
    "backend.audit",
    "backend.org",
    "inspection",
    "inspection.accountability",
    "media_ingest",
    "media_ingest.review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "backend.core.middleware.ApiNoStoreMiddleware",
]

ROOT_URLCONF = "backend.urls"
ASGI_APPLICATION = "backend.asgi.application"
# Threads per server process that run requests' (sync) Django work side by side (backend/core/asgi.py);
# each keeps its database connection between requests as CONN_MAX_AGE allows.
HTTP_THREADS = env.get_int("HTTP_THREADS", 8, minimum=1)
AUTH_USER_MODEL = "accounts.User"

FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# --- database: SQLite file under var/ unless DATABASE_URL is set -------------------------
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "counterwatch.sqlite3"),
            # Kept 60 s, as PostgreSQL's: a new connection's first query parses the whole schema (~5 ms
            # a request). A kept connection read an old WAL snapshot while a statement an earlier
            # request left unfinished held its read transaction (a request saw the report as it was
            # before the previous request saved it, in the browser journey): the statements left open
            # are closed at each request's edges (backend/core/sqlite_reads.py).
            "CONN_MAX_AGE": 60,
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE",
                        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"},
        }
    }
_test_db_name = env.get_str("TEST_DB_NAME")
if _test_db_name:
    DATABASES["default"]["TEST"] = {"NAME": _test_db_name}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SCALED_DB = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- channel layer: in-memory unless REDIS_URL is set --------------------------------------
REDIS_URL = env.get_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Redis pub/sub: a group_send is one PUBLISH that each server process receives once and
            # hands to its own subscribed consumers. The list-based RedisChannelLayer wrote one
            # copy per consumer and each process popped them one round trip at a time: the
            # fan-out to 500 reviewers took p95 320 ms (bench/ws_fanout_500.py). Broadcasts are
            # the layer's only use here (no worker channels), and a reviewer who misses one while
            # reconnecting reloads the clip's tags anyway, as before.
            # One decode per message per process, not per consumer (backend/core/channel_layer.py).
            "BACKEND": "backend.core.channel_layer.SharedDecodePubSubLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL}]},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- background jobs: in-process pool unless CELERY_BROKER_URL is set ----------------------
CELERY_BROKER_URL = env.get_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = env.get_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
JOB_WORKERS = env.get_int("JOB_WORKERS", 2, minimum=1)

# --- object store: a folder under var/objects/ unless MINIO_ENDPOINT is set ----------------
MINIO_ENDPOINT = env.get_str("MINIO_ENDPOINT")
MINIO_BUCKET = env.get_str("MINIO_BUCKET", "counterwatch")
# the app's own bucket (embedded: the folder OBJECTS_DIR/<name>): derivatives, minutes, evidence,
# packages, case documents. Never the footage bucket: reconcile indexes everything in that one.
MINIO_APP_BUCKET = env.get_str("MINIO_APP_BUCKET", "counterwatch-app")
MINIO_SECURE = env.get_bool("MINIO_SECURE", False)
MINIO_REGION = env.get_str("MINIO_REGION", "us-east-1")
MINIO_PUBLIC_ENDPOINT = env.get_str("MINIO_PUBLIC_ENDPOINT")  # host:port browsers reach, if different
if MINIO_ENDPOINT:
    MINIO_ACCESS_KEY = env.require("MINIO_ACCESS_KEY", reason="MINIO_ENDPOINT is set.")
    MINIO_SECRET_KEY = env.require("MINIO_SECRET_KEY", reason="MINIO_ENDPOINT is set.")
else:
    MINIO_ACCESS_KEY = MINIO_SECRET_KEY = ""
OBJECTS_DIR = env.get_path("COUNTERWATCH_OBJECTS_DIR", VAR_DIR / "objects")
PLAYBACK_URL_TTL_SECONDS = env.get_int("PLAYBACK_URL_TTL_SECONDS", 300, minimum=10)
# Custody log (media_ingest/review/custody_repeats.py): the same footage access repeated within this
# many seconds of the last one is counted on one entry (0: a row per access); an entry spans at most
# an hour. Each repeat is still its own audit event. Playback/download links per person: a DRF rate.
CUSTODY_REPEAT_SECONDS = env.get_int("CUSTODY_REPEAT_SECONDS", 300, minimum=0)
CUSTODY_REPEAT_MAX_SPAN_SECONDS = 3600
PLAYBACK_THROTTLE_RATE = env.get_str("PLAYBACK_THROTTLE_RATE", "60/min")
# Ed25519 seed (base64, 32 bytes) that signs evidence manifests; empty = derived from SECRET_KEY.
EVIDENCE_SIGNING_KEY = env.get_str("EVIDENCE_SIGNING_KEY")
RECONCILE_INTERVAL_SECONDS = env.get_int("RECONCILE_INTERVAL_SECONDS", 60, minimum=1)
# a clip queued this long ago and never started is queued again (its message died with a worker)
MEDIA_REQUEUE_QUEUED_AFTER_SECONDS = env.get_int("MEDIA_REQUEUE_QUEUED_AFTER_SECONDS", 1800, minimum=1)
# a clip that failed because the store stayed unreachable is retried by reconcile after this wait,
# until it has been claimed MEDIA_MAX_ATTEMPTS times in all
MEDIA_RETRY_FAILED_AFTER_SECONDS = env.get_int("MEDIA_RETRY_FAILED_AFTER_SECONDS", 600, minimum=1)
MEDIA_MAX_ATTEMPTS = env.get_int("MEDIA_MAX_ATTEMPTS", 30, minimum=1)
MEDIA_BACKGROUND = env.get_bool("COUNTERWATCH_BACKGROUND", True)
# scaled mode: Celery beat runs the always-on reconcile scan (embedded: a thread, see asgi.py)
from celery.schedules import crontab  # noqa: E402 - beside the only schedule that needs it

# footage is kept this many days unless the camera has its own period; clips on legal hold never go
MEDIA_RETENTION_DAYS = env.get_int("MEDIA_RETENTION_DAYS", 90, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "media-reconcile": {"task": "media_ingest.reconcile", "schedule": float(RECONCILE_INTERVAL_SECONDS)},
    # daily at 02:30 local time (CELERY_TIMEZONE); the embedded mode runs it from the reconcile thread
    "media-retention": {"task": "media_ingest.retention", "schedule": crontab(hour=2, minute=30)},
}

# --- auth ------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    # a password like the username, name or email, with or without diacritics (issue 15, S2-3: "inspector"
    # for the user inspector); every place a password is set passes the user (accounts.passwords.password_problems)
    {"NAME": "backend.accounts.passwords.FoldedUserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Cookies only over HTTPS: the default in the scaled mode (deployed behind TLS); the embedded mode
# serves plain HTTP on 127.0.0.1 by default, so it defaults to off.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.get_bool("DJANGO_SECURE_COOKIES", bool(DATABASE_URL))
SESSION_COOKIE_AGE = 60 * 60 * 10
# The client address is the TCP peer (REMOTE_ADDR). Only when the peer is one of these proxies
# (IPs or CIDR blocks) is X-Forwarded-For read: its right-most hop that is not a trusted proxy.
TRUSTED_PROXIES = env.get_ip_networks("TRUSTED_PROXIES")
# Per-account lockout: this many failed sign-ins (password or code) within the window lock the
# username for LOGIN_LOCKOUT_SECONDS, whether or not such an account exists.
LOGIN_LOCKOUT_ATTEMPTS = env.get_int("LOGIN_LOCKOUT_ATTEMPTS", 5, minimum=1)
LOGIN_LOCKOUT_WINDOW_SECONDS = env.get_int("LOGIN_LOCKOUT_WINDOW_SECONDS", 900, minimum=1)
LOGIN_LOCKOUT_SECONDS = env.get_int("LOGIN_LOCKOUT_SECONDS", 900, minimum=1)
# Two-factor sign-in (TOTP, django-otp): roles that must enrol before using anything else.
TWO_FACTOR_REQUIRED_ROLES = env.get_list("TWO_FACTOR_REQUIRED_ROLES", ["admin", "inspection_lead", "disciplinary"])
TWO_FACTOR_PENDING_SECONDS = env.get_int("TWO_FACTOR_PENDING_SECONDS", 600, minimum=30)
TWO_FACTOR_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "Counterwatch"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backend.accounts.authentication.CsrfSessionAuthentication",
        "backend.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "backend.core.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "backend.core.pagination.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "backend.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "backend.core.errors.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "backend.core.negotiation.Negotiation",
    "DEFAULT_THROTTLE_RATES": {
        "login": env.get_str("LOGIN_THROTTLE_RATE", "10/min"),
        "device": env.get_str("DEVICE_THROTTLE_RATE", "600/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Counterwatch API",
    "DESCRIPTION": "Kiểm tra, giám sát và truy trách nhiệm — Công an tỉnh. "
    "Inspection, footage review and leader accountability.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # one component per choice set met under several field names (backend/core/schema.py)
    # every operation's error statuses answer the one error envelope (backend/core/schema.declare_errors)
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "backend.core.schema.declare_errors"],
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "backend.accounts.models.Role",
        "UserLanguageEnum": "backend.core.schema.user_languages",
        "ApiTokenKindEnum": "backend.accounts.models.ApiToken.Kind",
        "TeamGrantKindEnum": "backend.accounts.models.TeamGrant.Kind",
        "TeamGrantStateEnum": "backend.accounts.models.TeamGrant.State",
        "OfficerWarningCodeEnum": "backend.accounts.apis_grants.OFFICER_WARNING_CODES",
        "AssignableRoleEnum": "backend.core.schema.assignable_roles",
        "SignInStageEnum": "backend.core.schema.SIGN_IN_STAGES",
        "SeverityEnum": "inspection.models.common.Severity",
        "AbsenceKindEnum": "inspection.models.draws.InspectorAbsence.Kind",
        "DrawStateEnum": "inspection.models.draws.Draw.State",
        "CheckStateEnum": "inspection.models.checks.SurpriseCheck.State",
        "ComplaintStateEnum": "inspection.models.complaints.Complaint.State",
        "CsvImportStateEnum": "inspection.models.ratings.CsvImport.State",
        "FindingStateEnum": "inspection.models.findings.Finding.State",
        "FindingSourceEnum": "inspection.models.findings.Finding.Source",
        "FindingExplanationKindEnum": "inspection.models.findings.FindingExplanation.Kind",
        "FindingSubjectRoleEnum": "inspection.models.findings.FindingSubject.Role",
        "LiabilityStateEnum": "inspection.accountability.models.LeaderLiability.State",
        "LeaderRoleEnum": "inspection.accountability.models.LeaderLiability.Role",
        "TenureRoleEnum": "inspection.accountability.apis.outputs.TENURE_ROLES",
        "EmulationCodeEnum": "inspection.accountability.apis.outputs.CONSEQUENCE_CODES",
        "LimitationStatusEnum": "inspection.accountability.apis.case_outputs.LIMITATION_STATUSES",
        "TaskStatusEnum": "inspection.accountability.apis.tasks.TASK_STATUSES",
        "RemapHoldCodeEnum": "media_ingest.apis_remap.HOLD_CODES",
        "HomeToneEnum": "inspection.home.CARD_TONES",
        "CaseStateEnum": "inspection.accountability.models.DisciplinaryCase.State",
        "AppealResultEnum": "inspection.accountability.models.DisciplinaryCase.AppealResult",
        "ClipStateEnum": "media_ingest.models.Clip.State",
        "EvidencePackageStateEnum": "media_ingest.review.models.EvidencePackage.State",
    },
    # Shapes no serializer answers as a whole, named once so the web app's types are generated from them:
    # `BiText`, a message in both languages whose other keys are the detail its code carries (a draw's
    # warnings: inspection/apis/draws.DrawWarningsField); `Viewer`, a row of the review websocket's
    # `presence` message (media_ingest/review/presence.viewers_of, docs/websocket.md), not an HTTP answer.
    "APPEND_COMPONENTS": {"schemas": {
        "BiText": {"type": "object", "required": ["code", "vi", "en"], "additionalProperties": {},
                   "description": "A message in both languages; the other keys are the detail its code carries.",
                   "properties": {"code": {"type": "string"}, "vi": {"type": "string"}, "en": {"type": "string"}}},
        "Viewer": {"type": "object", "required": ["user_id", "name", "position"],
                   "description": "Someone viewing a clip: a row of the review websocket's `presence` message "
                                  "(docs/websocket.md).",
                   "properties": {"user_id": {"type": "integer"}, "name": {"type": "string"},
                                  "position": {"type": "number", "format": "double", "nullable": True,
                                               "description": "Seconds into the clip, null until the viewer "
                                                              "says"}}},
    }},
}

# --- i18n / time -----------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [p for p in [FRONTEND_DIST] if p.exists()]
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.exists() else None
# Serve the apps' static files (admin, DRF) straight from their packages, DEBUG or not: the embedded
# mode has no collectstatic step.
WHITENOISE_USE_FINDERS = True


def _vite_hashed_asset(path: str, url: str) -> bool:
    """The web app's build names each file under /assets/ after a hash of its content
    (`index-BRvx2x1K.js`): such a URL never changes what it serves, so browsers keep it for a
    year and more without asking again (WhiteNoise sends `max-age=315360000, immutable`); index.html is
    not hashed and is revalidated every time."""
    return url.startswith("/assets/") and re.fullmatch(r"/assets/.+-[0-9A-Za-z_-]{8,}\.\w+", url) is not None


WHITENOISE_IMMUTABLE_FILE_TEST = _vite_hashed_asset
# Every request body but uploaded files (JSON included: backend/core/parsers.py); over it is a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.get_int("REQUEST_BODY_MAX_BYTES", 1024 * 1024, minimum=64 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
