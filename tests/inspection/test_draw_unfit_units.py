"""A unit no team of two free of conflict can check is not drawn (draw version 5): it takes no place of n, so
a draw of one unit gives a check while another unit can be checked, and the team is told which unit was left
out and why (the demo's inspector served in Kim Liên, the top-risk unit, and the team has two people)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from inspection import services_draws


def test_a_unit_without_a_team_of_two_is_left_out_with_its_reason_and_n_is_kept(insp: Any) -> None:
    lead = insp.users["lead"]
    kim_lien = insp.units["CAX-KL"]
    start = timezone.localdate() + timedelta(days=1)
    draw = services_draws.draw_create(by=lead, n=1, start=start, end=start + timedelta(days=13), team_size=2,
                                      reason="Rút thăm bổ sung cho tuần kiểm tra đột xuất này")
    assert draw.checks.count() == 1
    assert draw.checks.get().unit_id != kim_lien.pk
    warning = {w["code"]: w for w in draw.warnings}["units_without_team"]
    assert [u["unit_id"] for u in warning["units"]] == [kim_lien.pk]
    assert "không đủ hai cán bộ" in warning["vi"] and warning["units"][0]["reason"] == "team_of_one"
    # who is in conflict, as a person (user review of stop 26: the reason did not say who)
    inspector = insp.users["inspector"]
    from backend.accounts.selectors import user_title

    assert f"từng công tác tại đơn vị: đồng chí {user_title(inspector)}" in warning["units"][0]["vi"]
    assert "schedule_shortfall" not in {w["code"] for w in draw.warnings}
