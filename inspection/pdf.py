"""The signed report as check minutes (biên bản kiểm tra), in the state format (NĐ 30/2020/NĐ-CP).

The frame (national header, issuer, number, place and date line, signature blocks, font, vi-VN
numbers) comes from backend/core/statedoc; this module writes what the minutes say.
"""
from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from backend.core import statedoc
from backend.core.statedoc import vn_datetime as _local
from backend.core.statedoc import vn_number, vn_score
from inspection.models import CheckReport, CriterionResult, Finding, Severity

if TYPE_CHECKING:
    from backend.accounts.models import User

TEAM_LEAD = "Tổ trưởng"
CHECK_LEAD = "Phụ trách cuộc kiểm tra"


def lead_title(check: Any, lead_post: str = "") -> str:
    """What the minutes call the check's lead: "Tổ trưởng" or "Phụ trách cuộc kiểm tra", by the rule the
    check's page and the calendar share (selectors_checks.check_lead_is_team_lead)."""
    from inspection.selectors_checks import check_lead_is_team_lead

    return TEAM_LEAD if check_lead_is_team_lead(check, lead_post) else CHECK_LEAD


def _member_words(user: User) -> str:
    """A team member in the minutes: the team's lead among the members says so."""
    from backend.accounts.models import Role

    return "Tổ trưởng tổ kiểm tra, thành viên" if user.role == Role.INSPECTION_LEAD else "thành viên"

# The issuing body of the minutes and the symbol after the number (BB: biên bản).
ISSUER = "Tổ kiểm tra đặc biệt"
SYMBOL = "BB-TKTĐB"
# A cell of the criteria table holds at most this many characters of a note (or of a criterion's wording);
# the rest is printed in full under "Ghi chú chi tiết" after the table, in paragraphs that split over
# pages. A table row cannot split: a 2,000-character note (the API's cap) made a row taller than a page,
# reportlab raised LayoutError and the signed, frozen minutes could never be printed (pdf15).
CELL_EXCERPT = 240
CRITERION_EXCERPT = 600

OUTCOME_VI = dict(CriterionResult.Outcome.choices)
NOT_APPLICABLE = CriterionResult.Outcome.NOT_APPLICABLE


def _points_text(outcome: str, points: Any, max_points: Any) -> str:
    """"1,5/2"; a criterion that does not apply has no points ("—" beside "Không áp dụng", never "0/2")."""
    if outcome == NOT_APPLICABLE:
        return "—"
    return vn_score(points, max_points) if max_points is not None else vn_number(points)


def _result_text(value: Any) -> str:
    if not value:
        return "—"
    outcome = value.get("outcome")
    text = OUTCOME_VI.get(outcome, outcome)
    if outcome != NOT_APPLICABLE:
        text += f", {vn_number(value.get('points'))} điểm"
    return text + (f" ({value['note']})" if value.get("note") else "")


def _excerpt(text: str, limit: int) -> str:
    """The text itself when it fits in a cell, else its head cut at a word (when there is one near the
    cut) with a pointer to the full text after the table."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    if space > limit * 2 // 3:
        head = head[:space]
    return head.rstrip(" ,;.") + "… (xem toàn văn tại mục Ghi chú chi tiết)"


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _hour_day(dt: Any) -> str:
    """"08 giờ 20 phút, ngày 14/04/2026" (the prose form of a time in minutes)."""
    local = timezone.localtime(dt)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def _signature_image(report: CheckReport, width: float, height: float, *, key: str | None = None) -> Any:
    """A drawn signature from the store (the representative's unless `key` names another, e.g. the lead's),
    fitted into width × height; None when none was drawn (or the image is gone: the hash in the text
    still stands)."""
    key = report.rep_signature_key if key is None else key
    if not key:
        return None
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    from backend.core.store import ObjectMissing, get_store

    try:
        handle = get_store().open(key)
    except ObjectMissing:
        return None
    try:
        data = handle.read()
    finally:
        handle.close()
    # Re-drawn small through Pillow: a stored picture that cannot be decoded (sealed before the sign-off
    # checked whole pictures) prints as its hash alone instead of making the minutes unprintable.
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as picture:
            picture.thumbnail((900, 330))
            small = io.BytesIO()
            picture.convert("RGBA").save(small, format="PNG")
    except Exception:  # noqa: BLE001 - any undecodable picture: the text and its hash still stand
        return None
    reader = ImageReader(io.BytesIO(small.getvalue()))
    w, h = reader.getSize()
    scale = min(width / w, height / h)
    return Image(io.BytesIO(small.getvalue()), width=w * scale, height=h * scale)


def _title(report: CheckReport) -> str:
    return f"Biên bản kiểm tra {report.surprise_check.reference}"


def render_signed_part(report: CheckReport) -> bytes:
    """The part of the minutes the signatures cover (up to and including the signature blocks), rendered
    when the lead signs and again when the unit's representative signs, and stored then
    (services_signoff): later downloads print these very bytes, whatever changes after (names, units)."""
    # invariant: the same signed story renders to the same bytes, so a lost copy can be proven the same
    return statedoc.build_pdf(_signed_story(report), invariant=True, title=_title(report),
                              subject=report.surprise_check.unit.name)


def render_after_part(report: CheckReport, findings: list[Finding], *, first_page: int) -> bytes:
    """What is printed after the signatures, as it stands at the download: the confirmed findings this
    reader may see and the amendments; numbered on from the signed part's last page."""
    return statedoc.build_pdf(_after_story(report, findings), first_page=first_page, title=_title(report),
                              subject=report.surprise_check.unit.name)


# Long on purpose: the signed minutes, section by section in the order they are printed.
def _signed_story(report: CheckReport) -> list[Any]:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    st = statedoc.styles()
    st = {**st, "heading_loose": ParagraphStyle("heading_loose", parent=st["heading"], keepWithNext=0)}
    P = statedoc.para  # noqa: N806
    width = statedoc.content_width()
    check = report.surprise_check
    province = statedoc.province_name()
    place = statedoc.place_of(province)
    # The minutes are dated the day they were signed (the text the signature covers never moves).
    when = report.signed_at or check.completed_at or check.started_at or timezone.now()
    heading = statedoc.Heading(parent_body=province, issuer=ISSUER, number=f"{check.reference}/{SYMBOL}",
                               place=place, day=timezone.localtime(when).date())
    signed = report.signed_content or {}
    mode = check.get_mode_display().lower()
    lead = _name(check.lead)
    team = sorted((u for u in check.team.all() if u.pk != check.lead_id), key=_name)
    where = f"{check.counter.name}, {check.unit.name}" if check.counter else check.unit.name
    cs = report.criteria_set
    sealed_post = str((signed.get("lead") or {}).get("post") or "")

    story: list[Any] = [statedoc.header(heading, width=width), P("BIÊN BẢN KIỂM TRA", st["title"]),
                        P(f"Về việc kiểm tra {mode} tại {check.unit.name}", st["subject"])]
    opening = (f"Hồi {_hour_day(check.started_at)}, tại {where}, " if check.started_at else f"Tại {where}, ")
    story += [
        P(opening + f"Tổ kiểm tra đặc biệt {province} tiến hành kiểm tra {mode} theo {cs.name} "
                    f"(năm {cs.year}, phiên bản {cs.version}).", st["indent"]),
        P("I. THÀNH PHẦN", st["heading"]),
        P("1. Tổ kiểm tra:", st["body"]),
        P(f"- Đồng chí {lead}, {lead_title(check, sealed_post)}" + (";" if team else "."), st["indent"]),
    ]
    # a list of people: each line ends with ";", the last with "."
    story += [P(f"- Đồng chí {_name(u)}, {_member_words(u)}" + (";" if i < len(team) - 1 else "."), st["indent"])
              for i, u in enumerate(team)]
    story += [P(f"2. Đơn vị được kiểm tra: {check.unit.name}"
                + (f"; bộ phận: {check.counter.name}." if check.counter else "."), st["body"])]
    # The unit's representative is one of the people present (the form lists both sides in section I).
    present = signed.get("unit_representative") if report.rep_signed_at else None
    if present and present.get("name"):
        story.append(P(f"- Đại diện đơn vị: {present.get('name')}"
                       + (f", {present.get('post')}" if present.get("post") else "") + ".", st["indent"]))
    # The table starts on page 1 under its heading, its rows splitting over the pages (a heading kept with
    # a whole table pushed it to page 2 and left page 1 mostly blank); the heading only moves on when
    # too little of the page is left for it and a row or two.
    story += [CondPageBreak(35 * mm), P("II. KẾT QUẢ KIỂM TRA THEO TIÊU CHÍ", st["heading_loose"])]

    # The body is the text the signature covers (signed_content), never a later amendment: amendments
    # are printed after the signature, each with its author, time, reason and what it changed.
    criteria = {r.criterion.code: r.criterion for r in report.results.all()}
    signed_rows = signed.get("results") or [[r.criterion.code, r.outcome, str(r.points), r.note]
                                            for r in report.results.all()]
    rows: list[list[Any]] = [[P(h, st["cell_head"]) for h in ("Mã", "Tiêu chí", "Kết quả", "Điểm", "Ghi chú")]]
    in_full: list[Any] = []  # what did not fit in a cell, printed whole after the table
    for code, outcome, points, note in sorted(
            signed_rows, key=lambda row: (criteria[row[0]].position if row[0] in criteria else 0, row[0])):
        crit = criteria.get(code)
        text = (crit.text + (" (*)" if crit.critical else "")) if crit else code
        note = note or ""
        if len(text) > CRITERION_EXCERPT:
            in_full.append(P(f"- Tiêu chí {code}: {text}", st["indent"]))
        if len(note) > CELL_EXCERPT:
            in_full.append(P(f"- Ghi chú tiêu chí {code}: {note}", st["indent"]))
        rows.append([P(code, st["cell_center"]), P(_excerpt(text, CRITERION_EXCERPT), st["cell"]),
                     P(OUTCOME_VI.get(outcome, outcome), st["cell"]),
                     P(_points_text(outcome, points, crit.max_points if crit else None), st["cell_center"]),
                     P(_excerpt(note, CELL_EXCERPT), st["cell"])])
    story.append(statedoc.grid(rows, [w * mm for w in (12, 58, 25, 20, 50)]))
    score = signed.get("score", report.score)
    max_score = signed.get("max_score", report.max_score)
    percent = signed.get("percent", report.percent)
    story += [Spacer(1, 2 * mm),
              P(f"Tổng điểm: {vn_score(score, max_score)} ({vn_number(percent)}%). "
                "Tiêu chí đánh dấu (*) là tiêu chí trọng yếu.", st["body"])]
    if in_full:
        # under the table on the same page when a few lines are left (a heading kept with a whole long
        # note would push both to the next page and leave this one blank)
        story += [CondPageBreak(25 * mm), P("Ghi chú chi tiết:", st["heading_loose"]), *in_full]
    story += [
              P("III. NHẬN XÉT CHUNG", st["heading"]),
              P(signed.get("summary", report.summary) or "Không có nhận xét.", st["indent"])]
    # What the signature covers ends with the results: the failed criteria are read from them. The
    # findings are listed after the signature, dated, because they move on after signing (a draft is
    # confirmed or dismissed) and a draft allegation is never printed.
    story.append(P("IV. TIÊU CHÍ KHÔNG ĐẠT", st["heading"]))
    failed = sorted(row[0] for row in signed_rows if row[1] == "fail")
    story.append(P("Tiêu chí không đạt: " + ", ".join(failed) + " (xem mục II)." if failed
                   else "Không có tiêu chí không đạt.", st["indent"]))
    # The evidence the signature covers is the list sealed with it: a file added after signing is printed
    # in the annex "Bổ sung sau khi ký", never here (issue 16: a later photo printed as signed).
    evidence = signed.get("evidence") if report.signed_content else [
        [e.sha256, e.filename, e.result.criterion.code if e.result is not None else ""] for e in report.evidence.all()]
    if evidence:
        # Photos by criterion and the time the device declared (phone cameras name every photo "image.jpg"),
        # ordered so; the file name stays only for a file that is not a photo.
        # by file AND criterion: one photo attached to two criteria is two items, each with its own declared time
        # (the user review: the same file under 1.1 at 06:27 and 5.3 at 06:31 printed 06:31 for both)
        taken = {(e.sha256, e.result.criterion.code if e.result is not None else ""): e
                 for e in report.evidence.select_related("result__criterion")}
        story.append(P("V. TÀI LIỆU, CHỨNG CỨ KÈM THEO", st["heading"]))

        def order(row: Any) -> tuple[Any, ...]:
            item = taken.get((row[0], row[2]))
            at = item.captured_at or item.uploaded_at if item else None
            return (criteria[row[2]].position if row[2] in criteria else 0, row[2], at.isoformat() if at else "")

        for n, (sha, filename, code) in enumerate(sorted(evidence, key=order), start=1):
            item = taken.get((sha, code))
            photo = bool(item and item.content_type.startswith("image/"))
            what = (f"Ảnh {n}" if photo else f"Tệp {n} ({filename})") + (f", tiêu chí {code}" if code else "")
            if item and item.captured_at:
                what += f", chụp lúc {_local(item.captured_at)} (theo thiết bị)"
            elif item:
                what += f", nhận lúc {_local(item.uploaded_at)}"
            story.append(P(f"- {what}, mã băm SHA-256: {sha}", st["small"]))
    lead_block: dict[str, Any] = signed.get("lead") or {}
    signer = lead_block.get("name") or (_name(report.signed_by) if report.signed_by_id else "")
    # The unit's side (field mode): its representative's opinion and signature are part of what is sealed.
    rep = signed.get("unit_representative") if report.rep_signed_at else None
    if rep:
        number = "VI" if evidence else "V"
        story += [P(f"{number}. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA", st["heading"]),
                  P(rep.get("opinion") or "Không có ý kiến.", st["indent"])]
    ended = f"Kiểm tra kết thúc hồi {_hour_day(check.completed_at)}. " if check.completed_at else ""
    lead_post = ", ".join(x for x in (lead_block.get("post"), lead_block.get("unit")) if x)
    # "Tổ trưởng" once: the post in brackets already says it when the sealed post carries it.
    signer_words = " ".join(x for x in (lead_block.get("rank"), signer) if x) or "—"
    title = lead_title(report.surprise_check, str(lead_block.get("post") or ""))
    said = title.lower() in lead_post.lower()
    closing: list[Any] = [
        P(ended + f"Biên bản được ký lúc {_local(report.signed_at)} bởi "
                  + (f"đồng chí {signer_words}" if said else f"{title} {signer_words}")
                  + (f" ({lead_post})" if lead_post else "")
                  # the parties agree only once the unit's side has signed too (user review, issue 15)
                  + ("; các bên đã đọc lại và thống nhất nội dung." if rep
                     else "; đại diện đơn vị được kiểm tra chưa ký biên bản."),
          st["indent"]),
        P("Biên bản được lập thành 02 bản có giá trị pháp lý như nhau, đơn vị được kiểm tra giữ 01 bản, "
          "Tổ kiểm tra đặc biệt giữ 01 bản.", st["indent"])]
    unit_signer = statedoc.Signer("Đại diện đơn vị được kiểm tra", "")
    if rep:
        declared = rep.get("identity") != "verified"
        if rep.get("method") == "login":
            factor = {"totp": "mã xác thực hai lớp", "recovery_code": "mã khôi phục xác thực hai lớp"}.get(
                rep.get("two_factor") or "")
            how = (f"xác nhận bằng tài khoản {rep.get('username')}" + (f" và {factor}" if factor else "")
                   + (f"; họ tên, chức vụ theo hồ sơ cán bộ số hiệu {rep.get('officer')}" if rep.get("officer") else ""))
        else:
            how = (f"ký tay trên màn hình (ảnh chữ ký SHA-256 {rep.get('signature_sha256')})"
                   + ("; họ tên, chức vụ do người ký tự khai, chưa được đối chiếu" if declared else ""))
        closing += [P(f"Đại diện đơn vị được kiểm tra {rep.get('name')} ({rep.get('post')}) ký lúc "
                      f"{_local(report.rep_signed_at)}, {how}.", st["indent"]),
                    P(f"Mã băm phần tổ kiểm tra ký (SHA-256): {report.lead_content_hash}", st["small"])]
        unit_signer = statedoc.Signer(
            "Đại diện đơn vị được kiểm tra", str(rep.get("name") or ""),
            note=(f"({rep.get('post')}; đã xác nhận bằng tài khoản {rep.get('username')})" if not declared
                  else f"({rep.get('post')} — họ tên, chức vụ tự khai)"),
            image=_signature_image(report, 60 * mm, 22 * mm))
    lead_signer = statedoc.Signer(
        "Tổ trưởng tổ kiểm tra" if title == TEAM_LEAD else CHECK_LEAD,
        " ".join(x for x in (lead_block.get("rank"), signer) if x),
        note="(" + "; ".join(x for x in (lead_post, f"đã ký lúc {_local(report.signed_at)}") if x) + ")",
        image=_signature_image(report, 60 * mm, 22 * mm, key=report.lead_signature_key))
    # The closing lines stay on the page of the signatures (a signature alone on a page signs nothing).
    closing += [P(f"Mã băm nội dung đã ký (SHA-256): {report.content_hash}", st["small"]), Spacer(1, 4 * mm),
                statedoc.signatures([unit_signer, lead_signer], width=width)]
    story += [Spacer(1, 3 * mm), KeepTogether(closing)]
    return story


def _after_story(report: CheckReport, findings: list[Finding]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    st = statedoc.styles()
    P = statedoc.para  # noqa: N806
    story: list[Any] = [P(f"VI PHẠM ĐÃ XÁC NHẬN LIÊN QUAN ĐẾN CUỘC KIỂM TRA (tình trạng đến ngày "
                                   f"{timezone.localdate():%d/%m/%Y}; không thuộc nội dung đã ký ở trên)",
                                   st["heading"])]
    if findings:
        for f in findings:
            names = "; ".join(f"{s.officer.full_name} ({s.get_role_display().lower()})" for s in f.subjects.all())
            period = _local(f.occurred_from) + (f" đến {_local(f.occurred_to)}" if f.occurred_to else "")
            story.append(P(f"- {f.reference}: {f.title}. Loại: {f.category.name_vi}; mức độ: "
                           f"{dict(Severity.choices)[f.severity].lower()}; thời điểm: {period}"
                           + (f"; người liên quan: {names}." if names else "."), st["body"]))
    else:
        story.append(P("Chưa có vi phạm nào được xác nhận.", st["body"]))
    amendments = list(report.amendments.all())
    if amendments:
        story += [Spacer(1, 6 * mm), P("BỔ SUNG SAU KHI KÝ (sửa đổi, bổ sung và chứng cứ nộp sau khi ký; không "
                                       "thuộc nội dung đã ký và mã băm ở trên, không có chữ ký của các bên)",
                                       st["heading"])]
        for a in amendments:
            story.append(P(f"Lần {a.number}, {_local(a.at)}, người lập: {_name(a.author)}. Lý do: {a.reason}",
                           st["body"]))
            changes = a.changes or {}
            for change in changes.get("results", []):
                story.append(P(f"- Tiêu chí {change.get('criterion', '')}: {_result_text(change.get('before'))} → "
                               f"{_result_text(change.get('after'))}", st["small"]))
            if "summary" in changes:
                story.append(P(f"- Nhận xét chung, sửa thành: {changes['summary'].get('after', '')}", st["small"]))
            added = changes.get("evidence_added")
            if added:
                story.append(P(f"- Chứng cứ bổ sung: {added.get('filename', '')}"
                               + (f" (tiêu chí {added['criterion']})" if added.get("criterion") else "")
                               + f", {vn_number(added.get('size') or 0, digits=0)} byte, mã băm SHA-256: "
                                 f"{added.get('sha256', '')}", st["small"]))
            if "score" in changes:
                story.append(P(f"- Tổng điểm: {vn_number(changes['score'].get('before'))} → "
                               f"{vn_number(changes['score'].get('after'))}", st["small"]))
            story.append(P(f"Mã băm sau sửa đổi (SHA-256): {a.content_hash}", st["small"]))
    return story
