"""rev15 F4: a clip's custody log names only findings (and packages) its reader may see — in the page,
in the CSV/XLSX export, in a package's custody page, and in the custody.json a package carries; the
entries of a draft the reader may not see are not in it at all (issue 15 S1-2)."""
from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from backend.core.actors import SystemActor
from media_ingest.review.selectors_custody import HIDDEN_FINDING, HIDDEN_PACKAGE

pytestmark = pytest.mark.django_db

SECRET_REASON = "Chuẩn bị hồ sơ kiểm tra bí mật"


def _tag(client: Any, clip: Any, start: float, end: float) -> dict:
    r = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": start,
                                         "end_s": end}, format="json")
    assert r.status_code == 201, r.content
    return r.json()


def _link(client: Any, finding: Any, tag: dict) -> None:
    r = client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]}, format="json")
    assert r.status_code == 201, r.content


def _package(client: Any, body: dict, capture: Any) -> dict:
    from media_ingest.review.tasks import evidence_package_build

    with capture():
        r = client.post("/api/media/evidence/packages/", body, format="json")
    assert r.status_code == 202, r.content
    assert evidence_package_build.apply(args=(r.json()["id"],)).successful()
    return client.get(f"/api/media/evidence/packages/{r.json()['id']}/").json()


def _texts(client: Any, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.content
    csv = client.get(url + "export/?type=csv")
    xlsx = client.get(url + "export/?type=xlsx")
    assert csv.status_code == xlsx.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    return page.content.decode() + csv.content.decode("utf-8-sig") + cells


def test_a_draft_finding_is_named_in_custody_only_to_those_who_may_see_it(
        api_as: Any, make_clip: Any, finding_for: Any, demo: Any, django_capture_on_commit_callbacks: Any) -> None:
    clip = make_clip(footage="counter-visits.mp4", duration=139.0)
    confirmed = finding_for()
    draft = finding_for(state="draft", created_by=demo.users["inspector"])
    inspector, reviewer = api_as("inspector"), api_as("reviewer")
    _link(inspector, draft, _tag(inspector, clip, 10, 20))
    secret_pkg = _package(inspector, {"finding_id": draft.pk, "reason": SECRET_REASON},
                          django_capture_on_commit_callbacks)
    _link(reviewer, confirmed, _tag(reviewer, clip, 30, 40))

    for reader in ("reviewer", "discipline", "admin"):
        client = api_as(reader)
        assert client.get(f"/api/inspection/findings/{draft.pk}/").status_code == 404, reader
        text = _texts(client, f"/api/media/clips/{clip.pk}/custody/")
        assert draft.reference not in text and SECRET_REASON not in text, reader
        # a draft's entries are withheld, not redacted (issue 15 S1-2): no row tells that the team attached
        # or exported footage for a draft, nor when
        assert secret_pkg["sha256"] not in text and HIDDEN_FINDING not in text, reader
        rows = client.get(f"/api/media/clips/{clip.pk}/custody/?page_size=200").json()["results"]
        assert not any(r["redacted"] for r in rows), reader
        assert not any(r["finding_id"] == draft.pk or r["package_id"] == secret_pkg["id"] for r in rows), reader
        assert confirmed.reference in text  # a finding the reader sees stays named
    # the team that owns the draft still reads its own custody in full
    team = _texts(api_as("inspector"), f"/api/media/clips/{clip.pk}/custody/")
    assert draft.reference in team and SECRET_REASON in team

    # the confirmed finding's package: its custody page and the custody.json it carries name no draft
    text = _texts(api_as("discipline"), "/api/media/evidence/packages/{}/custody/".format(
        _package(reviewer, {"finding_id": confirmed.pk, "reason": "Chuyển hội đồng kỷ luật"},
                 django_capture_on_commit_callbacks)["id"]))
    assert draft.reference not in text and SECRET_REASON not in text
    package = _package(api_as("lead"), {"finding_id": confirmed.pk, "reason": "Chuyển hội đồng kỷ luật"},
                       django_capture_on_commit_callbacks)
    lead = api_as("lead")  # the lead may see the draft, yet the package leaving the force must not carry it
    dl = lead.post(f"/api/media/evidence/packages/{package['id']}/download/", {"reason": "nộp hồ sơ"}, format="json")
    fetched = lead.get(dl.json()["url"])
    body = b"".join(fetched.streaming_content) if fetched.streaming else fetched.content
    custody = zipfile.ZipFile(io.BytesIO(body)).read("custody.json").decode()
    assert draft.reference not in custody and SECRET_REASON not in custody and secret_pkg["sha256"] not in custody
    entries = json.loads(custody)["entries"]
    assert not any(e["redacted"] == HIDDEN_FINDING for e in entries)  # the draft's entries are not in it
    assert any(e["finding_reference"] == confirmed.reference for e in entries)


def test_a_scoped_reader_sees_no_out_of_scope_clip_or_tag_of_a_selection_package(
        api_as: Any, make_clip: Any, demo: Any, django_capture_on_commit_callbacks: Any) -> None:
    from backend.accounts.services import user_create
    from backend.org.demo import DEMO_PASSWORD
    from tests.conftest import login_client

    reviewer = api_as("reviewer")
    tc_clip = make_clip(camera="CAM-TC-01", footage="counter-visits.mp4")
    kl_clip = make_clip(camera="CAM-KL-01", footage="counter-visits.mp4")
    tc, kl = _tag(reviewer, tc_clip, 1, 3), _tag(reviewer, kl_clip, 1, 3)
    package = _package(reviewer, {"tag_ids": [tc["id"], kl["id"]], "reason": "Gửi tổ kiểm tra xem xét"},
                       django_capture_on_commit_callbacks)
    user_create(by=SystemActor("test"), username="rv-tc9", password=DEMO_PASSWORD, role="reviewer", scope_unit=demo.units["CAX-TC"])
    scoped = login_client("rv-tc9", DEMO_PASSWORD)
    rows = scoped.get(f"/api/media/clips/{tc_clip.pk}/custody/?page_size=200").json()["results"]
    exports = [r for r in rows if r["action"] == "export"]
    assert exports and all(r["redacted"] == HIDDEN_PACKAGE and r["package_id"] is None and r["detail"] == {}
                           for r in exports)
    text = _texts(scoped, f"/api/media/clips/{tc_clip.pk}/custody/")
    assert package["sha256"] not in text
    assert f"gói chứng cứ #{package['id']}" not in text
    # the province-wide reviewer sees the package as it is
    full = reviewer.get(f"/api/media/clips/{tc_clip.pk}/custody/?page_size=200").json()["results"]
    assert any(r["package_id"] == package["id"] and not r["redacted"] for r in full)
