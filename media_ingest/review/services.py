"""Writes of footage review: the access log, the tag taxonomy, tags, evidence on findings. Playback,
custody and coverage are in services_playback.py, evidence packages in services_packages.py. Each
validates everything first, then writes in one transaction with its audit record."""
from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.audit.services import audit_record
from backend.core.actors import Actor, SystemActor, actor_user
from backend.core.errors import Conflict, DomainError, Forbidden
from backend.core.events import broadcast_on_commit
from backend.core.uploads import store_upload
from inspection.models import Finding
from media_ingest.models import Clip
from media_ingest.review import selectors
from media_ingest.review.evidence_period import check_tag_period, evidence_out_of_period
from media_ingest.review.models import (
    AccessLog,
    ClipPreservation,
    EvidenceItem,
    EvidencePackage,
    Tag,
    TagLabel,
    TagRevision,
)

REASON_MIN = 5
NOTE_MAX = 4000
UPLOAD_MAX_BYTES = 200 * 1024 * 1024
RANGE_TOLERANCE_S = 0.5  # players report the end a hair past the last frame


def _invalid(vi: str, en: str, field: str, code: str = "invalid") -> DomainError:
    return DomainError(f"Dữ liệu không hợp lệ — {vi}", f"Invalid input — {en}", code=code,
                       fields={field: [en]})


def _clean_reason(reason: str | None, *, required: bool = True) -> str:
    text = (reason or "").strip()
    if required and len(text) < REASON_MIN:
        raise _invalid(f"cần nêu lý do (ít nhất {REASON_MIN} ký tự).",
                       f"a reason of at least {REASON_MIN} characters is required.", "reason", "reason_required")
    if len(text) > 1000:
        raise _invalid("lý do tối đa 1000 ký tự.", "the reason is at most 1000 characters.", "reason")
    return text


PACKAGE_REASON_WORDS, PACKAGE_REASON_LETTERS = 2, 6


def _worded_reason(reason: str | None) -> str:
    """The reason for exporting or downloading evidence, written in the custody log that goes to a disciplinary
    council: in words, in Vietnamese, as a reason with legal weight ("aaaaa" passed: user review, issue 15)."""
    from inspection.services_common import require_worded_reason

    return require_worded_reason(_clean_reason(reason), "reason", "lý do", words=PACKAGE_REASON_WORDS,
                                 letters=PACKAGE_REASON_LETTERS)


def access_log_add(*, user: Actor, action: str, clip: Clip | None = None, tag: Tag | None = None,
                   package: EvidencePackage | None = None, finding: Finding | None = None,
                   object_key: str = "", reason: str = "", ip: str | None = None, user_agent: str = "",
                   expires_at: datetime | None = None, detail: dict[str, Any] | None = None) -> AccessLog:
    """One custody entry plus its audit event (call inside the caller's transaction)."""
    person = actor_user(user)
    log = AccessLog.objects.create(
        at=timezone.now(), user=person,
        user_label=selectors.user_label(person) if person is not None else str(user or "system"),
        action=action, clip=clip, tag=tag, package=package, finding=finding, object_key=object_key,
        reason=reason, ip=ip or None, user_agent=(user_agent or "")[:300], expires_at=expires_at,
        detail=detail or {})
    audit_record(actor=user, verb=f"footage.{action}", obj=log,
                 payload={"clip": clip.pk if clip else None, "tag": tag.pk if tag else None,
                          "package": package.pk if package else None,
                          "finding": finding.pk if finding else None, "key": object_key,
                          "reason": reason, "ip": ip, **(detail or {})})
    return log


@transaction.atomic
def tag_labels_seed(*, by: Actor = SystemActor("seed")) -> int:
    """Create the default labels that do not exist yet (idempotent). Returns how many were added."""
    from media_ingest.review.defaults import TAG_LABELS

    added = 0
    for position, (code, vi, en, description) in enumerate(TAG_LABELS, start=1):
        _, created = TagLabel.objects.get_or_create(code=code, defaults={
            "name_vi": vi, "name_en": en, "description": description, "position": position * 10})
        added += int(created)
    if added:
        audit_record(actor=by, verb="tag_label.seed", object_type="review.taglabel", payload={"added": added})
    return added


@transaction.atomic
def tag_label_create(*, by: Actor, code: str, name_vi: str, name_en: str, description: str = "",
                     finding_category_code: str = "", position: int = 0) -> TagLabel:
    if not re.fullmatch(r"[a-z0-9_-]{2,40}", code or ""):
        raise _invalid("mã nhãn chỉ gồm chữ thường, số, _ và - (2–40 ký tự).",
                       "the code is 2-40 of a-z, 0-9, _ and -.", "code")
    if not name_vi.strip() or not name_en.strip():
        raise _invalid("cần tên tiếng Việt và tiếng Anh.", "both names are required.", "name_vi")
    if TagLabel.objects.filter(code=code).exists():
        raise Conflict("Mã nhãn đã tồn tại.", "A label with this code exists.", code="duplicate",
                       fields={"code": ["taken"]})
    label = TagLabel.objects.create(code=code, name_vi=name_vi.strip(), name_en=name_en.strip(),
                                    description=description, finding_category_code=finding_category_code,
                                    position=position)
    audit_record(actor=by, verb="tag_label.create", obj=label, payload={"code": code, "name_vi": name_vi})
    return label


@transaction.atomic
def tag_label_update(*, by: Actor, label: TagLabel, changes: dict[str, Any]) -> TagLabel:
    allowed = {"name_vi", "name_en", "description", "finding_category_code", "position", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise _invalid("trường không được sửa.", f"fields not editable: {sorted(unknown)}", sorted(unknown)[0])
    for field in ("name_vi", "name_en"):
        if field in changes and not str(changes[field]).strip():
            raise _invalid("tên không được để trống.", "names may not be blank.", field)
    for field, value in changes.items():
        setattr(label, field, value)
    label.save()
    audit_record(actor=by, verb="tag_label.update", obj=label, payload=changes)
    return label


def _check_range(clip: Clip, start_s: float, end_s: float) -> tuple[float, float]:
    if not (math.isfinite(start_s) and math.isfinite(end_s)) or start_s < 0 or end_s <= start_s:
        raise _invalid("cần 0 ≤ bắt đầu < kết thúc.", "0 <= start_s < end_s is required.", "end_s", "invalid_range")
    duration = clip.duration_s
    if duration is not None:
        if start_s >= duration:
            raise _invalid(f"thời điểm bắt đầu vượt quá độ dài đoạn video ({duration:.1f} giây).",
                           f"start_s is past the end of the clip ({duration:.1f} s).", "start_s", "invalid_range")
        if end_s > duration + RANGE_TOLERANCE_S:
            raise _invalid(f"thời điểm kết thúc vượt quá độ dài đoạn video ({duration:.1f} giây).",
                           f"end_s is past the end of the clip ({duration:.1f} s).", "end_s", "invalid_range")
        end_s = min(end_s, duration)
    return round(start_s, 3), round(end_s, 3)


def _label(code: str) -> TagLabel:
    label = TagLabel.objects.filter(code=code).first()
    if label is None or not label.active:
        raise _invalid(f"nhãn “{code}” không có trong danh mục hoặc đã ngừng dùng: chọn một nhãn trong danh mục.",
                       f"unknown or retired label {code!r}.", "label")
    return label


def _revision(tag: Tag, action: str, by: User, reason: str = "") -> TagRevision:
    return TagRevision.objects.create(tag=tag, revision=tag.revision, action=action, label=tag.label,
                                      start_s=tag.start_s, end_s=tag.end_s, note=tag.note,
                                      reason=reason, by=by, at=tag.updated_at)


def expired_clip_refusal() -> Conflict:
    """The one answer about an expired clip's footage (play, tag), the same whether or not a sealed copy
    was kept for findings the asker may not see (media_ingest.services_preservation)."""
    return Conflict("Đoạn video đã bị xóa khi hết thời hạn lưu trữ; hồ sơ truy cập vẫn được giữ.",
                    "The clip's footage expired and was deleted; its custody record is kept.", code="expired")


def _tag_broadcast(kind: str, tag: Tag) -> None:
    """Tell the clip's, camera's and unit's followers. Never for a tag on a sealed copy (Tag.preservation):
    those topics are followed by readers to whom the clip is any expired clip; the team refetches."""
    if tag.preservation_id is not None:
        return
    broadcast_on_commit(selectors.clip_topics(tag.clip),
                        {"type": kind, "clip_id": tag.clip_id, "tag": selectors.tag_to_dict(tag)})


def _sealed_finding(tag: Tag, by: User) -> Finding | None:
    """For a tag on a sealed copy, the finding its custody entries are tied to (the oldest of the copy's
    the reader may see), so they are withheld like the rest of a draft's custody; None for any other tag."""
    if tag.preservation_id is None:
        return None
    from inspection.selectors_findings import findings_visible_to

    preservation = ClipPreservation.objects.get(pk=tag.preservation_id)
    return (preservation.findings.filter(pk__in=findings_visible_to(by).values("pk"))
            .order_by("created_at", "pk").first())


@transaction.atomic
def tag_create(*, by: User, clip: Clip, label_code: str, start_s: float, end_s: float,
               note: str = "", ip: str | None = None, user_agent: str = "") -> Tag:
    """Tag a segment of the exact clip version. An expired clip is tagged on its sealed copy, by a reader
    who may see a finding it was kept for (preservation_for_reader); to anyone else it answers as any
    expired clip, copy or not. Such a tag is the copy's findings' readers' alone: no broadcast, its custody
    tied to the finding, hidden from other readers (selectors.tags_seen_q)."""
    from media_ingest.selectors import preservation_for_reader

    selectors.require_footage(by, selectors.TAG_ROLES)
    preservation, finding = None, None
    if clip.state == Clip.State.EXPIRED:
        served = preservation_for_reader(clip=clip, user=by)
        if served is None:
            raise expired_clip_refusal()
        preservation, finding = served
        if not clip.sha256 or preservation.sha256 != clip.sha256:  # the copy is the indexed version, checked
            raise expired_clip_refusal()
    elif clip.state not in selectors.TAGGABLE_STATES or not clip.sha256:
        raise Conflict("Chỉ gắn thẻ được đoạn video đã lập chỉ mục (đã có mã băm SHA-256).",
                       "Only an indexed clip (with a SHA-256) can be tagged.", code="clip_not_indexed")
    label = _label(label_code)
    start_s, end_s = _check_range(clip, start_s, end_s)
    if len(note) > NOTE_MAX:
        raise _invalid(f"ghi chú tối đa {NOTE_MAX} ký tự.", f"the note is at most {NOTE_MAX} characters.", "note")
    now = timezone.now()
    tag = Tag.objects.create(clip=clip, clip_version_id=clip.version_id, clip_etag=clip.etag,
                             clip_sha256=clip.sha256, label=label, start_s=start_s, end_s=end_s,
                             note=note.strip(), author=by, updated_by=by, created_at=now, updated_at=now,
                             revision=1, preservation=preservation)
    _revision(tag, TagRevision.Action.CREATE, by)
    access_log_add(user=by, action=AccessLog.Action.TAG_CREATE, clip=clip, tag=tag, finding=finding,
                   object_key=clip.key, ip=ip, user_agent=user_agent,
                   detail={"label": label.code, "start_s": start_s, "end_s": end_s, "revision": 1,
                           "clip_sha256": clip.sha256, **({"preserved_copy": True} if preservation else {})})
    _tag_broadcast("tag.created", tag)
    return tag


def _locked_tag(tag: Tag, revision: int) -> Tag:
    current = Tag.objects.select_for_update(of=("self",)).select_related("clip", "clip__camera__counter").get(pk=tag.pk)
    current.label = TagLabel.objects.get(pk=current.label_id)
    if current.deleted_at is not None:
        raise Conflict("Thẻ đã bị xóa.", "The tag was deleted.", code="tag_deleted",
                       fields={"current": selectors.tag_to_dict(_with_people(current))})
    if revision != current.revision:
        raise Conflict(
            f"Thẻ đã được {selectors.user_label(_with_people(current).updated_by)} sửa (phiên bản "
            f"{current.revision}); đồng chí đang sửa phiên bản {revision}. Hãy tải lại và sửa tiếp.",
            f"The tag was changed by someone else (now revision {current.revision}, you edited "
            f"revision {revision}). Reload and apply your change again.",
            code="revision_conflict", fields={"current": selectors.tag_to_dict(_with_people(current))})
    return current


def _with_people(tag: Tag) -> Tag:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk([tag.author_id, tag.updated_by_id])
    tag.author = users[tag.author_id]
    tag.updated_by = users[tag.updated_by_id]
    return tag


@transaction.atomic
def tag_update(*, by: User, tag: Tag, revision: int, label_code: str | None = None,
               start_s: float | None = None, end_s: float | None = None, note: str | None = None,
               reason: str = "", ip: str | None = None, user_agent: str = "") -> Tag:
    """Change a tag if nobody changed it since `revision` (else 409 with the current state)."""
    selectors.require_footage(by, selectors.TAG_ROLES)
    current = _locked_tag(tag, revision)
    label = _label(label_code) if label_code is not None else current.label
    new_start = current.start_s if start_s is None else start_s
    new_end = current.end_s if end_s is None else end_s
    new_start, new_end = _check_range(current.clip, new_start, new_end)
    new_note = current.note if note is None else note.strip()
    if len(new_note) > NOTE_MAX:
        raise _invalid(f"ghi chú tối đa {NOTE_MAX} ký tự.", f"the note is at most {NOTE_MAX} characters.", "note")
    before = {"label": current.label.code, "start_s": current.start_s, "end_s": current.end_s,
              "note": current.note}
    after = {"label": label.code, "start_s": new_start, "end_s": new_end, "note": new_note}
    if before == after:
        raise _invalid("không có thay đổi nào.", "nothing changed.", "non_field_errors", "no_change")
    current.label, current.start_s, current.end_s, current.note = label, new_start, new_end, new_note
    current.revision += 1
    current.updated_by = by
    current.updated_at = timezone.now()
    current.save(update_fields=["label", "start_s", "end_s", "note", "revision", "updated_by", "updated_at"])
    _revision(current, TagRevision.Action.UPDATE, by, reason.strip())
    changed = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    access_log_add(user=by, action=AccessLog.Action.TAG_UPDATE, clip=current.clip, tag=current,
                   finding=_sealed_finding(current, by), object_key=current.clip.key, reason=reason.strip(), ip=ip, user_agent=user_agent,
                   detail={"revision": current.revision, "changes": changed})
    current.author = _with_people(current).author
    _tag_broadcast("tag.updated", current)
    return current


@transaction.atomic
def tag_delete(*, by: User, tag: Tag, revision: int, reason: str, ip: str | None = None,
               user_agent: str = "") -> Tag:
    """Soft delete: the tag stays, with its whole history, but leaves lists and timelines."""
    selectors.require_footage(by, selectors.TAG_ROLES)
    reason = _clean_reason(reason)
    current = _locked_tag(tag, revision)
    # Evidence of a published finding keeps its tag. One of an unpublished finding (a draft) does not:
    # refusing would tell whoever deletes it that a draft uses it (issue 15, insider review S1-2);
    # the item keeps its frozen copy of the segment (clip, version, hash, start and end) and holds the
    # clip (media_ingest.selectors.clip_hold_reasons), so the evidence is intact.
    from inspection.selectors_findings import unpublished_q

    if EvidenceItem.objects.filter(tag=current).exclude(finding__in=Finding.objects.filter(unpublished_q())).exists():
        raise Conflict("Thẻ đã được dùng làm chứng cứ cho một vi phạm, không thể xóa.",
                       "The tag is evidence of a finding and cannot be deleted.", code="tag_is_evidence")
    now = timezone.now()
    current.revision += 1
    current.deleted_at = current.updated_at = now
    current.deleted_by = current.updated_by = by
    current.save(update_fields=["revision", "deleted_at", "deleted_by", "updated_at", "updated_by"])
    _revision(current, TagRevision.Action.DELETE, by, reason)
    access_log_add(user=by, action=AccessLog.Action.TAG_DELETE, clip=current.clip, tag=current,
                   finding=_sealed_finding(current, by), object_key=current.clip.key, reason=reason, ip=ip, user_agent=user_agent,
                   detail={"revision": current.revision})
    _with_people(current)
    _tag_broadcast("tag.deleted", current)
    return current


def _evidence_broadcast(item: EvidenceItem, topics: list[str]) -> None:
    """Tell the clip's and the unit's followers, for a published finding only: they include readers outside
    the inspection team (an administrator, a disciplinary officer, every reviewer of the clip), to whom a
    finding never confirmed (a draft) does not exist (insider review, issue 15: footage linked to a draft
    went out to them with the draft's id, when it was made)."""
    from inspection.selectors_findings import finding_published

    if not finding_published(item.finding):
        return
    broadcast_on_commit(topics, {"type": "evidence.linked", "finding_id": item.finding_id,
                                 "evidence": evidence_to_dict(item)})


def evidence_to_dict(item: EvidenceItem) -> dict[str, Any]:
    return {
        "id": item.pk, "finding_id": item.finding_id, "kind": item.kind, "tag_id": item.tag_id,
        "clip_id": item.clip_id, "clip_sha256": item.clip_sha256, "clip_version_id": item.clip_version_id,
        "tag_revision": item.tag_revision, "start_s": item.start_s, "end_s": item.end_s,
        "filename": item.filename, "content_type": item.content_type, "size_bytes": item.size_bytes,
        "sha256": item.sha256, "note": item.note, "attached_in": item.attached_in,
        "report_evidence_id": item.report_evidence_id, "media_ref": item.media_ref,
        "out_of_period": evidence_out_of_period(item), "out_of_period_reason": item.out_of_period_reason,
        "added_by": {"id": item.added_by_id, "name": selectors.user_label(item.added_by)},
        "added_at": item.added_at.isoformat(),
        **_moment(item),
    }


def _moment(item: EvidenceItem) -> dict[str, Any]:
    """The camera and the clock time of a tagged segment (issue 15: the finding showed only offsets
    into the file, "0:14,0 – 0:24,0", with no camera, date or time)."""
    clip = item.clip
    if clip is None or clip.started_at is None or item.start_s is None:
        return {"camera": None, "moment_from": None, "moment_to": None}
    end_s = item.end_s if item.end_s is not None else item.start_s
    return {"camera": clip.camera.code if clip.camera else None,
            "moment_from": (clip.started_at + timedelta(seconds=item.start_s)).isoformat(),
            "moment_to": (clip.started_at + timedelta(seconds=end_s)).isoformat()}


def evidence_may_add(*, by: User, finding: Finding) -> None:
    """The one rule for adding evidence, whichever page adds it: who (EVIDENCE_ROLES), and not to a
    closed finding (dismissed, or actioned: the decision was taken on the evidence it had). Checked
    before anything the caller sent is looked at."""
    selectors.require_footage(by, selectors.EVIDENCE_ROLES)
    _finding_open(finding)


def _finding_open(finding: Finding) -> None:
    if finding.state in (Finding.State.DISMISSED, Finding.State.ACTIONED):
        raise Conflict("Kết luận đã đóng (bác bỏ hoặc đã xử lý), không thể bổ sung chứng cứ.",
                       "The finding is closed (dismissed or actioned); no evidence can be added.",
                       code="finding_closed")


@transaction.atomic
def evidence_link_tag(*, by: User, finding: Finding, tag: Tag, note: str = "", ip: str | None = None,
                      user_agent: str = "", out_of_period_reason: str = "") -> EvidenceItem:
    evidence_may_add(by=by, finding=finding)
    if tag.deleted_at is not None:
        raise Conflict("Thẻ đã bị xóa.", "The tag was deleted.", code="tag_deleted")
    clip = tag.clip
    if clip.camera is not None and clip.camera.counter.unit_id not in _finding_units(finding):
        raise DomainError("Đoạn video không thuộc đơn vị của vi phạm này.",
                          "The clip is not from the finding's unit.", code="unit_mismatch",
                          fields={"tag_id": ["other unit"]})
    if tag.preservation_id is not None and not ClipPreservation.objects.filter(pk=tag.preservation_id,
                                                                                findings=finding).exists():
        # a tag on a sealed copy is evidence only of a finding the copy was kept for
        raise Conflict("Thẻ được gắn trên bản sao giữ lại cho vi phạm khác; chỉ dùng làm chứng cứ cho vi phạm "
                       "mà bản sao được giữ lại.",
                       "The tag is on a copy kept for other findings; it is evidence only of a finding the copy "
                       "was kept for.", code="not_preserved_for_finding", fields={"tag_id": ["other finding"]})
    if EvidenceItem.objects.filter(finding=finding, tag=tag).exists():
        raise Conflict("Thẻ này đã là chứng cứ của vi phạm.", "This tag is already evidence of the finding.",
                       code="duplicate")
    period = check_tag_period(tag=tag, finding=finding, reason=out_of_period_reason)
    item = EvidenceItem.objects.create(
        finding=finding, kind=EvidenceItem.Kind.TAG, tag=tag, clip=clip, clip_sha256=tag.clip_sha256,
        clip_version_id=tag.clip_version_id or tag.clip_etag, tag_revision=tag.revision,
        start_s=tag.start_s, end_s=tag.end_s, sha256=tag.clip_sha256, note=_clean_note(note),
        out_of_period_reason=period["reason"] if period else "", added_by=by, added_at=timezone.now())
    # The reason for footage outside the violation period is the entry's own reason too: the custody
    # log's "Lý do" column and its CSV/XLSX exports read it there.
    access_log_add(user=by, action=AccessLog.Action.EVIDENCE_LINK, clip=clip, tag=tag, finding=finding,
                   object_key=clip.key, reason=period["reason"] if period else "", ip=ip, user_agent=user_agent,
                   detail={"evidence": item.pk, "tag_revision": tag.revision, "start_s": tag.start_s,
                           "end_s": tag.end_s, "clip_sha256": tag.clip_sha256,
                           **({"outside_period": period} if period else {})})
    _evidence_broadcast(item, [*selectors.clip_topics(clip), f"unit:{finding.unit_id}"])
    return item


def evidence_outside_new_period(*, by: User, finding: Finding, hits: list[tuple[EvidenceItem, dict[str, Any]]],
                                ip: str | None = None, user_agent: str = "") -> None:
    """The finding's period was edited with a reason (evidence_period.check_period_change): each footage
    item now outside it keeps the reason, and its custody entry (with the audit event) says so, as on
    attaching footage outside the period. Call inside the finding update's transaction."""
    for item, record in hits:
        item.out_of_period_reason = record["reason"]
        item.save(update_fields=["out_of_period_reason"])
        clip = item.clip
        access_log_add(user=by, action=AccessLog.Action.EVIDENCE_PERIOD, clip=clip, tag=item.tag, finding=finding,
                       object_key=clip.key if clip is not None else "", reason=record["reason"], ip=ip,
                       user_agent=user_agent, detail={"evidence": item.pk, "outside_period": record})


def _finding_units(finding: Finding) -> set[int]:
    """The finding's unit plus its predecessors/successors' lineage (merged communes keep footage)."""
    from backend.org.models import Unit
    from backend.org.selectors import unit_subtree_ids

    units = {finding.unit_id}
    units |= set(Unit.objects.filter(successor_id=finding.unit_id).values_list("pk", flat=True))
    unit = Unit.objects.filter(pk=finding.unit_id).only("successor_id").first()
    if unit is not None and unit.successor_id:
        units.add(unit.successor_id)
    return units | unit_subtree_ids(root_id=finding.unit_id)


def _link_file(*, by: User, finding: Finding, item: EvidenceItem, ip: str | None, user_agent: str) -> EvidenceItem:
    """Save a file, report photo or note item with its custody entry (and audit event) and tell the
    finding's viewers. Inside the caller's transaction."""
    item.save(force_insert=True)
    access_log_add(user=by, action=AccessLog.Action.EVIDENCE_LINK, finding=finding, object_key=item.file_key,
                   ip=ip, user_agent=user_agent,
                   detail={"evidence": item.pk, "kind": item.kind, "attached_in": item.attached_in,
                           "sha256": item.sha256, "filename": item.filename, "size_bytes": item.size_bytes,
                           **({"report_evidence": item.report_evidence_id} if item.report_evidence_id else {}),
                           **({"media_ref": item.media_ref} if item.media_ref else {})})
    _evidence_broadcast(item, [f"unit:{finding.unit_id}"])
    return item


def _clean_note(note: str) -> str:
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise _invalid(f"ghi chú tối đa {NOTE_MAX} ký tự.", f"the note is at most {NOTE_MAX} characters.", "note")
    return text


@transaction.atomic
def evidence_add_file(*, by: User, finding: Finding, fileobj: BinaryIO, filename: str, content_type: str,
                      size: int, note: str = "", ip: str | None = None, user_agent: str = "",
                      attached_in: str = EvidenceItem.AttachedIn.REVIEW) -> EvidenceItem:
    """The one upload path of evidence files (footage review and the finding page): store the file
    (hashed while it is copied, one cap) and attach it to the finding."""
    evidence_may_add(by=by, finding=finding)
    note = _clean_note(note)
    name = Path(filename or "").name.strip()
    if not name or len(name) > 200:
        raise _invalid("tên tệp không hợp lệ.", "bad file name.", "file")
    if size <= 0:
        raise _invalid("tệp rỗng.", "the file is empty.", "file")
    if size > UPLOAD_MAX_BYTES:
        raise _invalid(f"tệp tối đa {UPLOAD_MAX_BYTES // (1024 * 1024)} MB.",
                       f"files are at most {UPLOAD_MAX_BYTES // (1024 * 1024)} MB.", "file")
    stored = store_upload(fileobj=fileobj, filename=name, content_type=content_type,
                          prefix=f"evidence/finding-{finding.pk}", max_bytes=UPLOAD_MAX_BYTES)
    item = EvidenceItem(
        finding=finding, kind=EvidenceItem.Kind.FILE, attached_in=attached_in, file_key=stored.key,
        filename=stored.filename,  # cleaned by backend.core.uploads, the one owner of file names
        content_type=content_type or "application/octet-stream", size_bytes=stored.size, sha256=stored.sha256,
        note=note, added_by=by, added_at=timezone.now())
    return _link_file(by=by, finding=finding, item=item, ip=ip, user_agent=user_agent)


@transaction.atomic
def evidence_add_report_photo(*, by: User, finding: Finding, report_evidence_id: int, note: str = "",
                              ip: str | None = None, user_agent: str = "") -> EvidenceItem:
    """Attach a photo or file of the finding's own check report (its key and hash copied; the package
    checks the stored file is still that one)."""
    from inspection.models import ReportEvidence

    evidence_may_add(by=by, finding=finding)
    note = _clean_note(note)
    photo = ReportEvidence.objects.filter(pk=report_evidence_id,
                                          report__surprise_check_id=finding.surprise_check_id).first()
    if photo is None or finding.surprise_check_id is None:
        raise _invalid("tệp biên bản không thuộc cuộc kiểm tra của vi phạm này.",
                       "that report evidence does not belong to this finding's check.", "report_evidence_id")
    item = EvidenceItem(
        finding=finding, kind=EvidenceItem.Kind.REPORT_PHOTO, attached_in=EvidenceItem.AttachedIn.FINDING,
        report_evidence=photo, file_key=photo.key, filename=photo.filename, content_type=photo.content_type,
        size_bytes=photo.size, sha256=photo.sha256, note=note, added_by=by, added_at=timezone.now())
    return _link_file(by=by, finding=finding, item=item, ip=ip, user_agent=user_agent)


@transaction.atomic
def evidence_add_note(*, by: User, finding: Finding, media_ref: str = "", note: str = "", ip: str | None = None,
                      user_agent: str = "") -> EvidenceItem:
    """A note, or a pointer to footage in words (camera, time), when the footage is not tagged."""
    evidence_may_add(by=by, finding=finding)
    note, media_ref = _clean_note(note), (media_ref or "").strip()
    if len(media_ref) > 120:
        raise _invalid("tham chiếu hình ảnh tối đa 120 ký tự.", "media_ref is at most 120 characters.", "media_ref")
    if not media_ref and not note:
        raise _invalid("cần tham chiếu hình ảnh hoặc ghi chú.", "give a media_ref or a note.", "media_ref")
    item = EvidenceItem(finding=finding, kind=EvidenceItem.Kind.NOTE, attached_in=EvidenceItem.AttachedIn.FINDING,
                        media_ref=media_ref, note=note, added_by=by, added_at=timezone.now())
    return _link_file(by=by, finding=finding, item=item, ip=ip, user_agent=user_agent)


def require_admin(user: User) -> None:
    from backend.accounts.models import Role

    if getattr(user, "role", None) != Role.ADMIN:
        raise Forbidden()
