"""Fixtures for the ingest side: synthetic clips with ground truth, a camera, an S3 server."""
from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from backend.core.actors import SystemActor

# The synthetic counter scene has a 15 s officer absence and a 10 s unattended citizen; the
# production defaults (60 s / 20 s) are for real counters, so the tests use shorter rules.
FAST_RULES = {"unattended_after_s": 5.0, "officer_absent_after_s": 10.0}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """The demo users' passwords are hashed with a fast hasher in these tests (speed only)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("synth")


@pytest.fixture(scope="session")
def counter_clip(synth_dir: Path) -> Any:
    """The 76 s counter scene, H.264 320x180 10 fps, with its ground truth."""
    from media_ingest.vision import synth

    return synth.generate_counter_clip(synth_dir / "counter.mp4", seed=1)


@pytest.fixture(scope="session")
def mpeg4_clip(synth_dir: Path) -> Any:
    """A short MPEG-4 Part 2 clip: not browser-playable, so a proxy must be made."""
    from media_ingest.vision import synth

    scenario = synth.still_person_scenario(duration=12.0)
    return synth.write_clip(synth_dir / "still.mp4", scenario, seed=2, codec="mpeg4")


@pytest.fixture
def fast_rules(settings: Any) -> dict[str, float]:
    settings.MEDIA_ANALYSIS_DEFAULTS = dict(FAST_RULES)
    return FAST_RULES


@pytest.fixture
def eager(settings: Any) -> None:
    """Jobs run synchronously when the transaction commits (needs django_db(transaction=True))."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def camera(demo: Any) -> Any:
    from backend.org.models import Camera

    return Camera.objects.select_related("counter").get(code="CAM-TC-01")


@pytest.fixture
def store() -> Any:
    """The footage bucket (camera uploads)."""
    from backend.core.store import get_footage_store

    return get_footage_store()


@pytest.fixture
def app_store() -> Any:
    """The app's own store (derivatives, documents)."""
    from backend.core.store import get_store

    return get_store()


@pytest.fixture
def put_file(store: Any) -> Callable[[str, Path], Any]:
    def put(key: str, path: Path, content_type: str = "video/mp4") -> Any:
        return store.put_file(key, Path(path), content_type)

    return put


@pytest.fixture
def webhook_token(demo: Any) -> str:
    from backend.accounts.models import ApiToken, Role
    from backend.accounts.services import api_token_create, user_create

    service = user_create(by=SystemActor("test"), username="minio-svc", password=secrets.token_urlsafe(16),
                          role=Role.SERVICE, full_name="MinIO")
    _token, key = api_token_create(by=SystemActor("test"), name="MinIO webhook", kind=ApiToken.Kind.MINIO_WEBHOOK,
                                   user=service)
    return key


def minio_event(bucket: str, key: str, *, size: int, etag: str, version: str = "",
                name: str = "s3:ObjectCreated:Put") -> dict[str, Any]:
    """A notification in the shape MinIO posts to webhook targets."""
    from urllib.parse import quote

    return {
        "EventName": name,
        "Key": f"{bucket}/{key}",
        "Records": [{
            "eventVersion": "2.0",
            "eventSource": "minio:s3",
            "awsRegion": "",
            "eventTime": "2026-04-01T03:00:00.000Z",
            "eventName": name,
            "userIdentity": {"principalId": "minioadmin"},
            "requestParameters": {"principalId": "minioadmin", "region": "", "sourceIPAddress": "10.0.0.5"},
            "responseElements": {"x-amz-request-id": "17C0A0B6D3C9B4E1", "x-minio-origin-endpoint": "http://minio:9000"},
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": "Config",
                "bucket": {"name": bucket, "ownerIdentity": {"principalId": "minioadmin"},
                           "arn": f"arn:aws:s3:::{bucket}"},
                "object": {"key": quote(key), "size": size, "eTag": etag, "versionId": version,
                           "contentType": "video/mp4", "userMetadata": {"content-type": "video/mp4"},
                           "sequencer": "17C0A0B6D4A1F2C3"},
            },
            "source": {"host": "10.0.0.5", "port": "", "userAgent": "MinIO (linux; amd64) minio-go/v7"},
        }],
    }


# --- a local S3-compatible server (moto) for the MinIO adapter -------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1, spoken to over HTTP by the minio SDK."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def minio_store(s3_server: str, settings: Any) -> Iterator[Any]:
    """Settings in scaled-store mode against the local S3 server, fresh buckets per test (footage and
    the app's own); yields the footage store."""
    from backend.core.store import get_footage_store, get_store, stores_reset

    bucket = f"cw-{secrets.token_hex(4)}"
    settings.MINIO_ENDPOINT = s3_server
    settings.MINIO_ACCESS_KEY = "testing"
    settings.MINIO_SECRET_KEY = "testing"
    settings.MINIO_BUCKET = bucket
    settings.MINIO_APP_BUCKET = f"{bucket}-app"
    settings.MINIO_SECURE = False
    stores_reset()
    store = get_footage_store()
    store.ensure_bucket()
    get_store().ensure_bucket()
    yield store
    stores_reset()
