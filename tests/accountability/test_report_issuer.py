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


def test_an_author_without_a_posting_is_refused_not_signed_for_by_the_director(demo: Any) -> None:
    """Insider review (S3): it used to print for the province police signed by its Director."""
    from backend.core.errors import Conflict

    with pytest.raises(Conflict) as refused:
        report_issuer(author=demo.users["admin"], day=DAY)
    assert refused.value.code == "author_not_posted"


def test_with_no_author_nor_org_data_nobody_signs(db: Any) -> None:
    from backend.core.errors import Conflict

    with pytest.raises(Conflict):
        report_issuer(author=None, day=DAY)


def test_the_post_a_deputy_signs_for() -> None:
    assert head_title_of("Phó Giám đốc") == "Giám đốc"
    assert head_title_of("phó trưởng Công an xã") == "Trưởng Công an xã"


# --- issue 15, S2-1: the accountable head signed his own accountability report -------------------------------


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_a_second_posting_in_the_heads_unit_does_not_make_the_head_sign_his_own_report(
        demo: Any, api_as: Any) -> None:
    """As the adversary did: the admin posts the disciplinary officer to Xã Thanh Chương too (a newer, plain
    posting); the report about its head Trần Minh Đức came out issued by that commune and signed by him."""
    discipline = demo.users["discipline"].officer
    head = demo.officers["NA-2102"]
    r = api_as("admin").post("/api/org/assignments/", {
        "officer_id": discipline.pk, "unit_id": demo.units["CAX-TC"].pk, "position": "Cán bộ (kiêm nhiệm)",
        "valid_from": "2026-11-30"}, format="json")
    assert r.status_code == 201, r.content
    r = api_as("discipline").get(f"/api/accountability/officers/{head.pk}/report.pdf")
    assert r.status_code == 200, r.content
    text = _pdf_text(r.content)
    assert "BC-CAX-TC" not in text and "CÔNG AN XÃ THANH CHƯƠNG" not in text.split("BÁO CÁO TRÁCH NHIỆM")[0]
    assert "/BC-PX03" in text and "Phan Văn Long" in text
    assert text.rindex("Trần Minh Đức") < text.rindex("Phan Văn Long")  # the signature block comes last


def test_the_issuer_is_never_a_unit_nor_a_signer_the_report_is_about(demo: Any) -> None:
    from inspection.accountability.issuer import Subjects

    author = demo.users["discipline"]
    px03, long_ = demo.units["PX03"], demo.officers["NA-1010"]
    # a report about the head of the author's own unit: not issued by that unit; the province police issues it
    issuer = report_issuer(author=author, day=DAY, subjects=Subjects.of(officers=[long_.pk]))
    assert issuer.body == "Công an tỉnh Nghệ An" and "Phan Văn Long" not in issuer.signer.name
    # a report about the author's unit itself
    assert report_issuer(author=author, day=DAY, subjects=Subjects.of(units=[px03.pk])).symbol != "BC-PX03"
    # a report about the province director: the province police may not issue it either, nor he sign it
    director = demo.officers["NA-1001"]
    issuer = report_issuer(author=author, day=DAY, subjects=Subjects.of(officers=[director.pk]))
    assert "Nguyễn Đức Thắng" not in issuer.signer.name
    issuer = report_issuer(author=author, day=DAY, subjects=Subjects.of(officers=[director.pk, long_.pk]))
    assert "Nguyễn Đức Thắng" not in issuer.signer.name and "Phan Văn Long" not in issuer.signer.name


def test_the_main_posting_issues_not_the_newest(demo: Any) -> None:
    """Adding a newer posting (here: a plain one in another department) does not move the issuing body."""
    services_officers.assignment_create(by=SystemActor("test"), officer=demo.users["discipline"].officer,
                                        unit=demo.units["CAX-TC"], position="Cán bộ (kiêm nhiệm)",
                                        valid_from=DAY)
    issuer = report_issuer(author=demo.users["discipline"], day=DAY)
    assert issuer.symbol == "BC-PX03" and issuer.signer.name == "Đại tá Phan Văn Long"


def test_a_deputy_posting_in_a_commune_never_makes_the_commune_the_issuer(demo: Any, api_as: Any) -> None:
    """Insider re-check: the admin posted the disciplinary officer as a deputy of Xã Kim Liên (any day, at will);
    a deputy's posting came first, so the report about Thanh Chương's head was issued by Kim Liên and signed by
    its head. Only a department of the province police issues these reports."""
    discipline = demo.users["discipline"].officer
    head = demo.officers["NA-2102"]
    r = api_as("admin").post("/api/org/assignments/", {
        "officer_id": discipline.pk, "unit_id": demo.units["CAX-KL"].pk, "position": "Phó Trưởng Công an xã",
        "is_deputy": True, "valid_from": "2026-11-30"}, format="json")
    assert r.status_code == 201, r.content
    r = api_as("discipline").get(f"/api/accountability/officers/{head.pk}/report.pdf")
    assert r.status_code == 200, r.content
    text = _pdf_text(r.content)
    assert "BC-CAX-KL" not in text and "KIM LIÊN" not in text.split("BÁO CÁO TRÁCH NHIỆM")[0]
    assert "/BC-PX03" in text and "Phan Văn Long" in text
