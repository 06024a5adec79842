"""One person, one identity (insider review F1): with a second lead account linked to a look-alike officer a lead
approved his own clip correction. The requester's other account is the requester: 403 `same_person`."""
from __future__ import annotations

from typing import Any

import pytest

from backend.accounts.models import Role, User
from backend.accounts.services import user_create
from backend.core.actors import SystemActor
from backend.org import services_officers
from backend.org.demo import DEMO_PASSWORD
from backend.org.models import Camera
from media_ingest.models import Clip

pytestmark = pytest.mark.django_db
REASON = "Camera tải lên nhầm quầy, đúng là quầy Nam Đàn"
APPROVE = "Đã đối chiếu với sổ giao ca của quầy"
DISTINCT = "Hai cán bộ khác nhau, cùng họ tên nhưng công tác ở hai đơn vị riêng biệt"


def test_a_lead_cannot_approve_his_own_correction_with_a_second_account(api_as: Any, make_clip: Any) -> None:
    lead = User.objects.get(username="lead")
    twin = services_officers.officer_create(by=SystemActor("test"), service_number="X-90412",
                                            full_name="Dang Van Binh", distinct_reason=DISTINCT)
    user_create(by=SystemActor("test"), username="binh-phu-9041", password=DEMO_PASSWORD, role=Role.INSPECTION_LEAD,
                full_name="Tài khoản phụ", officer=twin)
    assert lead.officer is not None and lead.officer.full_name == "Đặng Văn Bình"
    clip = make_clip()
    asked = api_as("lead").post(f"/api/media/clips/{clip.pk}/remap-requests/",
                                {"camera_id": Camera.objects.get(code="CAM-ND-01").pk, "reason": REASON}, format="json")
    assert asked.status_code == 201, asked.content
    second = api_as("binh-phu-9041")
    listed = second.get("/api/media/remap-requests/", {"state": "pending"}).json()["results"]
    assert [(r["id"], r["may_decide"]) for r in listed] == [(asked.json()["id"], False)]
    refused = second.post(f"/api/media/remap-requests/{asked.json()['id']}/approve/", {"reason": APPROVE},
                          format="json")
    assert refused.status_code == 403, refused.content
    assert refused.json()["error"]["code"] == "same_person"
    clip.refresh_from_db()
    assert clip.camera.code == "CAM-TC-01" and clip.state == Clip.State.INDEXED
