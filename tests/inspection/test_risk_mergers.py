"""Risk across mergers (issue 13, observation 4): a commune merged into another brings its history
(findings, complaints, ratings, checks) to its successor; the weights are shown as before."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from inspection import services_risk
from inspection.models import Complaint, Finding, SatisfactionRating
from tests.inspection.factories import CheckFactory, CounterFactory, FindingFactory, UnitFactory


@pytest.mark.django_db
def test_successor_inherits_its_predecessors_history():
    merged_on = timezone.localdate() - timedelta(days=60)
    successor = UnitFactory(valid_from=merged_on)
    CounterFactory(unit=successor)
    predecessor = UnitFactory(valid_from=date(2020, 1, 1), valid_to=merged_on - timedelta(days=1),
                              successor=successor)
    old_counter = CounterFactory(unit=predecessor, active=False)
    before = timezone.now() - timedelta(days=90)
    FindingFactory(unit=predecessor, severity="very_serious", occurred_from=before, state=Finding.State.CONFIRMED)
    Complaint.objects.create(reference="PA-T-1", channel=Complaint.Channel.HOTLINE_1, received_at=before,
                             summary="Thu tiền ngoài quy định", unit=predecessor)
    SatisfactionRating.objects.create(counter=old_counter, device_code="D1", device_rating_id="1", rated_at=before,
                                      score=1)
    checked_at = timezone.now() - timedelta(days=120)
    CheckFactory(unit=predecessor, state="signed", started_at=checked_at, window_start=checked_at,
                 window_end=checked_at + timedelta(hours=2))

    [snap] = services_risk.risk_compute(by="test", units=[successor])
    features = snap.features
    assert features["findings"] > 0 and features["complaints"] > 0 and features["unsatisfied_ratings"] > 0
    assert features["months_since_check"] == pytest.approx(4.0, abs=0.05)  # the predecessor's check, 120 days ago
    assert snap.contributions["findings"] == pytest.approx(snap.weights["findings"] * features["findings"])
    assert snap.score == pytest.approx(sum(snap.contributions.values()))


@pytest.mark.django_db
def test_a_never_checked_successor_counts_from_its_oldest_predecessor():
    merged_on = timezone.localdate() - timedelta(days=30)
    successor = UnitFactory(valid_from=merged_on)
    CounterFactory(unit=successor)
    UnitFactory(valid_from=timezone.localdate() - timedelta(days=400), valid_to=merged_on - timedelta(days=1),
                successor=successor)
    [snap] = services_risk.risk_compute(by="test", units=[successor])
    assert snap.features["months_since_check"] == pytest.approx(400 / 30, abs=0.05)
