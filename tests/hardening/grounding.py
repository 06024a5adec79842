"""Path parameters on real objects: the schema fuzz (test_fuzz.py) and the role isolation test
(test_isolation.py) put ids of the seeded world into the paths they call, or they would meet
only 404s."""
from __future__ import annotations

import re
from typing import Any

from django.apps import apps

# the path segment in front of a parameter -> (model, field whose values are real ids)
REAL = {
    "units": ("org.Unit", "pk"), "officers": ("org.Officer", "pk"), "assignments": ("org.Assignment", "pk"),
    "cameras": ("org.Camera", "pk"), "tokens": ("accounts.ApiToken", "pk"),
    "criteria-sets": ("inspection.CriteriaSet", "pk"), "draws": ("inspection.Draw", "pk"),
    "checks": ("inspection.SurpriseCheck", "uid"), "findings": ("inspection.Finding", "pk"),
    "import": ("inspection.CsvImport", "pk"), "complaints": ("inspection.Complaint", "pk"),
    "traces": ("accountability.TraceRecord", "pk"), "liabilities": ("accountability.LeaderLiability", "pk"),
    "rulesets": ("accountability.RuleSet", "version"), "cases": ("accountability.DisciplinaryCase", "pk"),
    "factors": ("accountability.CaseFactor", "pk"), "documents": ("accountability.CaseDocument", "pk"),
    "cchc-tasks": ("accountability.CchcTask", "pk"), "clips": ("media_ingest.Clip", "pk"),
    "tags": ("review.Tag", "pk"), "evidence": ("review.EvidenceItem", "pk"),
    "packages": ("review.EvidencePackage", "pk"), "taxonomy": ("review.TagLabel", "code"),
    "users": ("accounts.User", "pk"), "holds": ("media_ingest.ClipHold", "pk"),
    "categories": ("inspection.FindingCategory", "pk"), "fields": ("org.FieldOfCharge", "pk"),
    "regulations": ("accountability.ForceRegulation", "code"),
    "self-detections": ("accountability.SelfDetection", "pk"), "absences": ("inspection.InspectorAbsence", "pk"),
    "team-grants": ("accounts.TeamGrant", "pk"), "remap-requests": ("media_ingest.ClipRemapRequest", "pk"),
}
# path segments whose parameter is a name from a fixed set, not an object: the stills of a clip
NAMED = {"stills": ["poster", "sprite", "vtt"]}


def named_values(path: str, param: str) -> list[str]:
    """The names a NAMED parameter takes (the fuzz calls the stills endpoint with them); empty otherwise. The
    isolation test keeps calling such paths with a name that is none (its reached sets stay as they are)."""
    return list(NAMED.get(_segment_for(path, param) or "", []))


# models whose ids are random (backend.core.ids) -> the field that says when a row was made
CREATED = {"inspection.Finding": "created_at", "review.EvidenceItem": "added_at",
           "review.EvidencePackage": "requested_at"}
PARAM = re.compile(r"([^/{}]+)/\{(\w+)\}")


def _segment_for(path: str, param: str) -> str | None:
    for segment, name in PARAM.findall(path):
        if name == param:
            return segment
    # `/report/evidence/{id}/`, `/cases/{id}/findings/{finding_id}/` are named by the segment
    return None


def _target(path: str, param: str) -> tuple[str, str] | None:
    segment = _segment_for(path, param)
    if segment == "evidence" and "/report/" in path:
        return ("inspection.ReportEvidence", "pk")
    if segment == "evidence" and path.startswith("/api/inspection/findings/"):
        return ("review.EvidenceItem", "pk")  # one evidence model (issue 17)
    return REAL.get(segment or "")


def real_values(path: str, param: str) -> list[Any]:
    """Up to 50 values of `param` in `path` that name real objects (as strings), oldest first;
    empty when the parameter names nothing in the table."""
    target = _target(path, param)
    if target is None:
        return []
    model = apps.get_model(target[0])
    # oldest first: by the time made where ids are random (a random id's order changes every run, and the
    # first object then belongs to any unit: the isolation test's answers depended on the draw)
    order = CREATED.get(target[0], "pk")
    return [str(v) for v in model.objects.order_by(order, "pk").values_list(target[1], flat=True)[:50]]
