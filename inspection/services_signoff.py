"""Sign-off of the check minutes (biên bản kiểm tra): the team lead signs, then the inspected unit's
representative, on the spot; the seal (content_hash) covers what both signed."""
from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.errors import Conflict, Forbidden
from backend.core.events import broadcast_on_commit
from backend.core.uploads import store_upload
from inspection.models import CheckReport, SurpriseCheck
from inspection.secrecy import on_check_team
from inspection.services_common import TEAM, _check_locked, _event, _invalid, _require_text
from inspection.services_reports import _report_locked, _sign_blockers, content_hash, report_content


@transaction.atomic
def report_sign(*, by: Any, check: SurpriseCheck) -> CheckReport:
    require_role(by, *TEAM)  # the check's own lead: an inspector may lead a drawn check
    check = _check_locked(check.pk)
    if check.lead_id != by.pk:
        raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra mới được ký biên bản.", "Only the check's team lead may sign.")
    report = _report_locked(check)
    if report.is_signed:
        raise Conflict("Biên bản đã được ký trước đó.", "The report is already signed.", code="already_signed")
    if check.state != SurpriseCheck.State.COMPLETED:
        raise Conflict("Phải kết thúc cuộc kiểm tra trước khi ký biên bản.",
                       "Complete the check before signing the report.", code="invalid_state")
    blockers = _sign_blockers(report)
    if blockers:
        raise Conflict(" ".join(b["vi"] for b in blockers), " ".join(b["en"] for b in blockers),
                       code=blockers[0]["code"])
    report.signed_at = timezone.now()
    report.signed_by = by
    content = report_content(report)
    report.content_hash = content_hash(content)
    report.lead_content_hash = report.content_hash
    report.signed_content = content
    report.version += 1
    report.save()
    check.state = SurpriseCheck.State.SIGNED
    check.save(update_fields=["state"])
    audit_record(actor=by, verb="report.sign", obj=report,
                 payload={"check": str(check.uid), "content_hash": report.content_hash, "score": report.score})
    broadcast_on_commit([f"unit:{check.unit_id}"], _event(check, "check.signed"))
    return report


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


def report_representative_sign(*, by: Any, check: SurpriseCheck, name: str, post: str, opinion: str = "",
                               signature: str = "", rep_user: Any = None) -> CheckReport:
    """The inspected unit's representative signs the minutes after the team lead, on the lead's device.

    They confirm either with their own account (`rep_user`, whose password the API has checked through
    the sign-in service) or with a signature drawn on the screen (`signature`, a PNG data URL), never
    both. The account must belong to the inspected unit and not to the inspection team. Their name,
    post, the unit's opinion and the signature's hash join the content, and the seal (content_hash)
    is taken again over both sides; the hash the lead signed stays in lead_content_hash."""
    from backend.org.selectors import unit_subtree_ids

    require_role(by, *TEAM)  # the check's own lead (checked below): an inspector may lead a drawn check
    name = _require_text(name, "name", "họ tên người đại diện")
    post = _require_text(post, "post", "chức vụ người đại diện")
    if len(name) > 200 or len(post) > 200:
        raise _invalid("Họ tên và chức vụ tối đa 200 ký tự.", "name and post are at most 200 characters.", "name")
    opinion = (opinion or "").strip()
    if bool(signature) == bool(rep_user is not None):
        raise _invalid("Người đại diện xác nhận bằng tài khoản của mình hoặc bằng chữ ký vẽ trên màn hình "
                       "(chọn một).", "The representative confirms with their own account or a drawn signature "
                       "(exactly one).", "signature", code="required")
    png = _signature_png(signature) if signature else None
    if rep_user is not None:
        if on_check_team(rep_user, check) or getattr(rep_user, "is_inspection_team", False):
            raise _invalid("Người đại diện đơn vị không thể là thành viên đoàn kiểm tra.",
                           "The unit's representative cannot be a member of the inspection side.", "username")
        # belonging to the unit = the account's scope is the inspected unit or a part of it (a province-wide
        # account is not the unit's representative)
        if rep_user.scope_unit_id is None or rep_user.scope_unit_id not in unit_subtree_ids(root_id=check.unit_id):
            raise _invalid("Tài khoản này không thuộc đơn vị được kiểm tra.",
                           "This account does not belong to the inspected unit.", "username")
    stored = None
    if png is not None:
        stored = store_upload(fileobj=io.BytesIO(png), filename="chu-ky-dai-dien.png", content_type="image/png",
                              prefix=f"inspection/checks/{check.uid}/signatures", max_bytes=MAX_SIGNATURE_BYTES,
                              allowed_suffixes=[".png"])
    with transaction.atomic():
        check = _check_locked(check.pk)
        if check.lead_id != by.pk:
            raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra mới được nhận chữ ký của đơn vị.",
                            "Only the check's team lead may take the unit's signature.")
        report = _report_locked(check)
        if not report.is_signed:
            raise Conflict("Tổ trưởng ký biên bản trước, sau đó đến đại diện đơn vị.",
                           "The team lead signs first, then the unit's representative.", code="not_signed")
        if report.rep_signed_at is not None:
            raise Conflict("Đại diện đơn vị đã ký biên bản này.", "The unit's representative already signed.",
                           code="already_signed")
        if report.amendments.exists():
            raise Conflict("Biên bản đã có bản sửa đổi sau khi ký; không nhận chữ ký đơn vị trên bản đã sửa.",
                           "The minutes were amended after signing; the unit cannot sign an amended version.",
                           code="amended")
        report.rep_name, report.rep_post, report.rep_opinion = name, post, opinion
        report.rep_method = "login" if rep_user is not None else "drawn"
        report.rep_user = rep_user
        report.rep_signature_key = stored.key if stored else ""
        report.rep_signature_sha256 = stored.sha256 if stored else ""
        report.rep_signed_at = timezone.now()
        if not report.lead_content_hash:
            report.lead_content_hash = report.content_hash
        content = report_content(report)
        report.content_hash = content_hash(content)
        report.signed_content = content
        report.version += 1
        report.save()
        audit_record(actor=by, verb="report.representative_sign", obj=report,
                     payload={"check": str(check.uid), "name": name, "post": post, "method": report.rep_method,
                              "username": rep_user.get_username() if rep_user is not None else None,
                              "signature_sha256": report.rep_signature_sha256 or None,
                              "lead_content_hash": report.lead_content_hash, "content_hash": report.content_hash})
    return report

