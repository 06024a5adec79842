"""Pure clip analysis for Counterwatch: cv2, numpy, av and pydantic only, never Django.

Public API:
    analyze(path, zones=None, config=None, outputs=None, progress=None) -> AnalysisResult
    probe(path_or_fileobj) -> ProbeInfo;  sha256_stream(fileobj) -> str
    validate_zones(document) -> list[Zone]  (ValueError with a human message)
    AnalysisConfig, ANALYSIS_VERSION, OutputDir, Event, Derivatives
    VisionError(code, params) / VisionIssue(code, params): what a file could not give; message(code, params,
    lang) says it in Vietnamese or English from the one table MESSAGES
    synth.generate_counter_clip(...) for demo / test footage with ground truth
"""

from media_ingest.vision.analyze import AnalysisResult, analyze
from media_ingest.vision.config import ANALYSIS_VERSION, AnalysisConfig
from media_ingest.vision.derivatives import Derivatives, OutputDir, needs_proxy
from media_ingest.vision.errors import MESSAGES, VisionError, VisionIssue, message
from media_ingest.vision.events import EVENT_KINDS, TAMPER_KINDS, Event
from media_ingest.vision.probe import ProbeInfo, probe, sha256_file, sha256_stream
from media_ingest.vision.zones import (
    DEFAULT_ZONE_NAME,
    Zone,
    default_zones,
    validate_zones,
    zones_or_default,
)

__all__ = [
    "ANALYSIS_VERSION",
    "DEFAULT_ZONE_NAME",
    "EVENT_KINDS",
    "TAMPER_KINDS",
    "AnalysisConfig",
    "AnalysisResult",
    "Derivatives",
    "Event",
    "OutputDir",
    "ProbeInfo",
    "MESSAGES",
    "VisionError",
    "VisionIssue",
    "Zone",
    "analyze",
    "default_zones",
    "message",
    "needs_proxy",
    "probe",
    "sha256_file",
    "sha256_stream",
    "validate_zones",
    "zones_or_default",
]
