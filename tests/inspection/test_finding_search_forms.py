"""Finding search reads Vietnamese typed in either Unicode form (issue 15, insider review: "Thu tiền"
in NFC found 5 findings, the same words in NFD found none)."""
from __future__ import annotations

import unicodedata

import pytest

from tests.inspection.factories import FindingFactory


@pytest.mark.django_db
def test_nfd_and_nfc_searches_find_the_same_findings(api_as, insp):
    unit = insp.units["CAX-TC"]
    made = {FindingFactory(unit=unit, title=f"Thu tiền ngoài quy định {n}", state="confirmed").pk for n in range(3)}
    lead = api_as("lead")
    found = {}
    for form in ("NFC", "NFD"):
        term = unicodedata.normalize(form, "Thu tiền ngoài")
        r = lead.get("/api/inspection/findings/", {"search": term, "page_size": 100})
        assert r.status_code == 200, r.content
        found[form] = {f["id"] for f in r.json()["results"]}
    assert made <= found["NFC"]
    assert found["NFD"] == found["NFC"]
