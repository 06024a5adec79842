"""Issue 18: the findings list writes its rows' dates without DRF's per-call look-ups; the text is
DRF's, in the request's time zone, with "Z" for UTC, microseconds and all."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from django.utils import timezone
from rest_framework import serializers

from inspection.apis.finding_rows import _when

VALUES = [datetime(2026, 3, 1, 7, 30, tzinfo=UTC), datetime(2026, 3, 1, 23, 59, 59, 123456, tzinfo=UTC),
          datetime(2025, 12, 31, 18, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
          datetime(2026, 6, 1, 1, 2, 3, tzinfo=dt_timezone(timedelta(hours=-5)))]


def test_a_rows_dates_are_written_as_drf_writes_them_in_every_time_zone() -> None:
    drf = serializers.DateTimeField()
    for zone in ("Asia/Ho_Chi_Minh", "UTC", "Europe/Paris"):
        with timezone.override(ZoneInfo(zone)):
            tz = timezone.get_current_timezone()
            for value in VALUES:
                assert _when(value, tz) == drf.to_representation(value) == _when(value), (zone, value)
    assert _when(None, timezone.get_current_timezone()) is None
    with timezone.override(ZoneInfo("UTC")):
        assert _when(VALUES[0], timezone.get_current_timezone()) == "2026-03-01T07:30:00Z"
