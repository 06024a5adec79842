"""Object store adapter: one interface, two implementations, two stores.

Embedded: a folder (settings.OBJECTS_DIR/<bucket>/<key>). Scaled: MinIO via the `minio` SDK.
Keys use forward slashes.

Footage and what the app writes never share a namespace (the shared DESIGN.md, ../shared/DESIGN.md from the
repository root, "Domain", "Store layout and retention"):
- `get_footage_store()`: the footage bucket (settings.MINIO_BUCKET). Camera uploads only; the
  reconcile scan and the webhook read it, and only media_ingest touches it.
- `get_store()`: the app's own bucket (settings.MINIO_APP_BUCKET; embedded: its own folder).
  Derivatives of clips (`<clip key>.derived/<clip id>/<name>`), minutes PDFs, evidence files and
  packages, case documents, imports. Anything the app writes goes here.
"""
from __future__ import annotations

import builtins
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Protocol

from django.conf import settings

from backend.core.errors import DomainError


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    etag: str
    version: str
    last_modified: datetime
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class ObjectVersion:
    """One stored version of a key, or a delete marker (no bytes). `version` is the store's raw
    version id ("null" for what was written before versioning was enabled; "" in a folder)."""
    key: str
    version: str
    etag: str
    size: int
    last_modified: datetime
    is_delete_marker: bool = False


class StoreError(Exception):
    """The store could not be reached or refused the operation (transient for jobs)."""


class ObjectMissing(StoreError):
    """The object (or the requested version of it) is not in the store. Not transient."""


class ObjectChanged(ObjectMissing):
    """The key now holds other content than the version asked for (it was overwritten)."""


def object_version(version: str | None, etag: str | None) -> str:
    """The identity of one stored version: the store's version id, or the etag when unversioned."""
    version = (version or "").strip()
    if version and version != "null":
        return version
    return (etag or "").strip().strip('"')


class Store(Protocol):
    bucket: str

    def put(self, key: str, data: BinaryIO, length: int, content_type: str) -> ObjectInfo: ...
    def put_file(self, key: str, path: Path, content_type: str) -> ObjectInfo: ...
    def open(self, key: str) -> BinaryIO: ...
    def open_range(self, key: str, start: int, length: int) -> BinaryIO: ...
    def download(self, key: str, dest: Path, *, version: str = "", etag: str = "") -> ObjectInfo: ...
    def stat(self, key: str, *, version: str = "") -> ObjectInfo: ...
    def list(self, prefix: str = "", start_after: str = "") -> Iterator[ObjectInfo]: ...
    def delete(self, key: str, *, version: str = "") -> None: ...
    def versions(self, key: str) -> builtins.list[ObjectVersion]: ...  # `list` here is the method
    def playback_url(self, key: str, *, seconds: int, filename: str | None = None,
                     version: str = "", viewer: int | None = None, session: str | None = None) -> str: ...
    def upload_url(self, key: str, *, seconds: int, content_type: str) -> str: ...
    def health(self) -> dict[str, object]: ...
    def ensure_bucket(self) -> None: ...


def validate_key(key: str) -> str:
    if not key or key.startswith("/") or "\\" in key or len(key) > 900:
        raise DomainError("Khóa đối tượng không hợp lệ.", f"Invalid object key: {key!r}.",
                          code="invalid_key")
    parts = key.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise DomainError("Khóa đối tượng không hợp lệ.", f"Invalid object key: {key!r}.",
                          code="invalid_key")
    return key


def derived_key(clip_key: str, kind: str) -> str:
    return f"{clip_key}.derived/{kind}"


class LocalStore:
    """A folder behind the store interface. Versions are the file's content-derived etag."""

    def __init__(self, root: Path, bucket: str) -> None:
        self.root = root / bucket
        self.bucket = bucket
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / validate_key(key)).resolve()
        if self.root.resolve() not in path.parents:
            raise DomainError("Khóa đối tượng không hợp lệ.", "Invalid object key.", code="invalid_key")
        return path

    def _info(self, key: str, path: Path) -> ObjectInfo:
        st = path.stat()
        etag = f"{st.st_size:x}-{st.st_mtime_ns:x}"
        return ObjectInfo(key=key, size=st.st_size, etag=etag, version="",
                          last_modified=datetime.fromtimestamp(st.st_mtime, tz=UTC),
                          content_type=guess_content_type(key))

    def put(self, key: str, data: BinaryIO, length: int, content_type: str) -> ObjectInfo:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(data, out, 1024 * 1024)
        os.replace(tmp, path)  # atomic: readers never see half a file
        return self._info(key, path)

    def put_file(self, key: str, path: Path, content_type: str) -> ObjectInfo:
        with path.open("rb") as fh:
            return self.put(key, fh, path.stat().st_size, content_type)

    def open(self, key: str) -> BinaryIO:
        path = self._path(key)
        if not path.is_file():
            raise ObjectMissing(key)
        return path.open("rb")

    def open_range(self, key: str, start: int, length: int) -> BinaryIO:
        """A reader positioned at `start`; the caller reads at most `length` bytes."""
        fh = self.open(key)
        fh.seek(start)
        return fh

    def download(self, key: str, dest: Path, *, version: str = "", etag: str = "") -> ObjectInfo:
        """Copy the object to a local file in chunks. With `etag`/`version`, only that content."""
        with self.open(key) as src:
            info = self._info(key, self._path(key))
            wanted = etag or version
            if wanted and wanted != info.etag:
                raise ObjectChanged(key)
            with dest.open("wb") as out:
                shutil.copyfileobj(src, out, 1024 * 1024)
        return info

    def local_path(self, key: str) -> Path:
        return self._path(key)

    def stat(self, key: str, *, version: str = "") -> ObjectInfo:
        path = self._path(key)
        if not path.is_file():
            raise ObjectMissing(key)
        return self._info(key, path)

    def list(self, prefix: str = "", start_after: str = "") -> Iterator[ObjectInfo]:
        keys = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames.sort()
            for name in filenames:
                if name.startswith(".upload-"):
                    continue
                rel = Path(dirpath, name).relative_to(self.root).as_posix()
                if rel.startswith(prefix) and rel > start_after:
                    keys.append(rel)
        for key in sorted(keys):
            try:
                yield self._info(key, self.root / key)
            except FileNotFoundError:
                continue

    def delete(self, key: str, *, version: str = "") -> None:
        """Remove the file (the folder keeps one version: `version` has nothing to pick)."""
        path = self._path(key)
        path.unlink(missing_ok=True)

    def versions(self, key: str) -> builtins.list[ObjectVersion]:  # `list` here is the method
        """The folder keeps one version of a key: the file, if it is there."""
        path = self._path(key)
        if not path.is_file():
            return []
        info = self._info(key, path)
        return [ObjectVersion(key=key, version="", etag=info.etag, size=info.size,
                              last_modified=info.last_modified)]

    def playback_url(self, key: str, *, seconds: int, filename: str | None = None,
                     version: str = "", viewer: int | None = None, session: str | None = None) -> str:
        """A signed relative URL (the folder is unversioned: `version` has nothing to pick). With a
        `viewer`, the URL serves only that signed-in user's browser: a forwarded link is refused; with
        a `session` (signed_urls.link_session), only the session that opened it."""
        from backend.core.signed_urls import sign_object_url

        return sign_object_url(key, seconds=seconds, method="GET", filename=filename,
                               bucket=self.bucket, viewer=viewer, session=session)

    def upload_url(self, key: str, *, seconds: int, content_type: str) -> str:
        from backend.core.signed_urls import sign_object_url

        return sign_object_url(key, seconds=seconds, method="PUT", content_type=content_type,
                               bucket=self.bucket)

    def ensure_bucket(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def health(self) -> dict[str, object]:
        ok = self.root.is_dir() and os.access(self.root, os.W_OK)
        return {"ok": ok, "mode": "local", "path": str(self.root)}


_CONTENT_TYPES = {
    ".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".mkv": "video/x-matroska",
    ".webm": "video/webm", ".avi": "video/x-msvideo", ".ts": "video/mp2t", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".png": "image/png", ".vtt": "text/vtt; charset=utf-8",
    ".json": "application/json", ".pdf": "application/pdf", ".zip": "application/zip",
    ".csv": "text/csv; charset=utf-8",
}


def guess_content_type(key: str) -> str:
    name = key.rsplit("/", 1)[-1].lower()
    dot = name.rfind(".")
    return _CONTENT_TYPES.get(name[dot:] if dot >= 0 else "", "application/octet-stream")


def sha256_of(fileobj: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _open_store(bucket: str) -> Store:
    if settings.MINIO_ENDPOINT:
        from backend.core.minio_store import MinioStore

        return MinioStore(
            endpoint=settings.MINIO_ENDPOINT,
            access_key=settings.MINIO_ACCESS_KEY,
            secret_key=settings.MINIO_SECRET_KEY,
            bucket=bucket,
            secure=settings.MINIO_SECURE,
            region=settings.MINIO_REGION,
            public_endpoint=getattr(settings, "MINIO_PUBLIC_ENDPOINT", ""),
        )
    return LocalStore(Path(settings.OBJECTS_DIR), bucket)


def app_bucket() -> str:
    """The app's own bucket; never the footage bucket (a shared one would mix documents into the
    clip index, which is what this split exists to prevent)."""
    bucket = str(getattr(settings, "MINIO_APP_BUCKET", "") or f"{settings.MINIO_BUCKET}-app")
    if bucket == settings.MINIO_BUCKET:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"MINIO_APP_BUCKET must differ from MINIO_BUCKET ({bucket!r}): footage and documents never "
            "share a bucket.")
    return bucket


@lru_cache(maxsize=1)
def get_store() -> Store:
    """The app's own store: derivatives, documents, evidence, packages (never scanned for clips)."""
    return _open_store(app_bucket())


@lru_cache(maxsize=1)
def get_footage_store() -> Store:
    """The footage bucket: camera uploads only."""
    return _open_store(settings.MINIO_BUCKET)


def stores_reset() -> None:
    """Forget the adapters (tests that change the store settings)."""
    get_store.cache_clear()
    get_footage_store.cache_clear()


def stores_health() -> dict[str, object]:
    """Both stores, each as its adapter reports it; ok only when both are."""
    parts: dict[str, dict[str, object]] = {}
    for name, opener in (("footage", get_footage_store), ("app", get_store)):
        try:
            parts[name] = dict(opener().health())
        except Exception as exc:  # noqa: BLE001 - health reports any store failure
            parts[name] = {"ok": False, "error": str(exc)[:200]}
    return {"ok": all(bool(p.get("ok")) for p in parts.values()), **parts}


def store_for_bucket(bucket: str) -> Store | None:
    """The store behind a bucket name (signed local URLs name theirs), or None for any other."""
    for store in (get_footage_store(), get_store()):
        if store.bucket == bucket:
            return store
    return None
