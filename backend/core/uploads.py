"""Storing an uploaded file: the one owner of name cleaning, the size cap, allowed types and hashing.

Every upload from outside (check-report evidence, finding evidence, case documents, reviewers'
evidence files) goes through `store_upload`: the file is copied once to a temporary file while it is
hashed (never read whole into memory), refused with a clear reason when it is empty, too large or of
a type that is not allowed, and only then written to the app's store under a key made of the
caller's prefix, the SHA-256 and the cleaned name. Nothing is stored for a refused file.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from backend.core.errors import DomainError
from backend.core.store import Store, get_store

NAME_MAX = 120
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredUpload:
    key: str
    filename: str
    size: int
    sha256: str
    content_type: str


def _invalid(vi: str, en: str) -> DomainError:
    return DomainError(vi, en, code="invalid_file", fields={"file": [en]})


def clean_filename(name: str | None) -> str:
    """The last path component, letters (Vietnamese included), digits, dot, dash and underscore only,
    at most NAME_MAX characters, the extension kept; "file" when nothing is left."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/")).rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.\-]+", "_", base, flags=re.UNICODE).strip("._")
    if not base:
        return "file"
    if len(base) > NAME_MAX:
        suffix = PurePosixPath(base).suffix[:12]
        base = base[:NAME_MAX - len(suffix)] + suffix
    return base


def store_upload(*, fileobj: BinaryIO, filename: str | None, content_type: str | None, prefix: str,
                 max_bytes: int, allowed_suffixes: Iterable[str] | None = None,
                 store: Store | None = None, expected_sha256: str = "") -> StoredUpload:
    """Hash, check and store one uploaded file; raise DomainError (400) with the reason otherwise.
    `expected_sha256`, when the sender hashed the file itself (the field app hashes photos on the
    phone), must equal what arrived, or nothing is stored."""
    safe = clean_filename(filename)
    if allowed_suffixes is not None:
        allowed = {s.lower() for s in allowed_suffixes}
        if PurePosixPath(safe).suffix.lower() not in allowed:
            listed = ", ".join(sorted(allowed))
            raise _invalid(f"Loại tệp không được chấp nhận (chỉ nhận {listed}).",
                           f"This type of file is not accepted (only {listed}).")
    limit_mb = max_bytes // (1024 * 1024)
    digest = hashlib.sha256()
    size = 0
    with tempfile.TemporaryFile() as tmp:
        for chunk in iter(lambda: fileobj.read(CHUNK), b""):
            size += len(chunk)
            if size > max_bytes:
                raise _invalid(f"Tệp quá lớn (tối đa {limit_mb} MB).", f"The file is too large (max {limit_mb} MB).")
            digest.update(chunk)
            tmp.write(chunk)
        if size == 0:
            raise _invalid("Tệp rỗng.", "The file is empty.")
        tmp.seek(0)
        sha = digest.hexdigest()
        expected = (expected_sha256 or "").strip().lower()
        if expected and expected != sha:
            raise DomainError("Tệp nhận được không khớp mã băm SHA-256 tính trên thiết bị (tệp bị hỏng hoặc bị "
                              "thay đổi trên đường truyền); hãy gửi lại.",
                              "The file received does not match the SHA-256 computed on the device (damaged or "
                              "altered in transit); send it again.", code="hash_mismatch",
                              fields={"sha256": ["mismatch"]})
        key = f"{prefix.strip('/')}/{sha}/{safe}"
        kind = (content_type or "").strip()[:100] or "application/octet-stream"
        (store or get_store()).put(key, tmp, size, kind)  # type: ignore[arg-type]  # a temp file is a BinaryIO
    return StoredUpload(key=key, filename=safe, size=size, sha256=sha, content_type=kind)
