"""Evidence packages: build (cut segments with PyAV, manifest with hashes, custody log) and verify.

A package is a ZIP:
    manifest.json        what is inside, with the SHA-256 and size of every other file
    manifest.sig         the server's Ed25519 signature of manifest.json (media_ingest.review.signing)
    custody.json         the chain of custody of the finding's footage and of this export
    README.txt           how to verify, in Vietnamese and English
    segments/NN-....mkv  each tagged range, cut by stream copy (the original encoded bits)
    files/NN-...         each uploaded evidence file, as uploaded: reviewers' files, files uploaded
                         on the finding page, and the check report's files for the finding

Segments are cut without re-encoding, so they start at the key frame at or before the tag's
start: the manifest records both the requested and the actual range. `verify_package` needs no
database: it recomputes every hash; given the manifest hash recorded by the server it also
detects a rewritten manifest.
"""
from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import av

from media_ingest.review import signing

FORMAT = "counterwatch-evidence-package/1"
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class PackageError(Exception):
    """The package could not be built (source missing or changed, unreadable video): the reason
    in Vietnamese for the people who asked for it, and in English."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi = vi
        self.en = en


@dataclass
class CutResult:
    path: Path
    actual_start_s: float
    actual_end_s: float
    packets: int


def sha256_path(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def cut_segment(src: Path, dst: Path, start_s: float, end_s: float) -> CutResult:
    """Copy the packets of [start_s, end_s] (from the key frame at or before start) into dst.

    Stream copy: no decoding, no re-encoding; timestamps shifted so the segment starts at 0.
    When the container's seek lands past the last key frame before `start_s` (some Matroska
    files), the copy is retried reading from the beginning.
    """
    result = _copy_range(src, dst, start_s, end_s, seek=start_s > 0)
    if result is None and start_s > 0:
        result = _copy_range(src, dst, start_s, end_s, seek=False)
    if result is None:
        raise PackageError(f"không có khung hình nào trong đoạn {start_s:.3f}–{end_s:.3f} giây",
                           f"no video packets in {start_s:.3f}-{end_s:.3f} s")
    return result


# Long on purpose: one PyAV remux loop that must keep the input and output containers open together.
def _copy_range(src: Path, dst: Path, start_s: float, end_s: float, *, seek: bool) -> CutResult | None:
    try:
        inp = av.open(str(src))
    except av.error.FFmpegError as exc:
        raise PackageError(f"không mở được video gốc: {exc}", f"cannot open source video: {exc}") from exc
    with inp:
        if not inp.streams.video:
            raise PackageError("video gốc không có luồng hình", "the source has no video stream")
        video = inp.streams.video[0]
        streams = [video, *inp.streams.audio[:1]]
        start_base = float(inp.start_time or 0) / av.time_base
        if seek and video.time_base is not None:
            inp.seek(int((start_s + start_base) / video.time_base), stream=video, backward=True,
                     any_frame=False)
        # Pass 1 (demux only, no decoding): the last key frame at or before start_s.
        key_t: float | None = None
        for packet in inp.demux(video):
            if packet.pts is None or packet.time_base is None:
                continue
            t = float(packet.pts * packet.time_base) - start_base
            if t > start_s + 1e-6 and key_t is not None:
                break
            if packet.is_keyframe and (t <= start_s + 1e-6 or key_t is None):
                key_t = t
            if t >= end_s:
                break
        if key_t is None or key_t >= end_s:
            return None
        target = int((key_t + start_base) / video.time_base) if seek and video.time_base else 0
        inp.seek(target, stream=video, backward=True, any_frame=False)
        with av.open(str(dst), "w", format="matroska") as out:
            mapping = {s.index: out.add_stream_from_template(s) for s in streams}
            offsets: dict[int, int] = {}
            first_t: float | None = None
            last_t = 0.0
            packets = 0
            for packet in inp.demux(streams):  # type: ignore[assignment]  # the name held the video stream's packets above; here every stream's
                if packet.pts is None or packet.time_base is None:
                    continue
                t = float(packet.pts * packet.time_base) - start_base
                if t < key_t - 1e-6 or t >= end_s:
                    if packet.stream.index == video.index and t >= end_s:
                        break
                    continue
                if first_t is None:
                    if packet.stream.index != video.index or not packet.is_keyframe:
                        continue
                    first_t = t
                idx = packet.stream.index
                if idx not in offsets:
                    offsets[idx] = int(packet.dts if packet.dts is not None else packet.pts)
                packet.pts = int(packet.pts) - offsets[idx]
                if packet.dts is not None:  # Matroska leaves some dts unset; the muxer copes
                    packet.dts = int(packet.dts) - offsets[idx]
                is_video = idx == video.index
                dur = float(packet.duration * packet.time_base) if packet.duration else 0.0
                packet.stream = mapping[idx]  # type: ignore[assignment]  # as above: any stream's packet
                out.mux(packet)
                packets += 1
                if is_video:
                    last_t = max(last_t, t + dur)
        if packets == 0 or first_t is None:
            return None
    return CutResult(dst, round(first_t, 3), round(max(last_t, first_t), 3), packets)


def _safe(text: str, limit: int = 60) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)[:limit] or "file"


@dataclass
class BuildResult:
    path: Path
    sha256: str
    size: int
    manifest: dict[str, Any]
    manifest_sha256: str
    signature: str


README = """Gói chứng cứ Counterwatch / Counterwatch evidence package

Kiểm tra tính toàn vẹn: tính SHA-256 của từng tệp và so với manifest.json; so SHA-256 của
manifest.json với giá trị hệ thống đã ghi (API /api/media/evidence/packages/<id>/ hoặc lệnh
`python manage.py evidence_verify <tệp.zip>`). Mỗi đoạn video được cắt không mã hóa lại (giữ
nguyên dữ liệu gốc), bắt đầu từ khung hình khóa gần nhất trước thời điểm được gắn thẻ.
Chữ ký số: manifest.sig là chữ ký Ed25519 của hệ thống trên manifest.json; khóa công khai
được công bố tại /api/media/evidence/signing-key/ (so mã khóa key_id).

Integrity: compute the SHA-256 of every file and compare it with manifest.json; compare the
SHA-256 of manifest.json with the value the server recorded (API
/api/media/evidence/packages/<id>/ or `python manage.py evidence_verify <file.zip>`). Segments are
cut without re-encoding (original bits), starting at the key frame at or before the tagged time.
Signature: manifest.sig is the server's Ed25519 signature of manifest.json; the public key is
published at /api/media/evidence/signing-key/ (compare the key_id).
"""


# Long on purpose: one pass per source (download, version check, cut, hash) into one open ZIP and its temp files.
def build_package(*, package: Any, workdir: Path,
                  on_progress: Callable[[float], None] | None = None) -> BuildResult:
    """Download each source, check it is the exact version tagged, cut, hash, zip."""
    from django.utils import timezone

    from backend.core.store import get_footage_store, get_store
    from media_ingest.models import Clip
    from media_ingest.review import selectors, selectors_custody
    from media_ingest.review.models import ClipPreservation, EvidenceItem

    finding = package.finding
    store, footage = get_store(), get_footage_store()
    sources = selectors.package_sources_of(package=package)
    if sources.empty:
        if finding:
            raise PackageError("vi phạm chưa có chứng cứ nào", "the finding has no evidence items")
        raise PackageError("các thẻ đã chọn đều đã bị xóa", "the selection has no live tags")
    files: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    payload: list[tuple[str, Path]] = []
    clip_files: dict[int, Path] = {}
    preserved: dict[int, Any] = {}

    def add(arcname: str, path: Path) -> dict[str, Any]:
        sha, size = sha256_path(path)
        row = {"path": arcname, "sha256": sha, "size": size}
        files.append(row)
        payload.append((arcname, path))
        return row

    def add_stored(n: int, key: str, filename: str, expected_sha: str) -> tuple[str, str]:
        """Copy an uploaded file from the app's store into the package, checking it is unchanged."""
        dest = workdir / f"file-{n}"
        try:
            store.download(key, dest)
        except Exception as exc:  # noqa: BLE001 - reported on the package
            raise PackageError(f"không đọc được tệp chứng cứ {filename} trong kho lưu trữ",
                               f"evidence file {key} unavailable: {exc}") from exc
        sha, _ = sha256_path(dest)
        if expected_sha and sha != expected_sha:
            raise PackageError(f"tệp chứng cứ {filename} đã bị thay đổi sau khi tải lên (SHA-256 khác)",
                               f"evidence file {filename}: content changed since upload")
        arc = f"files/{n:02d}-{_safe(filename, 120)}"
        add(arc, dest)
        return arc, sha

    total_items = len(sources.items) + len(sources.report_photos) + len(sources.tags)

    def add_segment(n: int, *, clip: Any, expected_sha: str, tag: Any, start_s: float, end_s: float,
                    revision_linked: int | None) -> dict[str, Any]:
        """Cut [start_s, end_s] of the exact clip version that was tagged, by stream copy."""
        src = clip_files.get(clip.pk)
        kept = preserved.get(clip.pk)
        if src is None:
            src = workdir / f"source-{clip.pk}{Path(clip.key).suffix}"
            if kept is None and clip.state == Clip.State.EXPIRED and finding is not None:
                # the sealed copy retention kept for this finding (media_ingest.services_preservation)
                kept = preserved[clip.pk] = (ClipPreservation.objects
                                             .filter(clip=clip, findings=finding, released_at__isnull=True)
                                             .order_by("-created_at").first())
            try:
                if kept is not None:
                    store.download(kept.keys["source"], src)
                else:
                    footage.download(clip.key, src)
            except Exception as exc:  # noqa: BLE001 - reported on the package
                raise PackageError(f"không đọc được đoạn phim #{clip.pk} ({clip.key}) trong kho lưu trữ",
                                   f"clip {clip.pk}: source {clip.key} unavailable: {exc}") from exc
            sha, _ = sha256_path(src)
            if sha != expected_sha:
                raise PackageError(f"đoạn phim #{clip.pk} trong kho không còn là bản đã gắn thẻ "
                                   f"(SHA-256 {sha[:12]}… khác {expected_sha[:12]}…)",
                                   f"clip {clip.pk}: the stored file is no longer the version that was "
                                   f"tagged (sha256 {sha[:12]}… != {expected_sha[:12]}…)")
            clip_files[clip.pk] = src
        label = tag.label.code if tag is not None else "segment"
        arc = f"segments/{n:02d}-{_safe(label)}-{start_s:.1f}-{end_s:.1f}.mkv"
        cut = cut_segment(src, workdir / f"seg-{n}.mkv", start_s, end_s)
        row = add(arc, cut.path)
        return {
            "file": arc, "sha256": row["sha256"],
            "tag": {"id": tag.pk if tag else None, "label": label, "revision_linked": revision_linked,
                    "history": [{"revision": r.revision, "action": r.action, "label": r.label.code,
                                 "start_s": r.start_s, "end_s": r.end_s, "note": r.note,
                                 "by": selectors.user_label(r.by), "at": r.at.isoformat(), "reason": r.reason}
                                for r in selectors.tag_history(tag=tag)] if tag is not None else []},
            "requested_range_s": [start_s, end_s],
            "actual_range_s": [cut.actual_start_s, cut.actual_end_s],
            "cut": "stream copy from the key frame at or before the start",
            "source": {"clip_id": clip.pk, "bucket": clip.bucket, "key": clip.key,
                       "version_id": clip.version_id, "etag": clip.etag, "sha256": expected_sha,
                       "size_bytes": clip.size_bytes, "verified_before_cut": True,
                       "from_preserved_copy": kept is not None,
                       "camera": clip.camera.code if clip.camera_id else None,
                       "started_at": clip.started_at.isoformat() if clip.started_at else None},
        }

    def step(done: int) -> None:
        if on_progress is not None:
            on_progress(done / (total_items + 1))  # the last step is the ZIP itself

    n = 0
    for item in sources.items:  # every kind, wherever it was attached (review or the finding page)
        step(n)
        n += 1
        entry: dict[str, Any] = {"evidence_id": item.pk, "kind": item.kind, "attached_in": item.attached_in,
                                 "note": item.note, "added_by": selectors.user_label(item.added_by),
                                 "added_at": item.added_at.isoformat()}
        if item.kind == EvidenceItem.Kind.TAG:
            entry.update(add_segment(n, clip=item.clip, expected_sha=item.clip_sha256, tag=item.tag,
                                     start_s=float(item.start_s or 0.0), end_s=float(item.end_s or 0.0),
                                     revision_linked=item.tag_revision))
        elif item.file_key:
            arc, sha = add_stored(n, item.file_key, item.filename or f"evidence-{item.pk}", item.sha256)
            entry.update({"file": arc, "sha256": sha, "filename": item.filename,
                          "content_type": item.content_type, "size_bytes": item.size_bytes})
            if item.report_evidence_id:
                result = item.report_evidence.result if item.report_evidence is not None else None
                entry.update({"report_evidence_id": item.report_evidence_id,
                              "criterion": result.criterion.code if result is not None else None})
        if item.media_ref:
            entry["media_ref"] = item.media_ref
        entries.append(entry)

    for photo in sources.report_photos:  # the check report's files for the finding's criterion
        step(n)
        n += 1
        arc, sha = add_stored(n, photo.key, photo.filename, photo.sha256)
        entries.append({"evidence_id": photo.pk, "kind": "report_photo", "attached_in": "check_report",
                        "criterion": photo.result.criterion.code if photo.result_id else None,
                        "note": "", "added_by": selectors.user_label(photo.uploaded_by),
                        "added_at": photo.uploaded_at.isoformat(), "file": arc, "sha256": sha,
                        "filename": photo.filename, "content_type": photo.content_type,
                        "size_bytes": photo.size})

    for tag in sources.tags:  # a reviewer's selection of tags (no finding)
        step(n)
        n += 1
        entry = {"tag_id": tag.pk, "kind": "tag", "attached_in": "selection", "note": tag.note,
                 "added_by": selectors.user_label(tag.author), "added_at": tag.created_at.isoformat()}
        entry.update(add_segment(n, clip=tag.clip, expected_sha=tag.clip_sha256, tag=tag,
                                 start_s=float(tag.start_s), end_s=float(tag.end_s), revision_linked=tag.revision))
        entries.append(entry)

    step(n)
    custody = [selectors_custody.access_to_dict(log) for log in selectors_custody.custody_for_package_file(package=package)]
    custody_path = workdir / "custody.json"
    custody_path.write_text(json.dumps({"finding_id": finding.pk if finding else None, "package_id": package.pk,
                                        "entries": custody}, ensure_ascii=False, indent=1), encoding="utf-8")
    add("custody.json", custody_path)
    readme = workdir / "README.txt"
    readme.write_text(README, encoding="utf-8")
    add("README.txt", readme)

    manifest = {
        "format": FORMAT,
        "package_id": package.pk,
        "generated_at": timezone.now().isoformat(),
        "requested_by": selectors.user_label(package.requested_by),
        "reason": package.reason,
        "finding": {"id": finding.pk, "reference": finding.reference, "title": finding.title,
                    "unit": {"id": finding.unit_id, "name": finding.unit.name},
                    "occurred_from": finding.occurred_from.isoformat(),
                    "occurred_to": finding.occurred_to.isoformat() if finding.occurred_to else None,
                    "severity": finding.severity, "state": finding.state} if finding else None,
        "selection": {"tag_ids": [t.pk for t in sources.tags]} if not finding else None,
        "items": entries,
        "files": files,
        "hash": "sha256",
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    signature = signing.sign_manifest(manifest_bytes)
    zip_path = workdir / f"package-{package.pk}.zip"
    with zipfile.ZipFile(zip_path, "w") as zf:
        zf.writestr(MANIFEST, manifest_bytes, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr(signing.SIGNATURE_FILE, signature, compress_type=zipfile.ZIP_DEFLATED)
        for arcname, path in payload:
            kind = zipfile.ZIP_STORED if arcname.startswith("segments/") else zipfile.ZIP_DEFLATED
            zf.write(path, arcname, compress_type=kind)
    sha, size = sha256_path(zip_path)
    return BuildResult(zip_path, sha, size, manifest, hashlib.sha256(manifest_bytes).hexdigest(),
                       json.loads(signature)["signature"])


@dataclass
class VerifyReport:
    ok: bool
    package_id: int | None = None
    checked: int = 0
    manifest_sha256: str = ""
    problems: list[str] = field(default_factory=list)
    problems_vi: list[str] = field(default_factory=list)
    signature: signing.SignatureCheck = field(default_factory=lambda: signing.SignatureCheck(present=False))

    def problem(self, vi: str, en: str) -> None:
        self.problems_vi.append(vi)
        self.problems.append(en)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "package_id": self.package_id, "checked": self.checked,
                "manifest_sha256": self.manifest_sha256, "problems": self.problems,
                "problems_vi": self.problems_vi,
                "signature": self.signature.to_dict()}


# Long on purpose: each check of the ZIP adds to one ordered list of problems, in the order a reader reads.
def verify_package(source: str | Path | IO[bytes], *, expected_manifest_sha256: str = "",
                   expected_zip_sha256: str = "", trusted_public_keys: list[str] | None = None,
                   require_signature: bool = False) -> VerifyReport:
    """Recompute every hash in the ZIP. Any changed, missing or extra byte makes it fail. The
    manifest's signature (manifest.sig) is checked when present, against `trusted_public_keys`
    when given; `require_signature` makes a missing one a problem (packages built signed)."""
    report = VerifyReport(ok=False)
    if expected_zip_sha256:
        if isinstance(source, str | Path):
            actual, _ = sha256_path(Path(source))
        else:
            digest = hashlib.sha256()
            source.seek(0)
            for chunk in iter(lambda: source.read(CHUNK), b""):  # type: ignore[union-attr]
                digest.update(chunk)
            source.seek(0)
            actual = digest.hexdigest()
        if actual != expected_zip_sha256:
            report.problem(f"SHA-256 của tệp ZIP {actual[:16]}… khác giá trị đã ghi {expected_zip_sha256[:16]}…",
                           f"the ZIP's SHA-256 {actual[:16]}… is not the recorded {expected_zip_sha256[:16]}…")
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        report.problem(f"không phải tệp ZIP đọc được: {exc}", f"not a readable ZIP: {exc}")
        return report
    with zf:
        names = set(zf.namelist())
        if MANIFEST not in names:
            report.problem("thiếu manifest.json", "manifest.json is missing")
            return report
        try:
            raw = zf.read(MANIFEST)
            manifest = json.loads(raw)
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            report.problem(f"không đọc được manifest.json: {exc}", f"manifest.json is unreadable: {exc}")
            return report
        report.manifest_sha256 = hashlib.sha256(raw).hexdigest()
        report.package_id = manifest.get("package_id") if isinstance(manifest, dict) else None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            report.problem("manifest.json không phải danh mục gói chứng cứ Counterwatch",
                           "manifest.json is not a Counterwatch evidence manifest")
            return report
        if expected_manifest_sha256 and report.manifest_sha256 != expected_manifest_sha256:
            report.problem("manifest.json khác danh mục hệ thống đã ghi khi tạo gói",
                           "manifest.json differs from the manifest the server recorded")
        sig = zf.read(signing.SIGNATURE_FILE) if signing.SIGNATURE_FILE in names else None
        report.signature = signing.check_signature(raw, sig, trusted_public_keys=trusted_public_keys)
        if report.signature.problem and (report.signature.present or require_signature):
            report.problem(report.signature.problem_vi, report.signature.problem)
        listed = {}
        for row in manifest.get("files", []):
            listed[row.get("path")] = row
        for extra in sorted(names - set(listed) - {MANIFEST, signing.SIGNATURE_FILE}):
            report.problem(f"{extra}: không có trong danh mục", f"{extra}: not listed in the manifest")
        for path, row in listed.items():
            if path not in names:
                report.problem(f"{path}: có trong danh mục nhưng thiếu trong gói", f"{path}: listed in the manifest but missing")
                continue
            digest = hashlib.sha256()
            size = 0
            try:
                with zf.open(path) as fh:
                    for chunk in iter(lambda: fh.read(CHUNK), b""):
                        digest.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, OSError) as exc:  # CRC mismatch: bytes changed in place
                report.problem(f"{path}: không đọc được ({exc})", f"{path}: unreadable ({exc})")
                continue
            report.checked += 1
            if digest.hexdigest() != row.get("sha256") or size != row.get("size"):
                report.problem(f"{path}: SHA-256 không khớp danh mục", f"{path}: SHA-256 does not match the manifest")
    report.ok = not report.problems
    return report
