"""Restore drill (issue 14 item 5): back up a populated install, wipe it, restore it: every finding,
case, tag and evidence item is back, the audit chain verifies, a restored clip plays with a Range
request. A tampered backup and a non-empty install are refused."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.audit.services import audit_verify_chain
from backend.core.store import get_store, stores_reset
from tests.conftest import footage_file, login_client


def _counts() -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from inspection.accountability.models import DisciplinaryCase
    from inspection.models import Finding
    from media_ingest.models import Clip
    from media_ingest.review.models import AccessLog, EvidenceItem, Tag

    return {"findings": Finding.objects.count(), "cases": DisciplinaryCase.objects.count(),
            "tags": Tag.objects.count(), "evidence": EvidenceItem.objects.count(), "clips": Clip.objects.count(),
            "custody": AccessLog.objects.count(), "users": get_user_model().objects.count(),
            "audit": AuditEvent.objects.count()}


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_drill(api_as: Any, make_clip: Any, finding_for: Any, demo: Any, settings: Any,
                                   tmp_path: Path) -> None:
    from backend.org.demo import DEMO_PASSWORD
    from inspection.accountability.models import DisciplinaryCase, RuleSet
    from media_ingest.review.models import EvidenceItem

    reviewer = api_as("reviewer")
    clip = make_clip(footage="person-at-desk-1.mkv", duration=3.0)
    finding = finding_for()
    tag = reviewer.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 0.5,
                                             "end_s": 2.0}, format="json").json()
    assert reviewer.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]},
                         format="json").status_code == 201
    uploaded = reviewer.post("/api/media/evidence/", {"finding_id": finding.pk,
                                                      "file": SimpleUploadedFile("loi-khai.txt", b"loi khai nhan chung")},
                             format="multipart")
    assert uploaded.status_code == 201
    ruleset = RuleSet.objects.order_by("-version").first() or RuleSet.objects.create(version=999, created_at=timezone.now())
    case = DisciplinaryCase.objects.create(reference="KL-DRILL-1", title="Hồ sơ kỷ luật", subject_kind="unit",
                                           unit=finding.unit, ruleset=ruleset, created_by=demo.users["admin"],
                                           created_at=timezone.now(), updated_at=timezone.now())
    case.findings.add(finding)
    before = _counts()
    assert before["findings"] and before["cases"] and before["tags"] and before["evidence"] == 2
    file_key = EvidenceItem.objects.get(kind="file").file_key

    backup = tmp_path / "backup"
    call_command("backup", str(backup), "--footage")
    manifest = __import__("json").loads((backup / "manifest.json").read_text())
    assert (backup / manifest["database"]["path"]).is_file()  # database.sqlite3, or database.pgdump on PostgreSQL
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(backup))  # the install holds data

    # the disk is lost: database emptied, both stores gone
    call_command("flush", "--noinput")
    shutil.rmtree(Path(settings.OBJECTS_DIR))
    stores_reset()
    assert _counts()["findings"] == 0 and next(iter(get_store().list()), None) is None

    call_command("restore", str(backup))
    assert _counts() == before
    assert audit_verify_chain().ok
    call_command("audit_verify")
    with get_store().open(file_key) as fh:
        assert fh.read() == b"loi khai nhan chung"

    # the restored clip plays, seeking with a Range request, for a user signing in again
    client = login_client("reviewer", DEMO_PASSWORD)
    issued = client.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "kiểm tra sau khôi phục"},
                         format="json")
    assert issued.status_code == 201, issued.content
    ranged = client.get(issued.json()["url"], HTTP_RANGE="bytes=100-1099")
    assert ranged.status_code == 206
    assert ranged.getvalue() == footage_file("person-at-desk-1.mkv").read_bytes()[100:1100]


@pytest.mark.django_db(transaction=True)
def test_a_tampered_backup_is_refused_before_anything_changes(demo: Any, tmp_path: Path) -> None:
    from inspection.models import FindingCategory

    get_store().put("inspection/checks/x/minutes-1.pdf", __import__("io").BytesIO(b"%PDF minutes"), 12,
                    "application/pdf")
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    (backup / "objects" / "app" / "inspection/checks/x/minutes-1.pdf").write_bytes(b"%PDF forged!")
    FindingCategory.objects.create(code="after-backup", name_vi="Sau sao lưu", name_en="After the backup")
    with pytest.raises(CommandError, match="altered"):
        call_command("restore", str(backup), "--force")
    assert FindingCategory.objects.filter(code="after-backup").exists()  # nothing was restored
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(backup))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("forge", ["key", "path"])
def test_a_manifest_with_a_bad_key_or_path_is_refused_before_the_database_is_loaded(
        demo: Any, tmp_path: Path, forge: str) -> None:
    """Every file of the manifest present with its hash, but an object key that climbs out of the
    bucket (or a file path out of the backup): refused whole, before the database or a single object
    is touched, not after the database was loaded (a half-restored install)."""
    import io
    import json

    from inspection.models import FindingCategory

    get_store().put("inspection/checks/x/minutes-1.pdf", io.BytesIO(b"%PDF minutes"), 12, "application/pdf")
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    good = manifest["objects"]["app"][0]
    if forge == "key":  # the file is there under the path, with its hash; the key is what is bad
        manifest["objects"]["app"].append({**good, "key": "../../x"})
    else:  # a file outside the backup folder, hash and size right
        (tmp_path / "outside").write_bytes((backup / good["path"]).read_bytes())
        manifest["objects"]["app"].append({**good, "key": "inspection/y.pdf", "path": "../outside"})
    (backup / "manifest.json").write_text(json.dumps(manifest))
    FindingCategory.objects.create(code="after-backup", name_vi="Sau sao lưu", name_en="After the backup")
    get_store().put("inspection/after-backup.pdf", io.BytesIO(b"%PDF later"), 10, "application/pdf")

    with pytest.raises(CommandError, match="manifest is invalid"):
        call_command("restore", str(backup), "--force")
    assert FindingCategory.objects.filter(code="after-backup").exists()  # the database was not loaded
    assert get_store().stat("inspection/after-backup.pdf").size == 10  # nor the store pruned


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_readable_by_its_owner_only(demo: Any, tmp_path: Path) -> None:
    """It holds password hashes and TOTP secrets: the folder and every folder in it 0700, every file
    0600, even under the usual 022 umask (which would make them 0755/0644)."""
    import io
    import os
    import stat

    get_store().put("inspection/checks/x/minutes-1.pdf", io.BytesIO(b"%PDF minutes"), 12, "application/pdf")
    backup = tmp_path / "backup"
    old = os.umask(0o022)
    try:
        call_command("backup", str(backup), "--footage")
    finally:
        os.umask(old)
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode)
             for p in [backup, *backup.rglob("*")]}
    database = "backup/database.pgdump" if settings.SCALED_DB else "backup/database.sqlite3"  # pg_dump on PostgreSQL
    assert "backup/manifest.json" in modes and database in modes
    assert "backup/objects/app/inspection/checks/x/minutes-1.pdf" in modes
    for path, mode in modes.items():
        want = 0o700 if (tmp_path / path).is_dir() else 0o600
        assert mode == want, f"{path}: {oct(mode)}"
