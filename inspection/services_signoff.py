"""Sign-off of the check minutes (biên bản kiểm tra): the team lead signs, then the inspected unit's
representative, on the spot; the seal (content_hash) covers what both signed."""
from __future__ import annotations

import base64
import binascii
import io
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.errors import Conflict, DomainError, Forbidden
from backend.core.events import broadcast_on_commit
from backend.core.uploads import store_upload
from inspection.minutes import minutes_signed_part_store
from inspection.models import CheckReport, SurpriseCheck
from inspection.secrecy import on_check_team
from inspection.services_common import TEAM, _check_locked, _event, _invalid, _require_text
from inspection.services_reports import (
    _report_locked,
    _representative_content,
    content_hash,
    report_content,
    report_sign_blockers,
)

MAX_SIGNATURE_BYTES = 512 * 1024
MAX_SIGNATURE_SIDE = 4000  # px: a phone canvas is well under it; a larger picture cannot be printed
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _signature_png(data_url: str) -> bytes:
    """A signature drawn on the screen, as the canvas gives it: data:image/png;base64,..."""
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise _invalid("Chữ ký vẽ phải là ảnh PNG (data:image/png;base64,...).",
                       "The drawn signature must be a PNG data URL.", "signature")
    try:
        raw = base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not raw.startswith(PNG_MAGIC):
        raise _invalid("Chữ ký vẽ không phải ảnh PNG hợp lệ.", "The drawn signature is not a valid PNG.", "signature")
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise _invalid("Ảnh chữ ký quá lớn (tối đa 512 KB).", "The signature image is too large (max 512 KB).",
                       "signature")
    # The whole picture is decoded now: a signature the minutes cannot print must not be sealed (it
    # cannot be signed again), so a broken file or an outsized canvas is refused here.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as image:
            width, height = image.size
            if image.format != "PNG" or width > MAX_SIGNATURE_SIDE or height > MAX_SIGNATURE_SIDE:
                raise _invalid(f"Ảnh chữ ký phải là PNG, mỗi chiều tối đa {MAX_SIGNATURE_SIDE} điểm ảnh.",
                               f"The signature must be a PNG of at most {MAX_SIGNATURE_SIDE} px a side.", "signature")
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _invalid("Chữ ký vẽ không phải ảnh PNG hợp lệ.", "The drawn signature is not a valid PNG.",
                       "signature") from None
    return raw


def _signature_store(check: SurpriseCheck, png: bytes, filename: str) -> Any:
    """Stored before the transaction (the store is not the database); the key is content-addressed, so a
    picture whose sign-off is then refused is an unreferenced copy, never a half-written record."""
    return store_upload(fileobj=io.BytesIO(png), filename=filename, content_type="image/png",
                        prefix=f"inspection/checks/{check.uid}/signatures", max_bytes=MAX_SIGNATURE_BYTES,
                        allowed_suffixes=[".png"])


def _check_day(check: SurpriseCheck) -> date:
    """The day of the check, for "who served in the unit then": the day it started on site."""
    return timezone.localdate(check.started_at or check.window_start)


def _lead_block(user: User, day: date) -> dict[str, Any]:
    """The team lead as the minutes print him: name, rank and post from his officer record and his
    appointment on the day (the account's name when no officer is linked), and the time he signed."""
    from backend.org.selectors import officer_assignment_at

    officer = getattr(user, "officer", None)
    assignment = officer_assignment_at(officer=officer, at=day) if officer is not None else None
    return {"username": user.get_username(),
            "name": officer.full_name if officer is not None else (user.get_full_name() or user.get_username()),
            "rank": officer.rank if officer is not None else "",
            "post": assignment.position if assignment is not None else "",
            "unit": assignment.unit.name if assignment is not None else ""}


def _refuse_blockers(report: CheckReport) -> None:
    blockers = report_sign_blockers(report)
    if blockers:
        raise Conflict(" ".join(b["vi"] for b in blockers), " ".join(b["en"] for b in blockers),
                       code=blockers[0]["code"])


def report_sign(*, by: User, check: SurpriseCheck, signature: str = "") -> CheckReport:
    """The team lead signs: the content is frozen (signed_content) with the lead's name, post and time, and
    optionally his signature drawn on the screen (its hash joins the content). What is printed as signed
    is this content and nothing else; later additions are printed apart, as additions after signing."""
    require_role(by, *TEAM)  # the check's own lead: an inspector may lead a drawn check
    png = _signature_png(signature) if signature else None
    stored = _signature_store(check, png, "chu-ky-to-truong.png") if png is not None else None
    with transaction.atomic():
        check = _check_locked(check.pk)
        if check.lead_id != by.pk:
            raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra mới được ký biên bản.",
                            "Only the check's team lead may sign.")
        report = _report_locked(check)
        if report.is_signed:
            raise Conflict("Biên bản đã được ký trước đó.", "The report is already signed.", code="already_signed")
        if check.state != SurpriseCheck.State.COMPLETED:
            raise Conflict("Phải kết thúc cuộc kiểm tra trước khi ký biên bản.",
                           "Complete the check before signing the report.", code="invalid_state")
        _refuse_blockers(report)
        report.signed_at = timezone.now()
        report.signed_by = by
        report.lead_signature_key = stored.key if stored else ""
        report.lead_signature_sha256 = stored.sha256 if stored else ""
        lead = {**_lead_block(by, _check_day(check)), "signed_at": report.signed_at.isoformat(),
                "signature_sha256": report.lead_signature_sha256 or None}
        content = {**report_content(report), "lead": lead}
        report.content_hash = content_hash(content)
        report.lead_content_hash = report.content_hash
        report.signed_content = content
        report.version += 1
        report.save()
        check.state = SurpriseCheck.State.SIGNED
        check.save(update_fields=["state"])
        minutes = minutes_signed_part_store(report=report)  # the signed part printed from now on
        audit_record(actor=by, verb="report.sign", obj=report,
                     payload={"check": str(check.uid), "content_hash": report.content_hash, "score": report.score,
                              "signature_sha256": report.lead_signature_sha256 or None, "minutes_sha256": minutes})
        broadcast_on_commit([f"unit:{check.unit_id}"], _event(check, "check.signed"))
    return report


def _refuse_team_member_under_another_account(rep_user: User, check: SurpriseCheck) -> None:
    """The unit's signature is another person's than the team's: a team member's second account (linked to a
    look-alike officer posted in the unit) is the team member (accounts.selectors.same_person, insider F1; a name
    typed in Telex/VNI reads as the name it stands for: backend/org/identity.py, issue 15)."""
    from backend.accounts.selectors import same_person, same_person_refused
    from backend.org.identity import names_alike

    side = [m for m in (check.lead, *check.team.select_related("officer")) if m is not None]
    # a team member with no officer record is known by the account's name only: an officer record of the unit whose
    # name is alike (as written, typed in Telex/VNI, one letter off: issue 15) is that member
    mine = rep_user.officer.full_name if rep_user.officer is not None else ""
    if any(same_person(rep_user, member) or (mine and not member.officer_id
                                             and names_alike(mine, member.get_full_name())) for member in side):
        raise same_person_refused("Người đại diện đơn vị không thể là thành viên tổ kiểm tra.",
                                  "The unit's representative cannot be a member of the inspection side.")


def _refuse_team_member_name(name: str, check: SurpriseCheck) -> None:
    """A drawn signature names the unit's representative by a typed name: the lead cannot type his own name (or
    a team member's) and sign both sides of the minutes (insider F-C). Letters outside the Vietnamese alphabet
    are refused; ranks, honorifics, "(đại diện)", initials and one letter off do not hide the name
    (org.identity.typed_name_is, insider re-check S1)."""
    from backend.org.identity import require_vietnamese_name, typed_name_is, typed_name_is_full

    require_vietnamese_name(name, "name")
    if not typed_name_is_full(name):
        raise DomainError("Họ tên người đại diện đơn vị phải là họ tên đầy đủ, ít nhất hai chữ (không tính chức danh, "
                          "cấp bậc hay cách xưng hô như “Anh”, “Đồng chí”), không chỉ là chữ viết tắt.",
                          "The unit's representative name must be a full name of at least two words (titles, ranks "
                          "and honorifics aside), not initials only.", code="representative_name_not_full",
                          fields={"name": ["not a full name"]})

    side = [check.lead, *check.team.select_related("officer")]
    for member in (m for m in side if m is not None):
        officer = getattr(member, "officer", None)
        known = {member.get_full_name(), officer.full_name if officer is not None else ""}
        if any(typed_name_is(name, known_name) for known_name in known if known_name):
            raise Conflict(f"Họ tên người đại diện đơn vị ({name}) trùng với thành viên tổ kiểm tra (kể cả khi chỉ "
                           "là một phần họ tên hay chữ viết tắt của họ tên đó): tổ kiểm tra không thể ký thay phía "
                           "đơn vị được kiểm tra.",
                           f"The unit's representative name ({name}) is the name of a member of the inspection "
                           "team: the team cannot sign for the inspected unit.", code="representative_is_team")


def _representative_identity(rep_user: User, check: SurpriseCheck) -> tuple[Any, str, str]:
    """Who may confirm for the inspected unit with an account: a person of that unit on the check's day
    (an appointment, in the org records, in the unit or a unit below it then), never a member of the
    inspection side. Returns (officer, name, post) from the officer record and that appointment."""
    from backend.org.selectors import officer_posting_in

    if on_check_team(rep_user, check) or getattr(rep_user, "is_inspection_team", False):
        raise _invalid("Người đại diện đơn vị không thể là thành viên tổ kiểm tra.",
                       "The unit's representative cannot be a member of the inspection side.", "username")
    _refuse_team_member_under_another_account(rep_user, check)
    officer = getattr(rep_user, "officer", None)
    day = _check_day(check)
    posting = officer_posting_in(officer=officer, unit=check.unit, at=day) if officer is not None else None
    if officer is None or posting is None:
        raise _invalid(f"Tài khoản này không thuộc cán bộ của {check.unit.name} vào ngày kiểm tra "
                       f"{day:%d/%m/%Y} (theo hồ sơ cán bộ và quyết định bổ nhiệm): không thể ký thay mặt đơn vị "
                       "bằng tài khoản. Người đại diện có thể ký tay trên màn hình.",
                       f"This account is not an officer of {check.unit.name} on the check's day {day:%d/%m/%Y} "
                       "(per the officer records and appointments): it cannot confirm for the inspected unit. The "
                       "representative may sign by hand on the screen.", "username")
    return officer, officer.full_name, posting.position


# Long on purpose: the two ways to confirm (own account or on the lead's device) checked before one write.
def report_representative_sign(*, by: User, check: SurpriseCheck, opinion: str = "", name: str = "",
                               post: str = "", signature: str = "", rep_user: User | None = None,
                               two_factor: str = "") -> CheckReport:
    """The inspected unit's representative signs the minutes after the team lead, on the lead's device.

    They confirm either with their own account (`rep_user`, whose password and second factor the API
    checked through `accounts.services.identity_confirm`; `two_factor` is the factor given) or with a
    signature drawn on the screen (`signature`, a PNG data URL), never both. With an account, name and
    post come from the person's officer record and appointment in the inspected unit on the check's day
    (typed ones are not used) and are recorded as verified; with a drawn signature they are typed and
    recorded as declared. The representative signs what the lead signed: the sealed content is the
    lead's signed content plus the unit's part (which names the lead's hash), and the seal (content_hash)
    is taken over both; anything added after the lead signed stays outside it."""
    require_role(by, *TEAM)  # the check's own lead (checked below): an inspector may lead a drawn check
    opinion = (opinion or "").strip()
    if bool(signature) == bool(rep_user is not None):
        raise _invalid("Người đại diện xác nhận bằng tài khoản của mình hoặc bằng chữ ký vẽ trên màn hình "
                       "(chọn một).", "The representative confirms with their own account or a drawn signature "
                       "(exactly one).", "signature", code="required")
    officer = None
    if rep_user is not None:
        officer, name, post = _representative_identity(rep_user, check)
    else:
        name = _require_text(name, "name", "họ tên người đại diện")
        _refuse_team_member_name(name, check)
        post = _require_text(post, "post", "chức vụ người đại diện")
        if len(name) > 200 or len(post) > 200:
            raise _invalid("Họ tên và chức vụ tối đa 200 ký tự.", "name and post are at most 200 characters.", "name")
    png = _signature_png(signature) if signature else None
    stored = _signature_store(check, png, "chu-ky-dai-dien.png") if png is not None else None
    with transaction.atomic():
        check = _check_locked(check.pk)
        if check.lead_id != by.pk:
            raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra mới được nhận chữ ký của đơn vị.",
                            "Only the check's team lead may take the unit's signature.")
        report = _report_locked(check)
        _require_representative_step(report)
        report.rep_name, report.rep_post, report.rep_opinion = name, post, opinion
        report.rep_method = "login" if rep_user is not None else "drawn"
        report.rep_identity = "verified" if rep_user is not None else "declared"
        report.rep_user = rep_user
        report.rep_officer = officer
        report.rep_two_factor = (two_factor or "none") if rep_user is not None else ""
        report.rep_signature_key = stored.key if stored else ""
        report.rep_signature_sha256 = stored.sha256 if stored else ""
        report.rep_signed_at = timezone.now()
        if not report.lead_content_hash:
            report.lead_content_hash = report.content_hash
        lead_part = {k: v for k, v in (report.signed_content or report_content(report)).items()
                     if k != "unit_representative"}
        content = {**lead_part, "unit_representative": _representative_content(report)}
        report.content_hash = content_hash(content)
        report.signed_content = content
        report.version += 1
        report.save()
        minutes = minutes_signed_part_store(report=report)  # the signed part now with the unit's signature
        audit_record(actor=by, verb="report.representative_sign", obj=report,
                     payload={"check": str(check.uid), "name": name, "post": post, "method": report.rep_method,
                              "identity": report.rep_identity,
                              "officer": officer.service_number if officer is not None else None,
                              "two_factor": report.rep_two_factor or None,
                              "username": rep_user.get_username() if rep_user is not None else None,
                              "signature_sha256": report.rep_signature_sha256 or None,
                              "lead_content_hash": report.lead_content_hash, "content_hash": report.content_hash,
                              "minutes_sha256": minutes})
    return report


def _require_representative_step(report: CheckReport) -> None:
    """The unit's signature is taken once, after the lead's, on the minutes the lead signed."""
    if not report.is_signed:
        raise Conflict("Tổ trưởng ký biên bản trước, sau đó đến đại diện đơn vị.",
                       "The team lead signs first, then the unit's representative.", code="not_signed")
    if report.rep_signed_at is not None:
        raise Conflict("Đại diện đơn vị đã ký biên bản này.", "The unit's representative already signed.",
                       code="already_signed")
    # A photo that arrived late is printed apart and changes nothing signed; a change of the results or
    # the summary after the lead signed means the unit would sign minutes that are no longer the team's.
    if any(set(a.changes or {}) - {"evidence_added"} for a in report.amendments.all()):
        raise Conflict("Biên bản đã có bản sửa đổi sau khi ký; không nhận chữ ký đơn vị trên bản đã sửa.",
                       "The minutes were amended after signing; the unit cannot sign an amended version.",
                       code="amended")


# --- hand-over: the lead's device given to the representative for the signature step only ---------


def report_handover_start(*, by: User, check: SurpriseCheck) -> CheckReport:
    """The lead hands the device to the unit's representative for this check's signature step. Refused
    unless the representative may sign now. The session is limited by the API (accounts.selectors.
    session_handover); this records that the device left the lead's hands."""
    require_role(by, *TEAM)
    with transaction.atomic():
        check = _check_locked(check.pk)
        if check.lead_id != by.pk:
            raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra mới được trao máy cho đại diện đơn vị ký.",
                            "Only the check's team lead may hand the device to the unit's representative.")
        report = _report_locked(check)
        _require_representative_step(report)
        audit_record(actor=by, verb="report.handover_start", obj=report, payload={"check": str(check.uid)})
    return report


def report_handover_end(*, by: User, check_uid: str) -> None:
    """The lead took the device back (the API checked their password again)."""
    report = CheckReport.objects.filter(surprise_check__uid=check_uid).first()
    audit_record(actor=by, verb="report.handover_end", obj=report,
                 object_type="" if report else "inspection.surprisecheck", object_id="" if report else str(check_uid),
                 payload={"check": str(check_uid),
                          "representative_signed": bool(report and report.rep_signed_at is not None)})
