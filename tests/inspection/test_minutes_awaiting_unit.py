# ruff: noqa: F811 - the `running` fixture is imported from test_field_signoff and used as a parameter
"""UX review: after the lead signed alone, the check read "Đã ký biên bản" and the home card "Biên bản chờ ký"
counted 0 while step 2 (the unit's representative) was still open. The minutes await a signature until both
have signed (selectors_checks.minutes_awaiting_signature_q)."""
from __future__ import annotations

import pytest

from tests.inspection.test_field_signoff import _data_url, _png, _signed, running  # noqa: F401
from tests.inspection.test_home import _cards
from tests.inspection.test_reports import _url


@pytest.mark.django_db
def test_minutes_signed_by_the_lead_alone_await_the_unit_on_the_check_and_on_the_home_card(api_as, running):
    lead = api_as("lead")
    before = _cards(lead)["reports_to_sign"]["count"]  # the demo's own ended checks; this one still runs
    _signed(api_as, running)
    shown = lead.get(f"/api/inspection/checks/{running.uid}/").json()
    assert shown["state"] == "signed" and shown["awaiting_unit_signature"] is True
    card = _cards(lead)["reports_to_sign"]
    assert card["count"] == before + 1
    assert any(r["link"].endswith(str(running.uid)) for r in card["rows"])

    rep = lead.post(_url(running, "representative/"), {"name": "Lê Văn Khai", "post": "Phó Trưởng Công an xã",
                                                       "signature": _data_url(_png())}, format="json")
    assert rep.status_code == 200, rep.content
    assert lead.get(f"/api/inspection/checks/{running.uid}/").json()["awaiting_unit_signature"] is False
    assert _cards(lead)["reports_to_sign"]["count"] == before
