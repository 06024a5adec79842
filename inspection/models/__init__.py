"""Inspection models, one module per subdomain; this package is their public surface
(`from inspection.models import Finding`), as Django expects of an app's models."""
from inspection.models.checks import (
    CheckReport,
    CriterionResult,
    ReportAmendment,
    ReportEvidence,
    SignedMinutes,
    SurpriseCheck,
)
from inspection.models.common import USER, Severity
from inspection.models.complaints import Complaint
from inspection.models.criteria import CriteriaSet, Criterion, FindingCategory
from inspection.models.draws import Draw, InspectorAbsence, RiskSnapshot, RiskWeights
from inspection.models.findings import Finding, FindingExplanation, FindingSubject, FindingTransition
from inspection.models.ratings import CounterVolume, CsvImport, RatingDevice, SatisfactionRating

__all__ = [
    "USER", "Severity", "CriteriaSet", "Criterion", "FindingCategory", "SatisfactionRating", "CounterVolume",
    "RatingDevice", "CsvImport", "Complaint", "RiskWeights", "RiskSnapshot", "Draw", "InspectorAbsence",
    "SurpriseCheck", "CheckReport", "CriterionResult", "ReportEvidence", "ReportAmendment", "SignedMinutes", "Finding",
    "FindingSubject", "FindingTransition", "FindingExplanation",
]
