"""Who the minutes call the check's lead (fixui): the draw rotates the check's lead among the team, so the
check may be led by an inspector while the team's lead is a plain member. The minutes then never call the
inspector "Tổ trưởng"; they say "Phụ trách cuộc kiểm tra", and name the team's lead among the members."""
from __future__ import annotations

import pytest

from inspection.models import SurpriseCheck
from tests.inspection.factories import report_version
from tests.inspection.test_reports import _all, _minutes_text, _url
from tests.inspection.test_secrecy import _plan


def _signed_pdf(api_as, check, signer: str) -> str:
    client = api_as(signer)
    assert client.post(f"/api/inspection/checks/{check.uid}/start/", {}, format="json").status_code == 200
    check = SurpriseCheck.objects.get(pk=check.pk)
    saved = client.put(_url(check), {"version": report_version(check), "results": _all(check), "summary": "Tổng hợp."},
                       format="json")
    assert saved.status_code == 200, saved.content
    assert client.post(f"/api/inspection/checks/{check.uid}/complete/", {}, format="json").status_code == 200
    signed = client.post(_url(check, "sign/"), {}, format="json")
    assert signed.status_code == 200, signed.content
    pdf = client.get(_url(check, "pdf/"))
    assert pdf.status_code == 200
    return _minutes_text(pdf.content)


@pytest.mark.django_db
def test_an_inspector_leading_a_check_is_not_called_to_truong_and_the_team_lead_is_named(api_as, insp):
    check = _plan(insp)
    SurpriseCheck.objects.filter(pk=check.pk).update(lead=insp.users["inspector"])
    check.team.add(insp.users["lead"])
    text = _signed_pdf(api_as, check, "inspector")
    team = text.split("1. Tổ kiểm tra:", 1)[1].split("2. Đơn vị được kiểm tra", 1)[0]
    assert "Phụ trách cuộc kiểm tra" in team and ", Tổ trưởng;" not in team and ", Tổ trưởng." not in team, team
    assert "Tổ trưởng tổ kiểm tra, thành viên" in team, team
    assert "PHỤ TRÁCH CUỘC KIỂM TRA" in text and "TỔ TRƯỞNG TỔ KIỂM TRA" not in text
    assert "bởi Tổ trưởng" not in text


@pytest.mark.django_db
def test_the_team_lead_leading_a_check_is_still_to_truong(api_as, insp):
    text = _signed_pdf(api_as, _plan(insp), "lead")
    assert "TỔ TRƯỞNG TỔ KIỂM TRA" in text and "PHỤ TRÁCH CUỘC KIỂM TRA" not in text


@pytest.mark.django_db
def test_the_check_page_and_calendar_name_the_lead_by_the_minutes_rule(api_as, insp):
    """The check's page header and the calendar say what the minutes say (lead_title, ui15c)."""
    led_by_lead = _plan(insp, days=5)
    led_by_inspector = _plan(insp)
    SurpriseCheck.objects.filter(pk=led_by_inspector.pk).update(lead=insp.users["inspector"])
    led_by_inspector.team.add(insp.users["lead"])
    client = api_as("lead")

    def titles() -> dict:
        listed = client.get("/api/inspection/checks/?page_size=100").json()["results"]
        return {c["id"]: c["lead_title"] for c in listed}

    listed = titles()
    assert listed[str(led_by_lead.uid)] == "team_lead"
    assert listed[str(led_by_inspector.uid)] == "check_lead"
    detail = client.get(f"/api/inspection/checks/{led_by_inspector.uid}/").json()
    assert detail["lead_title"] == "check_lead"

    text = _signed_pdf(api_as, SurpriseCheck.objects.get(pk=led_by_inspector.pk), "inspector")
    assert "PHỤ TRÁCH CUỘC KIỂM TRA" in text  # the minutes and the page agree after signing too
    assert client.get(f"/api/inspection/checks/{led_by_inspector.uid}/").json()["lead_title"] == "check_lead"
