"""MinIO (any S3-compatible server) behind the store interface, through the `minio` SDK.

Errors are translated: a missing object or version is `ObjectMissing` (not worth retrying), a
replaced object is `ObjectChanged`, anything else (connection refused, 5xx, timeouts) is
`StoreError`, which jobs treat as transient and retry with backoff.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

import urllib3
from minio import Minio
from minio.error import MinioException, S3Error

from backend.core.store import ObjectChanged, ObjectInfo, ObjectMissing, ObjectVersion, StoreError, validate_key

_MISSING_CODES = {"NoSuchKey", "NoSuchVersion", "NoSuchObject", "InvalidVersionId"}
_CHUNK = 1024 * 1024


def _etag(raw: str | None) -> str:
    return (raw or "").strip().strip('"')


def _version(raw: str | None) -> str:
    return "" if not raw or raw == "null" else raw


def _translate(exc: Exception, key: str) -> StoreError:
    if isinstance(exc, S3Error):
        if exc.code in _MISSING_CODES:
            return ObjectMissing(key)
        if exc.code == "PreconditionFailed":
            return ObjectChanged(key)
        return StoreError(f"{exc.code}: {exc.message}")
    return StoreError(f"{type(exc).__name__}: {exc}")


_TRANSPORT_ERRORS = (MinioException, urllib3.exceptions.HTTPError, OSError, ValueError)


class _Body(io.RawIOBase):
    """A file-like view of an SDK response that releases the connection on close."""

    def __init__(self, response: Any, key: str) -> None:
        self._response = response
        self._key = key

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._response.read(len(buffer))
        except urllib3.exceptions.HTTPError as exc:
            raise StoreError(f"reading {self._key}: {exc}") from exc
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                self._response.close()
                self._response.release_conn()
            finally:
                super().close()


class MinioStore:
    def __init__(self, *, endpoint: str, access_key: str, secret_key: str, bucket: str,
                 secure: bool = False, region: str = "us-east-1",
                 http_client: urllib3.PoolManager | None = None, public_endpoint: str = "") -> None:
        endpoint = endpoint.removeprefix("http://").removeprefix("https://").rstrip("/")
        self.endpoint = endpoint
        self.bucket = bucket
        if http_client is None:
            http_client = urllib3.PoolManager(
                timeout=urllib3.Timeout(connect=5, read=60), maxsize=10,
                retries=urllib3.Retry(total=2, backoff_factor=0.2,
                                      status_forcelist=[500, 502, 503, 504]),
            )
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure,
                            region=region, http_client=http_client)
        # Presigned URLs carry the host in their signature: sign them for the host browsers reach
        # (e.g. localhost:9000 while the backend talks to minio:9000). With the region given the
        # SDK signs offline, so this client never connects anywhere.
        public = public_endpoint.removeprefix("http://").removeprefix("https://").rstrip("/")
        self.signer = self.client if not public or public == endpoint else Minio(
            public, access_key=access_key, secret_key=secret_key, secure=secure, region=region)

    # --- writes -------------------------------------------------------------------------------
    def put(self, key: str, data: BinaryIO, length: int, content_type: str) -> ObjectInfo:
        validate_key(key)
        try:
            result = self.client.put_object(
                self.bucket, key, data, length if length >= 0 else -1, content_type=content_type,
                part_size=0 if length >= 0 else 16 * _CHUNK,
            )
        except _TRANSPORT_ERRORS as exc:
            raise _translate(exc, key) from exc
        return ObjectInfo(key=key, size=max(length, 0), etag=_etag(result.etag),
                          version=_version(result.version_id),
                          last_modified=result.last_modified or datetime.now(UTC),
                          content_type=content_type)

    def put_file(self, key: str, path: Path, content_type: str) -> ObjectInfo:
        with path.open("rb") as fh:
            return self.put(key, fh, path.stat().st_size, content_type)

    def delete(self, key: str, *, version: str = "") -> None:
        """Remove the object; with `version`, that version itself (in a versioned bucket a plain
        delete only adds a delete marker and keeps the bytes)."""
        try:
            self.client.remove_object(self.bucket, validate_key(key), version_id=version or None)
        except _TRANSPORT_ERRORS as exc:
            error = _translate(exc, key)
            if not isinstance(error, ObjectMissing):
                raise error from exc

    def versions(self, key: str) -> list[ObjectVersion]:
        """Every version and delete marker of exactly `key` (not of keys it is a prefix of), with
        the raw version id: "null" names what was written before versioning was enabled, and
        `delete(key, version="null")` removes it. An unversioned bucket lists its one object."""
        found = []
        try:
            for obj in self.client.list_objects(self.bucket, prefix=validate_key(key), recursive=True,
                                                include_version=True):
                if obj.object_name != key:
                    continue
                found.append(ObjectVersion(key=key, version=obj.version_id or "", etag=_etag(obj.etag),
                                           size=int(obj.size or 0),
                                           last_modified=obj.last_modified or datetime.now(UTC),
                                           is_delete_marker=bool(obj.is_delete_marker)))
        except _TRANSPORT_ERRORS as exc:
            raise _translate(exc, key) from exc
        return found

    # --- reads --------------------------------------------------------------------------------
    def _get(self, key: str, *, offset: int = 0, length: int = 0, version: str = "",
             etag: str = "") -> _Body:
        headers: dict[str, str | list[str] | tuple[str]] | None = (
            {"If-Match": f'"{etag}"'} if etag and not version else None)
        try:
            response = self.client.get_object(self.bucket, validate_key(key), offset=offset,
                                              length=length, version_id=version or None,
                                              request_headers=headers)
        except _TRANSPORT_ERRORS as exc:
            raise _translate(exc, key) from exc
        return _Body(response, key)

    def open(self, key: str) -> BinaryIO:
        return io.BufferedReader(self._get(key), buffer_size=_CHUNK)  # type: ignore[return-value]

    def open_range(self, key: str, start: int, length: int) -> BinaryIO:
        body = self._get(key, offset=start, length=length)
        return io.BufferedReader(body, buffer_size=_CHUNK)  # type: ignore[return-value]

    def download(self, key: str, dest: Path, *, version: str = "", etag: str = "") -> ObjectInfo:
        """Stream one version of the object to a local file, 1 MiB at a time."""
        info = self.stat(key, version=version)
        if etag and not version and info.etag != etag:
            raise ObjectChanged(key)
        body = self._get(key, version=version, etag=etag)
        try:
            with dest.open("wb") as out:
                while True:
                    chunk = body.read(_CHUNK)
                    if not chunk:
                        break
                    out.write(chunk)
        finally:
            body.close()
        return info

    def stat(self, key: str, *, version: str = "") -> ObjectInfo:
        try:
            obj = self.client.stat_object(self.bucket, validate_key(key), version_id=version or None)
        except _TRANSPORT_ERRORS as exc:
            raise _translate(exc, key) from exc
        return ObjectInfo(key=key, size=int(obj.size or 0), etag=_etag(obj.etag),
                          version=_version(obj.version_id),
                          last_modified=obj.last_modified or datetime.now(UTC),
                          content_type=obj.content_type or "application/octet-stream")

    def list(self, prefix: str = "", start_after: str = "") -> Iterator[ObjectInfo]:
        """Latest version of every object under `prefix`, in key order, after `start_after`."""
        try:
            for obj in self.client.list_objects(self.bucket, prefix=prefix or None, recursive=True,
                                                start_after=start_after or None):
                if obj.is_dir or obj.object_name is None:
                    continue
                yield ObjectInfo(key=obj.object_name, size=int(obj.size or 0), etag=_etag(obj.etag),
                                 version=_version(obj.version_id),
                                 last_modified=obj.last_modified or datetime.now(UTC))
        except _TRANSPORT_ERRORS as exc:
            raise _translate(exc, prefix) from exc

    # --- URLs ---------------------------------------------------------------------------------
    def playback_url(self, key: str, *, seconds: int, filename: str | None = None,
                     version: str = "", viewer: int | None = None, session: str | None = None) -> str:
        # An S3 presigned URL cannot carry the viewer or their session: in the scaled mode a footage link is a
        # bearer link for its short TTL (PLAYBACK_URL_TTL_SECONDS); its issue is the custody entry.
        headers: dict[str, str | list[str] | tuple[str]] = {}
        if filename:
            headers["response-content-disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
        try:
            return self.signer.presigned_get_object(
                self.bucket, validate_key(key), expires=timedelta(seconds=seconds),
                response_headers=headers or None, version_id=version or None)
        except _TRANSPORT_ERRORS as exc:
            raise _translate(exc, key) from exc

    def upload_url(self, key: str, *, seconds: int, content_type: str) -> str:
        """A presigned PUT. S3 query signing covers the host only, so the uploader is told the
        content type to send and discovery checks what arrived."""
        try:
            return self.signer.presigned_put_object(self.bucket, validate_key(key),
                                                    expires=timedelta(seconds=seconds))
        except _TRANSPORT_ERRORS as exc:
            raise _translate(exc, key) from exc

    # --- admin --------------------------------------------------------------------------------
    def ensure_bucket(self) -> None:
        try:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)
        except S3Error as exc:
            if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise _translate(exc, self.bucket) from exc
        except _TRANSPORT_ERRORS as exc:
            raise _translate(exc, self.bucket) from exc

    def health(self) -> dict[str, object]:
        try:
            exists = self.client.bucket_exists(self.bucket)
        except _TRANSPORT_ERRORS as exc:
            return {"ok": False, "mode": "minio", "endpoint": self.endpoint, "error": str(exc)[:200]}
        result: dict[str, object] = {"ok": exists, "mode": "minio", "endpoint": self.endpoint,
                                     "bucket": self.bucket}
        if not exists:
            result["error"] = f"bucket {self.bucket!r} does not exist"
        return result
