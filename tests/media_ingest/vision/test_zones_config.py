"""Zone validation (reused by Django for camera zones) and the analysis config bounds."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from media_ingest.vision import ANALYSIS_VERSION, AnalysisConfig, Zone, default_zones, validate_zones, zones_or_default
from media_ingest.vision.zones import zone_masks

SQUARE = [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]]


def test_valid_document_round_trips() -> None:
    doc = [{"name": "officer", "points": SQUARE}, {"name": "citizen", "points": [[0.6, 0.2], [0.9, 0.2], [0.75, 0.9]]}]
    zones = validate_zones(doc)
    assert [z.name for z in zones] == ["officer", "citizen"]
    assert zones[0].area == pytest.approx(0.16)
    assert validate_zones(json.dumps(doc)) == zones  # JSON text is accepted too
    assert validate_zones({"zones": doc}) == zones
    assert [z.to_dict() for z in zones] == [
        {"name": "officer", "points": SQUARE},
        {"name": "citizen", "points": [[0.6, 0.2], [0.9, 0.2], [0.75, 0.9]]},
    ]


def test_closing_point_is_dropped_and_integers_accepted() -> None:
    (zone,) = validate_zones([{"name": "all", "points": [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]}])
    assert zone.points == ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))


def test_default_zone_is_the_whole_frame_named_scene() -> None:
    (scene,) = default_zones()
    assert scene.name == "scene" and scene.area == 1.0
    assert zones_or_default(None) == default_zones()
    assert zones_or_default([]) == default_zones()
    assert zones_or_default([Zone("desk", ((0, 0), (1, 0), (0, 1)))])[0].name == "desk"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"name": "x"}, "must be a list"),
        ([["not", "an", "object"]], "must be an object"),
        ([{"points": SQUARE}], "needs a non-empty name"),
        ([{"name": "a b", "points": SQUARE}], "may only use letters"),
        ([{"name": "a", "points": SQUARE, "colour": "red"}], "unknown field"),
        ([{"name": "a", "points": SQUARE}, {"name": "a", "points": SQUARE}], "names must be unique"),
        ([{"name": "a"}], 'needs "points"'),
        ([{"name": "a", "points": [[0, 0], [1, 1]]}], "at least 3 points, got 2"),
        ([{"name": "a", "points": [[0, 0], [1.2, 0], [1, 1]]}], "point 2 [1.2, 0] is outside the frame"),
        ([{"name": "a", "points": [[0, 0], [-0.1, 0], [1, 1]]}], "outside the frame"),
        ([{"name": "a", "points": [[0, 0], ["x", 0], [1, 1]]}], "point 2 must be a pair of numbers"),
        ([{"name": "a", "points": [[0, 0], [0.5], [1, 1]]}], "must be a pair of numbers"),
        ([{"name": "a", "points": [[0, 0], [True, 0], [1, 1]]}], "must be a pair of numbers"),
        ([{"name": "a", "points": [[0, 0], [float("nan"), 0], [1, 1]]}], "not a finite number"),
        ([{"name": "a", "points": [[0, 0], [0.5, 0.5], [1, 1]]}], "no real area"),
        ([{"name": "a", "points": [[0.2, 0.2], [0.2005, 0.2], [0.2, 0.2005]]}], "no real area"),
        ([{"name": "a", "points": [[0, 0], [1, 1], [1, 0], [0, 0.5]]}], "edges cross"),
        ([{"name": f"z{i}", "points": SQUARE} for i in range(40)], "too many zones"),
    ],
)
def test_invalid_documents_get_a_clear_one_line_message(document: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        validate_zones(document)
    text = str(caught.value)
    assert message in text and "\n" not in text


def test_zone_masks_follow_the_polygons() -> None:
    zones = validate_zones(
        [
            {"name": "left", "points": [[0, 0], [0.5, 0], [0.5, 1], [0, 1]]},
            {"name": "dot", "points": [[0.9, 0.9], [0.915, 0.9], [0.915, 0.915], [0.9, 0.915]]},
        ]
    )
    masks = zone_masks(zones, 160, 90)
    assert masks["left"].dtype == np.uint8 and masks["left"].shape == (90, 160)
    assert masks["left"].mean() == pytest.approx(0.5, abs=0.02)
    assert masks["left"][:, :78].all() and not masks["left"][:, 82:].any()
    assert masks["dot"].sum() >= 1  # a tiny zone still has a pixel


def test_config_defaults_and_version() -> None:
    cfg = AnalysisConfig()
    assert 160 <= cfg.analysis_width <= 320
    assert cfg.tamper_min_duration_s == 2.0
    assert cfg.officer_zone == "officer" and cfg.citizen_zone == "citizen"
    assert isinstance(ANALYSIS_VERSION, str) and ANALYSIS_VERSION


@pytest.mark.parametrize(
    "overrides",
    [
        {"analysis_width": 20},
        {"analysis_width": 4000},
        {"bg_learning_rate": 0},
        {"occupied_fraction": 1.5},
        {"zone_occupied_fraction": {"officer": 0}},
        {"unattended_after_s": 0},
        {"tamper_min_duration_s": 0.1},
        {"proxy_preset": "warp9"},
        {"officer_zone": "desk", "citizen_zone": "desk"},
        {"no_such_setting": 1},
    ],
)
def test_config_refuses_out_of_bounds(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        AnalysisConfig(**overrides)


def test_per_zone_threshold_override() -> None:
    cfg = AnalysisConfig(zone_occupied_fraction={"citizen": 0.2})
    assert cfg.occupied_for("citizen") == 0.2 and cfg.occupied_for("officer") == cfg.occupied_fraction
