"""Trace: who headed the unit when it happened, which rule applies to each leader and why."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from backend.core.actors import SystemActor
from backend.org import selectors as org
from backend.org import services_officers
from backend.org.models import Assignment, FieldOfCharge
from inspection.accountability.engine import RuleBook
from inspection.accountability.trace import compute_trace

pytestmark = pytest.mark.django_db


def trace(finding: Any) -> dict[str, Any]:
    return compute_trace(finding=finding, book=RuleBook.load())


def leaders(group: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return [ld for ld in group["leaders"] if ld["role"] == role]


def test_unit_merged_after_the_violation_is_traced_as_it_was(make_finding: Any, demo: Any) -> None:
    finding = make_finding("CAX-TTTC", "less_serious", date(2024, 5, 10), violators=("NA-2104",))
    result = trace(finding)
    assert result["ruleset"]["version"] == 1
    [group] = result["units"]
    assert group["unit"]["code"] == "CAX-TTTC"
    assert group["unit"]["status"] == "merged"
    assert group["unit"]["successor"]["code"] == "CAX-TC"
    assert "sáp nhập" in group["unit"]["note_vi"] and "merged" in group["unit"]["note_en"]
    [violator] = group["violators"]
    assert violator["assignment"]["position"] == "Cán bộ một cửa"
    assert violator["rule"]["code"] == "V1"
    [head] = leaders(group, "head")
    assert head["officer"]["service_number"] == "NA-2101"
    assert head["assignment"]["unit_id"] == demo.units["CAX-TTTC"].pk
    # joint responsibility for an ordinary violation: criticism, under the force's regulation
    assert head["rule"]["code"] == "LD-H1" and head["suggested_form"]["code"] == "phe_binh"
    assert "Nguyễn Văn Hùng" in head["why_vi"] and "(LD-H1)" not in head["why_en"]  # words, not codes (issue 15)
    assert "Quy định của Công an tỉnh" in head["why_vi"]
    # one level up in May 2024 was the (since abolished) district police, headed by NA-1011
    assert group["parent"]["code"] == "CAH-TC" and group["parent"]["status"] == "abolished"
    [upper] = leaders(group, "upper_head")
    assert upper["officer"]["service_number"] == "NA-1011"
    assert upper["rule"] is None and "Không có quy tắc" in upper["why_vi"]


def test_period_spanning_a_change_of_head_names_both_with_dates(make_finding: Any) -> None:
    finding = make_finding("CAX-TC", "less_serious", date(2026, 3, 1), to=date(2026, 4, 10),
                           violators=("NA-2104",), counter=True)
    [group] = trace(finding)["units"]
    heads = leaders(group, "head")
    assert [(h["officer"]["service_number"], h["in_charge_from"], h["in_charge_to"]) for h in heads] == [
        ("NA-2101", date(2026, 3, 1), date(2026, 3, 15)),
        ("NA-2102", date(2026, 3, 16), date(2026, 4, 10)),
    ]
    assert all(h["rule"]["code"] == "LD-H1" for h in heads)
    assert any("nhiều người đứng đầu" in n["vi"] for n in group["notes"])
    # the deputy assigned to the one-stop counter answers for it
    [deputy] = leaders(group, "deputy")
    assert deputy["officer"]["service_number"] == "NA-2103"
    assert deputy["rule"]["code"] == "LD-D1"
    [upper] = leaders(group, "upper_head")
    assert upper["officer"]["service_number"] == "NA-1001"
    # same answer as the org selectors, one unit at a time
    expected = org.unit_heads_between(unit=heads[0]["unit"] and group_unit(group), start=date(2026, 3, 1),
                                      end=date(2026, 4, 10))
    assert [a.pk for a in expected] == [h["assignment"]["id"] for h in heads]


def group_unit(group: dict[str, Any]) -> Any:
    from backend.org.models import Unit

    return Unit.objects.get(pk=group["unit"]["id"])


def test_acting_head_and_deputy_outside_the_area(make_finding: Any, demo: Any) -> None:
    kl = demo.units["CAX-KL"]
    # one head at a time (issue 15): the substantive head left at the end of April, the post is vacant
    trang = Assignment.objects.get(officer=demo.officers["NA-2301"], unit=kl, is_head=True)
    services_officers.assignment_end(by=SystemActor("test"), assignment=trang, on=date(2026, 4, 30), reason="Nghỉ hưu theo quyết định")
    acting = services_officers.officer_create(by=SystemActor("test"), service_number="NA-2399", full_name="Lý Văn Quyền",
                                              rank="Thiếu tá")
    services_officers.assignment_create(by=SystemActor("test"), officer=acting, unit=kl, position="Quyền Trưởng Công an xã",
                                        valid_from=date(2026, 5, 1), valid_to=date(2026, 5, 31), is_head=True,
                                        is_acting=True, decision_ref="QĐ 12/QĐ-CAT")
    other = services_officers.officer_create(by=SystemActor("test"), service_number="NA-2398", full_name="Mai Văn Phó")
    services_officers.assignment_create(by=SystemActor("test"), officer=other, unit=kl, position="Phó Trưởng Công an xã",
                                        valid_from=date(2025, 1, 1), is_deputy=True, in_charge_of="Bộ phận một cửa",
                                        field=FieldOfCharge.objects.get(code="TRAT_TU"))
    finding = make_finding("CAX-KL", "serious", date(2026, 5, 10), violators=("NA-2302",))
    [group] = trace(finding)["units"]
    heads = leaders(group, "head")
    assert {h["officer"]["service_number"]: h["is_acting"] for h in heads} == {"NA-2399": True}
    acting_row = next(h for h in heads if h["is_acting"])
    assert acting_row["rule"]["code"] == "LD-H1" and acting_row["suggested_form"]["code"] == "phe_binh"
    assert "quyền / phụ trách" in acting_row["why_vi"] and "QĐ 12/QĐ-CAT" in acting_row["why_vi"]
    assert leaders(group, "deputy") == []
    # his description says "một cửa" but his recorded field is public order: the field decides
    assert any("Mai Văn Phó" in n["vi"] and "phụ trách lĩnh vực Trật tự xã hội" in n["vi"]
               and "không chịu trách nhiệm liên đới" in n["vi"] for n in group["notes"])


def test_several_violators_in_different_units(make_finding: Any) -> None:
    finding = make_finding("CAX-TC", "serious", date(2026, 6, 1), violators=("NA-2104", "NA-2202"))
    groups = {g["unit"]["code"]: g for g in trace(finding)["units"]}
    assert set(groups) == {"CAX-TC", "CAX-ND"}
    assert [h["officer"]["service_number"] for h in leaders(groups["CAX-TC"], "head")] == ["NA-2102"]
    assert [h["officer"]["service_number"] for h in leaders(groups["CAX-ND"], "head")] == ["NA-2201"]
    assert groups["CAX-ND"]["violators"][0]["officer"]["service_number"] == "NA-2202"


def test_count_in_rolling_window_counts_only_the_heads_tenure(make_finding: Any) -> None:
    # two earlier confirmed serious violations under NA-2102 (from 16/03/2026), one before his time, one draft
    make_finding("CAX-TC", "serious", date(2026, 4, 2), violators=("NA-2105",))
    make_finding("CAX-TC", "serious", date(2026, 5, 20), violators=("NA-2105",))
    make_finding("CAX-TC", "serious", date(2026, 3, 1), violators=("NA-2105",))
    make_finding("CAX-TC", "serious", date(2026, 5, 21), violators=("NA-2105",), state="draft")
    finding = make_finding("CAX-TC", "serious", date(2026, 6, 5), violators=("NA-2104",))
    [group] = trace(finding)["units"]
    [head] = leaders(group, "head")
    assert head["rule"]["code"] == "LD-H2" and head["suggested_form"]["code"] == "ha_bac_thi_dua"
    assert head["facts"]["count"] == 3
    assert head["facts"]["window_from"] == "2026-03-16"
    assert "LD-H1" in [m["rule"]["code"] for m in head["other_rules"]]
    # the category names the one-stop counter, her field; she has served since 07/2025, so all four count
    [deputy] = leaders(group, "deputy")
    assert deputy["officer"]["service_number"] == "NA-2103"
    assert deputy["rule"]["code"] == "LD-D2" and deputy["facts"]["count"] == 4


def test_head_who_knew_and_did_not_act_is_handled_as_violator(make_finding: Any) -> None:
    finding = make_finding("CAX-TC", "serious", date(2026, 7, 1), violators=("NA-2104",),
                           subjects=(("NA-2102", "responsible_head", True, False),))
    [group] = trace(finding)["units"]
    [head] = leaders(group, "head")
    assert head["rule"]["code"] == "K1" and head["basis"] == "own"
    assert head["suggested_form"]["code"] == "canh_cao"  # V2 for a serious violation
    assert "xử lý như người vi phạm" in head["why_vi"]


def test_head_who_is_the_violator_is_not_his_own_leader(make_finding: Any) -> None:
    finding = make_finding("CAX-ND", "less_serious", date(2026, 7, 1), violators=("NA-2201",))
    [group] = trace(finding)["units"]
    assert leaders(group, "head") == []
    assert any("là người vi phạm" in n["vi"] for n in group["notes"])


def test_trace_takes_a_handful_of_queries(make_finding: Any, django_assert_max_num_queries: Any) -> None:
    make_finding("CAX-TC", "less_serious", date(2026, 4, 2), violators=("NA-2105",))
    finding = make_finding("CAX-TC", "serious", date(2026, 3, 1), to=date(2026, 4, 10),
                           violators=("NA-2104", "NA-2105", "NA-2202", "NA-2302"), counter=True)
    from inspection.models import Finding

    finding = Finding.objects.select_related("category", "unit", "unit__successor", "unit__parent").get(pk=finding.pk)
    with django_assert_max_num_queries(14):  # rule book (+ regulation numbers, + as of the violation) and the trace (+ category fields, + the first standing liability for the org-correction notice)
        result = trace(finding)
    assert len(result["units"]) == 3
    assert sum(len(g["leaders"]) for g in result["units"]) >= 5


def test_a_deputy_answers_only_for_the_fields_of_the_category(make_finding: Any, demo: Any,
                                                              other_category: Any) -> None:
    traffic = FieldOfCharge.objects.get(code="GIAO_THONG")
    # the one-stop deputy (NA-2103) answers, the traffic deputy (NA-2106) does not and the trace says why
    [group] = trace(make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",),
                                 cat=other_category, title="Gây khó khăn cho công dân"))["units"]
    [deputy] = leaders(group, "deputy")
    assert deputy["officer"]["service_number"] == "NA-2103" and deputy["field"]["code"] == "HANH_CHINH"
    assert "phụ trách lĩnh vực Hành chính, một cửa" in deputy["why_vi"]
    assert "“Gây phiền hà, sách nhiễu” thuộc lĩnh vực này" in deputy["why_vi"]
    assert any("Nguyễn Văn Phúc" in n["vi"] and "Trật tự, an toàn giao thông" in n["vi"] for n in group["notes"])
    # the same category put in the traffic field: now the traffic deputy answers, whatever the words say
    other_category.fields.set([traffic])
    [group] = trace(make_finding("CAX-TC", "less_serious", date(2026, 6, 2), violators=("NA-2104",), counter=True,
                                 cat=other_category, title="Gây khó khăn tại bộ phận một cửa"))["units"]
    assert [d["officer"]["service_number"] for d in leaders(group, "deputy")] == ["NA-2106"]


def test_a_category_with_no_field_and_a_deputy_with_no_field_name_no_deputy(make_finding: Any, demo: Any,
                                                                         other_category: Any) -> None:
    from backend.org.models import Assignment

    other_category.fields.set([])
    [group] = trace(make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",),
                                 cat=other_category))["units"]
    assert leaders(group, "deputy") == []
    assert any("chưa được gắn lĩnh vực phụ trách" in n["vi"] for n in group["notes"])
    other_category.fields.set([FieldOfCharge.objects.get(code="HANH_CHINH")])
    Assignment.objects.filter(officer=demo.officers["NA-2103"], is_deputy=True).update(field=None)
    [group] = trace(make_finding("CAX-TC", "less_serious", date(2026, 6, 2), violators=("NA-2104",),
                                 cat=other_category))["units"]
    assert leaders(group, "deputy") == []
    assert any("Lê Thị Hoa chưa được ghi lĩnh vực phụ trách" in n["vi"] for n in group["notes"])


def test_the_trace_names_each_rule_in_words(api_as: Any, make_finding: Any) -> None:
    """Issue 15 (user review): the trace page printed "LD-H1" bare; each rule now carries its name in words
    (its text up to the colon); the explanation names it with its legal basis, not its code (reviewer)."""
    finding = make_finding("CAX-TC", "less_serious", date(2026, 3, 1), violators=("NA-2104",), counter=True)
    r = api_as("discipline").get(f"/api/accountability/findings/{finding.pk}/trace/")
    assert r.status_code == 200, r.content
    [group] = [g for g in r.json()["units"] if g["leaders"]]
    [head] = leaders(group, "head")
    assert head["rule"]["code"] == "LD-H1"
    assert head["rule"]["name_vi"] == "Người đứng đầu đơn vị có cán bộ vi phạm"
    assert head["rule"]["name_en"] == "Head of a unit where a subordinate violated"
    # the explanation names the rule by its words and legal basis, never its code (reviewer, issue 15)
    assert "LD-H1" not in head["why_vi"] and f"quy tắc (căn cứ: {head['rule']['basis']}): " in head["why_vi"]
