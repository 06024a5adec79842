"""The demo seeder builds on the inspection demo: liabilities, a case and CCHC tasks."""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_demo_seed(demo: Any, api_as: Any) -> None:
    import inspection.demo
    from inspection.accountability import demo as acc_demo
    from inspection.accountability.models import CchcTask, DisciplinaryCase, LeaderLiability

    inspection.demo.seed(demo)
    acc_demo.seed(demo)
    assert LeaderLiability.objects.filter(state="confirmed").count() == 1
    assert LeaderLiability.objects.filter(state="proposed").exists()
    case = DisciplinaryCase.objects.get()
    assert case.state == "self_review" and case.factors.count() == 2
    assert CchcTask.objects.filter(unit__code="CAX-TC").count() == 2
    d = api_as("discipline")
    r = d.get(f"/api/accountability/cases/{case.pk}/")
    assert r.status_code == 200 and r.json()["computed"]["computed_form"]["code"] == "canh_cao"
    period_finding = demo.extra["inspection"]["findings"][1]
    trace = d.get(f"/api/accountability/findings/{period_finding}/trace/").json()
    heads = [ld["officer"]["full_name"] for g in trace["units"] for ld in g["leaders"] if ld["role"] == "head"]
    assert heads == ["Nguyễn Văn Hùng", "Trần Minh Đức"]
    assert d.get("/api/accountability/rankings/").status_code == 200
