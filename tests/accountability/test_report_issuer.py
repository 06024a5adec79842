"""User review (ui15): the accountability reports printed "PHÒNG TỔ CHỨC CÁN BỘ" from a constant (no unit
of the org tree) and a signature block with no position. NĐ 30/2020/NĐ-CP: the issuing body, and the
signer's position and name. Both now come from the org data as of the document's date: the author's
unit, its head ("TRƯỞNG PHÒNG"), an acting head ("Q."), a deputy for the head ("KT. … / PHÓ …"), and the
province police with its head when the author has no posting."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from backend.core.actors import SystemActor
from backend.org import services_officers
from backend.org.models import Assignment
from inspection.accountability.issuer import head_title_of, report_issuer

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 30)


def test_the_demo_discipline_officers_unit_issues_and_its_head_signs(demo: Any) -> None:
    issuer = report_issuer(author=demo.users["discipline"], day=DAY)
    assert (issuer.parent_body, issuer.body, issuer.symbol) == (
        "Công an tỉnh Nghệ An", "Phòng Thanh tra Công an tỉnh", "BC-PX03")
    assert (issuer.signer.position, issuer.signer.name) == ("Trưởng phòng", "Đại tá Phan Văn Long")


def test_with_no_head_in_post_a_deputy_signs_for_him(demo: Any) -> None:
    Assignment.objects.filter(unit=demo.units["PX03"], is_head=True).update(valid_to=date(2026, 6, 30))
    services_officers.assignment_create(by=SystemActor("test"), officer=demo.officers["NA-1011"],
                                        unit=demo.units["PX03"], position="Phó Trưởng phòng",
                                        valid_from=date(2026, 7, 1), is_deputy=True)
    issuer = report_issuer(author=demo.users["discipline"], day=DAY)
    assert issuer.signer.position == "KT. Trưởng phòng\nPhó Trưởng phòng"
    assert issuer.signer.name == "Thượng tá Lê Văn Sơn"
    # as of a day the head was still in post, he signs
    assert report_issuer(author=demo.users["discipline"], day=date(2026, 6, 1)).signer.name == "Đại tá Phan Văn Long"


def test_an_acting_head_signs_as_q(demo: Any) -> None:
    Assignment.objects.filter(unit=demo.units["PX03"], is_head=True).update(is_acting=True)
    assert report_issuer(author=demo.users["discipline"], day=DAY).signer.position == "Q. Trưởng phòng"


def test_an_author_without_a_posting_prints_for_the_province_police_signed_by_its_head(demo: Any) -> None:
    issuer = report_issuer(author=demo.users["admin"], day=DAY)
    assert (issuer.parent_body, issuer.body) == ("Bộ Công an", "Công an tỉnh Nghệ An")
    assert (issuer.signer.position, issuer.signer.name) == ("Giám đốc", "Thiếu tướng Nguyễn Đức Thắng")


def test_with_no_org_data_the_author_signs_as_the_one_who_drew_it_up(db: Any) -> None:
    issuer = report_issuer(author=None, day=DAY)
    assert issuer.body == "Công an tỉnh" and issuer.signer.position == "Người lập báo cáo"


def test_the_post_a_deputy_signs_for() -> None:
    assert head_title_of("Phó Giám đốc") == "Giám đốc"
    assert head_title_of("phó trưởng Công an xã") == "Trưởng Công an xã"
