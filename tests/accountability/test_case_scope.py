"""Issue 11 item 4: who reads a disciplinary case is decided by where the violation happened.

A unit head logs in for real and asks through the API; the world is built with factories.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from backend.accounts.models import Role
from inspection.accountability import services_cases
from tests.accountability.factories import (
    PASSWORD,
    AssignmentFactory,
    FindingFactory,
    OfficerFactory,
    UnitFactory,
    UserFactory,
    case_opened_on,
)
from tests.conftest import login_client

pytestmark = pytest.mark.django_db


@dataclass
class World:
    home: Any          # the commune the unit head leads
    elsewhere: Any     # another commune
    mover: Any         # served in `home` until 2024, violated `elsewhere` in 2026
    local: Any         # violates in `home`
    case_elsewhere: Any
    case_home: Any
    case_mixed: Any
    finding_elsewhere: Any
    head_client: Any
    discipline: Any


@pytest.fixture
def world() -> World:
    province = UnitFactory.create(level="province", name="Công an tỉnh Thử")
    home = UnitFactory.create(parent=province, name="Công an xã Nhà")
    elsewhere = UnitFactory.create(parent=province, name="Công an xã Khác")
    mover = OfficerFactory.create(full_name="Lê Văn Chuyển")
    AssignmentFactory.create(officer=mover, unit=home, valid_from=date(2020, 1, 1), valid_to=date(2024, 12, 31))
    AssignmentFactory.create(officer=mover, unit=elsewhere, valid_from=date(2025, 1, 1))
    local = OfficerFactory.create(full_name="Phạm Thị Tại Chỗ")
    AssignmentFactory.create(officer=local, unit=home, valid_from=date(2020, 1, 1))
    head_officer = OfficerFactory.create(full_name="Trưởng Công An Xã Nhà")
    AssignmentFactory.create(officer=head_officer, unit=home, is_head=True, position="Trưởng Công an xã",
                      valid_from=date(2020, 1, 1))
    head_user = UserFactory.create(role=Role.UNIT_HEAD, scope_unit=home, officer=head_officer)
    discipline = UserFactory.create(role=Role.DISCIPLINARY)

    finding_elsewhere = FindingFactory.create(unit=elsewhere, on=date(2026, 5, 4), violators=[mover],
                                       title="Thu tiền ngoài quy định của công dân")
    case_elsewhere = services_cases.case_create(by=discipline, subject_kind="officer", officer=mover, unit=None,
                                                findings=[finding_elsewhere], title="Hồ sơ ở xã Khác")
    services_cases.case_add_factor(by=discipline, case=case_elsewhere, kind="aggravating", text="Đã được nhắc nhở")
    services_cases.case_add_document(by=discipline, case=case_elsewhere, kind="self_review",
                                     fileobj=io.BytesIO(b"ban tu kiem diem"), filename="tu-kiem-diem.txt", size=16)
    finding_home = FindingFactory.create(unit=home, on=date(2026, 5, 5), violators=[local])
    case_home = services_cases.case_create(by=discipline, subject_kind="officer", officer=local, unit=None,
                                           findings=[finding_home], title="Hồ sơ ở xã Nhà")
    other_home = FindingFactory.create(unit=home, on=date(2023, 3, 1), violators=[mover])
    other_away = FindingFactory.create(unit=elsewhere, on=date(2026, 6, 1), violators=[mover])
    case_mixed = services_cases.case_create(by=discipline, subject_kind="officer", officer=mover, unit=None,
                                            findings=[other_home, other_away], title="Hồ sơ ở hai xã")
    return World(home=home, elsewhere=elsewhere, mover=mover, local=local, case_elsewhere=case_elsewhere,
                 case_home=case_home, case_mixed=case_mixed, finding_elsewhere=finding_elsewhere,
                 head_client=login_client(head_user.username, PASSWORD),
                 discipline=login_client(discipline.username, PASSWORD))


def test_a_unit_head_does_not_read_the_case_of_an_officer_who_violated_elsewhere(world: World) -> None:
    client, case = world.head_client, world.case_elsewhere
    listed = client.get("/api/accountability/cases/")
    assert listed.status_code == 200
    refs = [c["reference"] for c in listed.json()["results"]]
    assert refs == [world.case_home.reference]  # his unit's case, and only that
    missing = client.get("/api/accountability/cases/999999999/")
    detail = client.get(f"/api/accountability/cases/{case.pk}/")
    assert detail.status_code == 404
    assert detail.content == missing.content
    document = case.documents.get()
    r = client.get(f"/api/accountability/cases/{case.pk}/documents/{document.pk}/")
    assert r.status_code == 404
    # nor through a filter on the officer who once served under him
    r = client.get(f"/api/accountability/cases/?officer={world.mover.pk}")
    assert r.status_code == 200 and r.json()["results"] == []
    # the disciplinary officer sees all three
    everything = world.discipline.get("/api/accountability/cases/").json()["results"]
    assert {c["reference"] for c in everything} == {world.case_elsewhere.reference, world.case_home.reference,
                                                    world.case_mixed.reference}


def test_a_case_that_joins_his_unit_with_another_is_not_his_to_read(world: World) -> None:
    r = world.head_client.get(f"/api/accountability/cases/{world.case_mixed.pk}/")
    assert r.status_code == 404


def test_the_case_filter_by_finding_is_no_existence_oracle(world: World) -> None:
    client = world.head_client
    hidden = client.get(f"/api/accountability/cases/?finding={world.finding_elsewhere.pk}")
    missing = client.get("/api/accountability/cases/?finding=999999999")
    assert hidden.status_code == missing.status_code == 200
    assert hidden.content == missing.content
    assert missing.json()["results"] == []
    own = world.case_home.findings.get()
    mine = client.get(f"/api/accountability/cases/?finding={own.pk}").json()["results"]
    assert [c["reference"] for c in mine] == [world.case_home.reference]


def test_the_officer_profile_and_its_report_carry_only_cases_of_his_unit(world: World) -> None:
    client = world.head_client
    r = client.get(f"/api/accountability/officers/{world.mover.pk}/")
    if r.status_code == 200:  # the officer served in his unit, so his posts there may be shown
        assert r.json()["cases"] == []
        # rev15 F11: the unit head reads on screen; the TCCB report is not his to produce
        assert client.get(f"/api/accountability/officers/{world.mover.pk}/report.xlsx").status_code == 403
    else:
        assert r.status_code == 404
    ok = world.discipline.get(f"/api/accountability/officers/{world.mover.pk}/")
    assert {c["reference"] for c in ok.json()["cases"]} == {world.case_elsewhere.reference,
                                                           world.case_mixed.reference}


def _xlsx_text(content: bytes) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    return " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value).encode()


def test_a_repeat_counts_but_the_earlier_case_elsewhere_is_not_named_to_the_unit_head(world: World) -> None:
    from backend.accounts.models import User
    from tests.accountability.factories import CategoryFactory

    discipline = User.objects.get(username=world.case_home.created_by.username)
    category = CategoryFactory.create()
    earlier = FindingFactory.create(unit=world.elsewhere, category=category, on=date(2025, 12, 1), violators=[world.mover])
    prior = services_cases.case_create(by=discipline, subject_kind="officer", officer=world.mover, unit=None,
                                       findings=[earlier], title="Hồ sơ trước ở xã Khác")
    services_cases.case_transition(by=discipline, case=prior, to="considering", no_self_review_reason="Đã chuyển công tác")
    case_opened_on(prior.pk, date(2026, 1, 5))
    services_cases.case_propose(by=discipline, case=prior, form_code="khien_trach", note="Đề xuất theo quy tắc")
    services_cases.case_record_council(by=discipline, case=prior, held_on=date(2026, 1, 10), note="Hội đồng kỷ luật họp")
    services_cases.case_decide(by=discipline, case=prior, form_code="khien_trach", decision_number="99/QĐ-BÍ-MẬT",
                               authority="Giám đốc Công an tỉnh", decision_date=date(2026, 1, 15))
    again = FindingFactory.create(unit=world.home, category=category, on=date(2026, 6, 1), violators=[world.mover])
    case = services_cases.case_create(by=discipline, subject_kind="officer", officer=world.mover, unit=None,
                                      findings=[again], title="Tái phạm ở xã Nhà")
    seen = world.head_client.get(f"/api/accountability/cases/{case.pk}/")
    assert seen.status_code == 200
    steps = seen.json()["computed"]["steps"]
    assert [s["code"] for s in steps] == ["single", "repeat", "factors"]  # the repeat still counts
    assert b"99/Q" not in seen.content and prior.reference.encode() not in seen.content
    full = world.discipline.get(f"/api/accountability/cases/{case.pk}/")
    assert "99/QĐ-BÍ-MẬT" in full.json()["computed"]["steps"][1]["text_vi"]


def test_reports_and_case_documents_read_are_in_the_audit_trail(api_as, demo):
    """Issue 11: every document access is audited (who, which document)."""
    from backend.audit.models import AuditEvent
    from inspection.demo import seed as seed_inspection

    seed_inspection(demo)
    client = api_as("discipline")
    finding = demo.extra["inspection"]["findings"][0]
    before = AuditEvent.objects.count()
    for fmt in ("pdf", "xlsx"):
        response = client.get(f"/api/accountability/findings/{finding}/report.{fmt}")
        assert response.status_code == 200, response.content[:300]
    verbs = list(AuditEvent.objects.order_by("id")[before:].values_list("verb", "actor_label"))
    assert verbs == [("accountability.report.pdf.download", "discipline"),
                     ("accountability.report.xlsx.download", "discipline")]
