"""Backup and restore of one install: the database and the app's objects together (issue 14 item 5).

A backup is a folder:

    manifest.json          what is in it, with the SHA-256 and size of every file
    database.sqlite3       SQLite: a consistent copy through SQLite's online backup API
    database.pgdump        PostgreSQL: `pg_dump --format=custom` of DATABASE_URL
    objects/app/<key>      the app's own store (derivatives, minutes, evidence, packages, case files)
    objects/footage/<key>  the footage bucket, only with --footage (else left to MinIO's replication)

The folder and everything in it are its owner's only (folders 0700, files 0600): a backup holds
password hashes, TOTP secrets and the evidence.

The database is copied first, then the objects: every object a row of the copy names was written
before the row was committed, and documents are never deleted, so the copy's rows find their files.
Objects go through the store interface, so the same code reads a folder or a MinIO bucket.

Restore checks the whole manifest (its shape, every object key and file path, every file present
with its size and hash) before it changes anything, refuses to write over an
install that holds data unless `force`, then loads the database and puts the objects back.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection

from backend.core.errors import DomainError
from backend.core.store import Store, get_footage_store, get_store, guess_content_type, validate_key

FORMAT = 1
_CHUNK = 1024 * 1024


class BackupError(DomainError):
    status = 400


# A backup holds password hashes, TOTP secrets and the evidence: only the account that runs it reads it.
DIR_MODE = 0o700
FILE_MODE = 0o600


def _private_file(path: Path) -> Path:
    """Create (or truncate) `path` readable by its owner only, before anything is written to it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE))
    os.chmod(path, FILE_MODE)  # an existing file keeps its mode through O_CREAT
    return path


def _private_dir(path: Path) -> None:
    for folder in reversed([path, *path.parents]):
        if not folder.exists():
            folder.mkdir(mode=DIR_MODE)
            os.chmod(folder, DIR_MODE)


def _lock_down(root: Path) -> None:
    """Every folder 0700 and file 0600 under the backup, whatever the umask made of them."""
    os.chmod(root, DIR_MODE)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            os.chmod(Path(dirpath, name), DIR_MODE)
        for name in filenames:
            os.chmod(Path(dirpath, name), FILE_MODE)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(root: Path, path: Path) -> dict[str, Any]:
    return {"path": path.relative_to(root).as_posix(), "sha256": _sha256(path), "size": path.stat().st_size}


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    files: int = 0
    bytes: int = 0


# --- database -----------------------------------------------------------------------------------
def _pg_env() -> dict[str, str]:
    """libpq variables for the database Django is connected to (under tests: the test database,
    not the one DATABASE_URL names)."""
    db = connection.settings_dict
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10", "PGDATABASE": str(db["NAME"])}
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _dump_database(dest: Path) -> Path:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        out = _private_file(dest / "database.sqlite3")
        target = sqlite3.connect(out)
        try:
            connection.connection.backup(target)  # online: a consistent snapshot while others write
        finally:
            target.close()
        return out
    if connection.vendor == "postgresql":
        out = _private_file(dest / "database.pgdump")
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(out)],
                       check=True, env=_pg_env(), capture_output=True, timeout=6 * 3600)
        return out
    raise BackupError("Không hỗ trợ sao lưu loại cơ sở dữ liệu này.", f"No backup for the {connection.vendor} database.")


def _load_database(path: Path) -> None:
    if path.name == "database.sqlite3":
        if connection.vendor != "sqlite":
            raise BackupError("Bản sao lưu là SQLite nhưng hệ thống đang dùng cơ sở dữ liệu khác.",
                              "The backup holds a SQLite database; this install uses another one.")
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)  # page by page into the open database
        finally:
            source.close()
        connection.close()  # nothing cached from before the restore is used again
        return
    if connection.vendor != "postgresql":
        raise BackupError("Bản sao lưu là PostgreSQL nhưng hệ thống đang dùng cơ sở dữ liệu khác.",
                          "The backup holds a PostgreSQL dump; this install uses another database.")
    env = _pg_env()
    connection.close()
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                    "--dbname", env["PGDATABASE"], str(path)], check=True, env=env, capture_output=True,
                   timeout=6 * 3600)


# --- objects ------------------------------------------------------------------------------------
def _copy_out(store: Store, root: Path, name: str) -> list[dict[str, Any]]:
    entries = []
    base = root / "objects" / name
    for info in store.list():
        target = base / info.key
        _private_dir(target.parent)
        with store.open(info.key) as src, _private_file(target).open("wb") as out:
            shutil.copyfileobj(src, out, _CHUNK)
        entry = _entry(root, target)
        entry["key"] = info.key
        entries.append(entry)
    return entries


def _copy_in(store: Store, root: Path, entries: list[dict[str, Any]], *, prune: bool) -> None:
    store.ensure_bucket()
    wanted = {e["key"] for e in entries}
    for entry in entries:
        path = root / entry["path"]
        store.put_file(entry["key"], path, guess_content_type(entry["key"]))
    if prune:
        for info in list(store.list()):
            if info.key not in wanted:
                store.delete(info.key)


# --- the two operations ---------------------------------------------------------------------------
def backup_create(*, dest: Path, footage: bool = False) -> BackupResult:
    """Write a backup into `dest` (a new or empty folder)."""
    from backend.audit.models import AuditHead

    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError("Thư mục sao lưu phải trống.", f"The backup folder {dest} is not empty.")
    dest.mkdir(parents=True, exist_ok=True)
    os.chmod(dest, DIR_MODE)  # before anything is written into it
    db_file = _dump_database(dest)
    head = AuditHead.objects.filter(pk=1).first()
    app, footage_store = get_store(), get_footage_store()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "database": {**_entry(dest, db_file), "vendor": connection.vendor},
        "audit": {"events": head.count if head else 0, "last_hash": head.last_hash if head else ""},
        "buckets": {"app": app.bucket, "footage": footage_store.bucket if footage else None},
        "objects": {"app": _copy_out(app, dest, "app"),
                    "footage": _copy_out(footage_store, dest, "footage") if footage else []},
    }
    _private_file(dest / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    _lock_down(dest)
    files = [manifest["database"], *manifest["objects"]["app"], *manifest["objects"]["footage"]]
    return BackupResult(path=dest, manifest=manifest, files=len(files), bytes=sum(f["size"] for f in files))


def backup_verify(source: Path) -> dict[str, Any]:
    """The manifest, after every file in it was found with its recorded size and hash."""
    source = Path(source)
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError("Không đọc được manifest.json của bản sao lưu.", f"Cannot read manifest.json: {exc}.") \
            from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("Định dạng bản sao lưu không được hỗ trợ.", "Unsupported backup format.")
    problems = _manifest_problems(source, manifest)
    if problems:
        raise BackupError(f"Manifest của bản sao lưu không hợp lệ ({len(problems)} mục); không khôi phục.",
                          "The backup's manifest is invalid; nothing restored: " + "; ".join(problems[:10]))
    for entry in [manifest["database"], *manifest["objects"]["app"], *manifest["objects"]["footage"]]:
        path = source / entry["path"]
        if not path.is_file():
            problems.append(f"{entry['path']}: missing")
        elif path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            problems.append(f"{entry['path']}: hash or size differs from the manifest")
    if problems:
        raise BackupError(f"Bản sao lưu bị thiếu hoặc bị sửa ({len(problems)} tệp); không khôi phục.",
                          "The backup is incomplete or altered; nothing restored: " + "; ".join(problems[:10]))
    return manifest


_DATABASE_FILES = ("database.sqlite3", "database.pgdump")


def _manifest_problems(source: Path, manifest: Any) -> list[str]:
    """What is wrong with the manifest's shape, before any file is read or anything changed: the
    database file is one of the two this code writes, every object has a valid key (no `..`, no
    absolute path) and sits at objects/<bucket>/<key> inside the backup, no key twice."""
    problems: list[str] = []
    if not isinstance(manifest, dict):
        return ["the manifest is not an object"]
    db, objects = manifest.get("database"), manifest.get("objects")
    if not isinstance(db, dict) or db.get("path") not in _DATABASE_FILES:
        problems.append("database: not database.sqlite3 or database.pgdump")
    if not isinstance(objects, dict) or not all(isinstance(objects.get(n), list) for n in ("app", "footage")):
        return [*problems, "objects: the app and footage lists are missing"]
    root = source.resolve()
    entries = [db] if isinstance(db, dict) else []
    for name in ("app", "footage"):
        seen: set[str] = set()
        for entry in objects[name]:
            if not isinstance(entry, dict):
                problems.append(f"objects/{name}: an entry is not an object")
                continue
            raw_key = entry.get("key")
            key = raw_key if isinstance(raw_key, str) else ""
            try:
                validate_key(key)
            except DomainError:
                problems.append(f"objects/{name}: invalid object key {raw_key!r}")
                continue
            if key in seen:
                problems.append(f"objects/{name}: key {key!r} twice")
            seen.add(key)
            if entry.get("path") != f"objects/{name}/{key}":
                problems.append(f"objects/{name}/{key}: the file path {entry.get('path')!r} does not match the key")
            entries.append(entry)
    for entry in entries:
        path, digest, size = entry.get("path"), entry.get("sha256"), entry.get("size")
        if not isinstance(path, str) or not isinstance(digest, str) or len(digest) != 64 \
                or not isinstance(size, int) or isinstance(size, bool) or size < 0:
            problems.append(f"{path!r}: path, sha256 or size missing or malformed")
        elif root not in (root / path).resolve().parents:
            problems.append(f"{path!r}: outside the backup folder")
    return problems


def install_has_data() -> bool:
    """Anything a restore would overwrite: a user, an audit event, or an object in the app's store."""
    from django.contrib.auth import get_user_model
    from django.db.utils import DatabaseError

    from backend.audit.models import AuditEvent

    try:
        if get_user_model().objects.exists() or AuditEvent.objects.exists():
            return True
    except DatabaseError:
        pass  # no tables yet: an empty install
    return next(iter(get_store().list()), None) is not None


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    objects: int = 0
    footage: int = 0
    notes: list[str] = field(default_factory=list)


def backup_restore(*, source: Path, force: bool = False) -> RestoreResult:
    """Restore a backup (checked first). Refuses a non-empty install unless `force`; with `force`
    the app's store is made equal to the backup's (objects not in it are removed)."""
    source = Path(source)
    manifest = backup_verify(source)
    if not force and install_has_data():
        raise BackupError("Hệ thống đang có dữ liệu; dùng --force nếu thật sự muốn ghi đè bằng bản sao lưu.",
                          "This install holds data; use --force to overwrite it with the backup.",
                          code="not_empty", status=409)
    _load_database(source / manifest["database"]["path"])
    result = RestoreResult(manifest=manifest)
    _copy_in(get_store(), source, manifest["objects"]["app"], prune=force)
    result.objects = len(manifest["objects"]["app"])
    if manifest["objects"]["footage"]:
        _copy_in(get_footage_store(), source, manifest["objects"]["footage"], prune=False)
        result.footage = len(manifest["objects"]["footage"])
    else:
        result.notes.append("footage not in this backup: it comes from the footage bucket's own replication")
    return result
