"""Temporal questions answered for any date, on the demo province's real history."""
from datetime import date

import pytest

from backend.org import selectors
from backend.org.models import Unit


@pytest.fixture
def u(demo):
    return demo.units


def heads(unit, at):
    return [a.officer.service_number for a in selectors.unit_heads_at(unit=unit, at=at)]


def test_head_change_mid_year_gives_the_right_head_each_side(demo, u):
    tc = u["CAX-TC"]
    assert heads(tc, date(2026, 3, 15)) == ["NA-2101"]  # last day of Nguyễn Văn Hùng
    assert heads(tc, date(2026, 3, 16)) == ["NA-2102"]  # first day of Trần Minh Đức
    assert heads(tc, date(2026, 11, 1)) == ["NA-2102"]


def test_heads_between_spans_the_change(demo, u):
    tenures = selectors.unit_heads_between(unit=u["CAX-TC"], start=date(2026, 3, 1), end=date(2026, 4, 1))
    assert [(a.officer.service_number, a.valid_from, a.valid_to) for a in tenures] == [
        ("NA-2101", date(2025, 7, 1), date(2026, 3, 15)),
        ("NA-2102", date(2026, 3, 16), None),
    ]


def test_acting_head_fills_a_vacancy(demo, u):
    from backend.org.models import Assignment
    from backend.org.services_officers import assignment_create, assignment_end

    # one head at a time (issue 15): the acting head serves while the post is vacant
    duc = Assignment.objects.get(officer=demo.officers["NA-2102"], unit=u["CAX-TC"], is_head=True)
    assignment_end(by="test", assignment=duc, on=date(2026, 4, 30))
    assignment_create(by="test", officer=demo.officers["NA-2103"], unit=u["CAX-TC"], position="Quyền Trưởng",
                      valid_from=date(2026, 5, 1), valid_to=date(2026, 5, 20), is_head=True, is_acting=True)
    assert heads(u["CAX-TC"], date(2026, 4, 30)) == ["NA-2102"]
    assert heads(u["CAX-TC"], date(2026, 5, 10)) == ["NA-2103"]
    assert heads(u["CAX-TC"], date(2026, 5, 21)) == []


def test_deputy_in_charge(demo, u):
    deputies = selectors.unit_deputies_at(unit=u["CAX-TC"], at=date(2026, 1, 10))
    assert sorted((d.officer.service_number, d.field.code) for d in deputies) == [
        ("NA-2103", "HANH_CHINH"), ("NA-2106", "GIAO_THONG")]


def test_officer_unit_follows_the_merger(demo):
    officer = demo.officers["NA-2104"]
    assert selectors.officer_assignment_at(officer=officer, at=date(2024, 5, 1)).unit.code == "CAX-TTTC"
    assert selectors.officer_assignment_at(officer=officer, at=date(2025, 8, 1)).unit.code == "CAX-TC"
    assert selectors.officer_assignment_at(officer=officer, at=date(2021, 1, 1)) is None


def test_chain_of_command_before_and_after_district_level_was_abolished(demo):
    officer = demo.officers["NA-2104"]
    before = selectors.chain_of_command(officer=officer, at=date(2024, 6, 1))
    assert [link.unit.code for link in before] == ["CAX-TTTC", "CAH-TC", "CAT-NA"]
    assert [a.officer.service_number for a in before[1].heads] == ["NA-1011"]
    between = selectors.chain_of_command(officer=officer, at=date(2025, 4, 1))
    assert [link.unit.code for link in between] == ["CAX-TTTC", "CAT-NA"]
    after = selectors.chain_of_command(officer=officer, at=date(2026, 1, 1))
    assert [link.unit.code for link in after] == ["CAX-TC", "CAT-NA"]
    assert [a.officer.service_number for a in after[0].heads] == ["NA-2101"]


def test_merged_unit_keeps_its_history(demo, u):
    old = Unit.objects.get(code="CAX-TTTC")
    assert old.valid_to == date(2025, 6, 30)
    assert old.successor.code == "CAX-TC"
    assert heads(old, date(2024, 1, 1)) == ["NA-2101"]
    assert heads(old, date(2025, 7, 2)) == []


def test_subtree_includes_units_that_were_ever_below(demo, u):
    ids = selectors.unit_subtree_ids(root_id=u["CAH-TC"].pk)
    codes = set(Unit.objects.filter(id__in=ids).values_list("code", flat=True))
    assert codes == {"CAH-TC", "CAX-TTTC", "CAX-TD", "CAX-TN"}


@pytest.mark.parametrize("query,expected", [("Thanh Chuong", "CAX-TC"), ("thanh chương", "CAX-TC"),
                                            ("KIM LIEN", "CAX-KL"), ("Nam Dan", "CAX-ND")])
def test_diacritic_insensitive_unit_search(demo, query, expected):
    codes = set(selectors.units_list(unit_ids=None, search=query).values_list("code", flat=True))
    assert expected in codes


def test_diacritic_insensitive_officer_search(demo):
    names = [o.full_name for o in selectors.officers_list(unit_ids=None, search="tran minh duc")]
    assert names == ["Trần Minh Đức"]
