"""The whole inspection loop through the API as the real roles:
risk → draw → verify after reveal → start → report → sign → findings → PDF."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from backend.audit.services import audit_verify_chain
from inspection.models import Draw, SurpriseCheck
from inspection.selectors_criteria import criteria_leaves
from tests.inspection.draw_helpers import partner_id
from tests.inspection.factories import photo_bytes, report_version


def _next_monday() -> date:
    d = timezone.localdate() + timedelta(days=1)
    while d.weekday() != 0:
        d += timedelta(days=1)
    return d


def _all_pass(check: SurpriseCheck) -> list[dict]:
    assert check.criteria_set is not None
    return [{"criterion": c.code, "outcome": "pass"} for c in criteria_leaves(criteria_set=check.criteria_set)]


@pytest.mark.django_db
def test_full_loop_as_real_roles(api_as, insp):
    lead, inspector, discipline, unithead = api_as("lead"), api_as("inspector"), api_as("discipline"), api_as("unithead")

    # 1. risk: computed by the lead, explained by features x weights
    risk = lead.post("/api/inspection/risk/", {}, format="json")
    assert risk.status_code == 201, risk.content
    rows = {r["unit"]["code"]: r for r in risk.json()["results"]}
    assert {"CAX-TC", "CAX-ND", "CAX-KL"} <= set(rows)
    tc = rows["CAX-TC"]
    assert tc["score"] == pytest.approx(sum(tc["contributions"].values()), abs=1e-4)
    assert tc["features"]["findings"] > 0 and tc["weights"]["findings"] > 0
    assert api_as("unithead").get("/api/inspection/risk/").status_code == 403

    # 2. draw: two targets in the coming month; the secret planned CAX-ND check is pending, so
    #    CAX-ND is not drawn again
    #    (the inspector served in CAX-KL: a third member gives its check a team of two, issue 15)
    partner_id()
    start = _next_monday()
    response = lead.post("/api/inspection/draws/", {"n": 2, "start": start.isoformat(),
                                                     "end": (start + timedelta(days=27)).isoformat(),
                                                     "name": "Đợt 12/2026"}, format="json")
    assert response.status_code == 201, response.content
    draw = response.json()
    assert draw["seed"] is None and len(draw["seed_sha256"]) == 64
    drawn_units = {r["unit_id"] for r in draw["result"]}
    assert drawn_units == {insp.units["CAX-TC"].pk, insp.units["CAX-KL"].pk}
    excluded = {e["unit_id"]: e["reason"] for e in draw["params"]["excluded"]}
    assert excluded[insp.units["CAX-ND"].pk] == "planned_check_pending"
    # the inspector served in Kim Liên until 2023: never on that team
    kl = next(r for r in draw["result"] if r["unit_id"] == insp.units["CAX-KL"].pk)
    assert insp.users["inspector"].pk not in kl["team"]

    # verification before the reveal says so
    early = lead.get(f"/api/inspection/draws/{draw['id']}/verify/").json()
    assert early["match"] is False and early["revealed"] is False and early["seed"] is None
    # closing is refused while drawn checks are still planned
    refused = lead.post(f"/api/inspection/draws/{draw['id']}/close/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "checks_pending"

    # 3. the checks, as the team sees them; outsiders see nothing yet
    listed = lead.get(f"/api/inspection/checks/?draw={draw['id']}").json()
    assert listed["count"] == 2 and {c["state"] for c in listed["results"]} == {"planned"}
    assert unithead.get("/api/inspection/checks/").json()["count"] == 1  # the signed demo check only
    tc_check = next(c for c in listed["results"] if c["unit"]["code"] == "CAX-TC")
    kl_check = next(c for c in listed["results"] if c["unit"]["code"] == "CAX-KL")
    assert unithead.get(f"/api/inspection/checks/{tc_check['id']}/").status_code == 404

    # the draw spreads leads over the team (lead and inspectors): only the check's own lead starts it
    from inspection.models import SurpriseCheck as _Check

    tc_lead_id = _Check.objects.get(uid=tc_check["id"]).lead_id
    tc_lead, not_tc_lead = (lead, inspector) if tc_lead_id == insp.users["lead"].pk else (inspector, lead)
    assert not_tc_lead.post(f"/api/inspection/checks/{tc_check['id']}/start/", {}, format="json").status_code == 403
    started = tc_lead.post(f"/api/inspection/checks/{tc_check['id']}/start/", {}, format="json")
    assert started.status_code == 200 and started.json()["state"] == "in_progress"
    seen = unithead.get(f"/api/inspection/checks/{tc_check['id']}/")
    assert seen.status_code == 200 and seen.json()["state"] == "in_progress"
    cancelled = lead.post(f"/api/inspection/checks/{kl_check['id']}/cancel/",
                          {"reason": "Đơn vị đang diễn tập phòng cháy"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"

    # 4. report: the team fills it, evidence is hashed into the store
    check = SurpriseCheck.objects.get(uid=tc_check["id"])
    results = _all_pass(check)
    for item in results:
        if item["criterion"] == "3.1":
            item.update(outcome="fail", note="Thu 100.000đ ngoài quy định khi cấp căn cước.")
        if item["criterion"] == "2.2":
            item.update(outcome="partial", points=2, note="Bảng phí đã cũ.")
    put = inspector.put(f"/api/inspection/checks/{tc_check['id']}/report/",
                        {"results": results, "summary": "Phát hiện thu tiền ngoài quy định.",
                         "version": report_version(check)}, format="json")
    assert put.status_code == 200, put.content
    body = put.json()
    assert float(body["score"]) == pytest.approx(100 - 10 - 3)
    assert float(body["percent"]) == pytest.approx(87.0)
    import hashlib

    photo = photo_bytes()
    upload = io.BytesIO(photo)
    upload.name = "biên-lai.jpg"
    ev = inspector.post(f"/api/inspection/checks/{tc_check['id']}/report/evidence/",
                        {"file": upload, "criterion": "3.1", "sha256": hashlib.sha256(photo).hexdigest()},
                        format="multipart")
    assert ev.status_code == 201, ev.content
    assert ev.json()["sha256"] == hashlib.sha256(photo).hexdigest()
    # an unsigned report cannot be printed yet
    assert lead.get(f"/api/inspection/checks/{tc_check['id']}/report/pdf/").status_code == 409

    # 5. findings from the check, with the violator and the responsible head
    occurred = (timezone.localtime() - timedelta(days=3)).replace(hour=9, minute=30, second=0, microsecond=0)
    created = inspector.post("/api/inspection/findings/", {
        "source": "check", "check": tc_check["id"], "category": "THU_PHI", "criterion": "3.1",
        "title": "Thu tiền ngoài quy định", "occurred_from": occurred.isoformat(),
        "subjects": [{"officer_id": insp.officers["NA-2104"].pk, "role": "violator"},
                     {"officer_id": insp.officers["NA-2102"].pk, "role": "responsible_head",
                      "knew_and_did_not_act": True}]}, format="json")
    assert created.status_code == 201, created.content
    finding = created.json()
    assert finding["state"] == "draft" and finding["severity"] == "serious" and finding["unit"]["code"] == "CAX-TC"
    # a draft is not visible to the disciplinary officer; confirmation needs the lead and a reason
    assert discipline.get(f"/api/inspection/findings/{finding['id']}/").status_code == 404
    assert inspector.post(f"/api/inspection/findings/{finding['id']}/transition/",
                          {"to": "confirmed", "reason": "x"}, format="json").status_code == 403
    assert lead.post(f"/api/inspection/findings/{finding['id']}/transition/",
                     {"to": "confirmed", "reason": ""}, format="json").status_code == 400
    confirmed = lead.post(f"/api/inspection/findings/{finding['id']}/transition/",
                          {"to": "confirmed", "reason": "Công dân xác nhận, có biên lai."}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    assert [t["to"] for t in confirmed.json()["transitions"]] == ["draft", "confirmed"]
    assert discipline.get(f"/api/inspection/findings/{finding['id']}/").status_code == 200

    # 6. complete and sign; signing twice is refused; the hash is frozen
    assert tc_lead.post(f"/api/inspection/checks/{tc_check['id']}/complete/", {}, format="json").status_code == 200
    signed = tc_lead.post(f"/api/inspection/checks/{tc_check['id']}/report/sign/", {}, format="json")
    assert signed.status_code == 200, signed.content
    content_hash = signed.json()["content_hash"]
    assert len(content_hash) == 64 and signed.json()["signed_by"]["id"] == tc_lead_id
    again = tc_lead.post(f"/api/inspection/checks/{tc_check['id']}/report/sign/", {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_signed"

    # 7. the minutes in PDF, diacritics intact
    pdf = unithead.get(f"/api/inspection/checks/{tc_check['id']}/report/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for phrase in ("BIÊN BẢN KIỂM TRA", "Công an xã Thanh Chương", "Độc lập - Tự do - Hạnh phúc",
                   "Thu tiền ngoài quy định", "Phạm Quốc Anh", content_hash[:16]):
        assert phrase in text.replace("\n", " ") or phrase in text, phrase
    from backend.core.statedoc import fonts

    assert fonts().regular.encode() in pdf.content  # the embedded Vietnamese font

    # 8. close the cycle: the seed is revealed and the draw verifies
    # a draw with a check dropped (cancelled) closes only with a reason, and the count is published
    refused = lead.post(f"/api/inspection/draws/{draw['id']}/close/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "required"
    closed = lead.post(f"/api/inspection/draws/{draw['id']}/close/",
                       {"reason": "Đơn vị Kim Liên trùng lịch diễn tập"}, format="json")
    assert closed.status_code == 200 and closed.json()["seed"]
    assert {"code": "checks_cancelled", "cancelled": 1, "total": 2,
            "reason": "Đơn vị Kim Liên trùng lịch diễn tập"} in closed.json()["flags"]
    verify = lead.get(f"/api/inspection/draws/{draw['id']}/verify/").json()
    assert verify["match"] is True, verify["reasons"]
    assert {s["unit_id"] for s in verify["selected"]} == drawn_units

    # tampering with a stored input is detected
    Draw.objects.filter(pk=draw["id"]).update(
        candidates=[{**c, "score": c["score"] + 5} for c in Draw.objects.get(pk=draw["id"]).candidates])
    tampered = lead.get(f"/api/inspection/draws/{draw['id']}/verify/").json()
    assert tampered["match"] is False and any("snapshot" in r["en"] for r in tampered["reasons"])

    assert audit_verify_chain().ok
