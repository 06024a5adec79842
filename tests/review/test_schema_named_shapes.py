"""The schema names the shapes the web app aliases (UserBrief, BiText, EvidencePackageStateEnum, Viewer), and the
websocket's presence rows match Viewer.

Where these came from:
Issue 17: the last four types the web app wrote by hand are aliases of generated ones, so the schema names
their shapes: `UserBrief` (a person in the inspection answers), `BiText` (a draw's warning: a message in both
languages and the detail its code carries), `EvidencePackageStateEnum` (an evidence package's state) and
`Viewer` (a row of the review websocket's `presence` message, which no HTTP answer carries). The rows the
websocket really sends match `Viewer` strictly."""
from __future__ import annotations

import re
from pathlib import Path

import jsonschema
from django.conf import settings

from media_ingest.review import presence
from media_ingest.review.models import EvidencePackage
from tests.openapi_bodies import SCHEMA, json_schema

COMPONENTS = SCHEMA["components"]["schemas"]
TYPES = Path(settings.BASE_DIR) / "frontend" / "src" / "types"


def test_the_schema_names_the_four_shapes() -> None:
    assert set(COMPONENTS["UserBrief"]["required"]) == {"id", "username", "full_name", "rank"}
    assert set(COMPONENTS["BiText"]["required"]) == {"code", "vi", "en"}
    assert COMPONENTS["BiText"]["additionalProperties"] == {}
    for draw in ("DrawOutput", "DrawDetailOutput", "DrawWithExclusionsOutput"):
        assert COMPONENTS[draw]["properties"]["warnings"]["items"] == {"$ref": "#/components/schemas/BiText"}
    assert COMPONENTS["EvidencePackageStateEnum"]["enum"] == list(EvidencePackage.State.values)
    assert COMPONENTS["EvidencePackageOutput"]["properties"]["state"] == {
        "$ref": "#/components/schemas/EvidencePackageStateEnum"}
    assert set(COMPONENTS["Viewer"]["required"]) == {"user_id", "name", "position"}


def test_the_presence_rows_the_websocket_sends_are_viewers() -> None:
    clip_id = 987_654
    try:
        presence.presence_join(clip_id=clip_id, channel_name="tab-a", user_id=4, name="Ngô Thị Mai", position=None)
        presence.presence_join(clip_id=clip_id, channel_name="tab-b", user_id=4, name="Ngô Thị Mai", position=12.5)
        viewers, _ = presence.presence_join(clip_id=clip_id, channel_name="tab-c", user_id=9,
                                            name="Trần Văn Hùng", position=None)
    finally:
        for channel in ("tab-a", "tab-b", "tab-c"):
            presence.presence_leave(clip_id=clip_id, channel_name=channel)
    assert [(v["user_id"], v["position"]) for v in viewers] == [(4, 12.5), (9, None)]
    jsonschema.validate(viewers, {"type": "array", "items": json_schema(COMPONENTS["Viewer"], strict=True)})


def test_the_web_app_aliases_them_instead_of_writing_them() -> None:
    inspection = (TYPES / "inspection.ts").read_text(encoding="utf-8")
    media = (TYPES / "media.ts").read_text(encoding="utf-8")
    assert 'export type UserBrief = Schemas["UserBrief"];' in inspection
    assert 'export type BiText = Schemas["BiText"];' in inspection
    assert 'export type Viewer = components["schemas"]["Viewer"];' in media
    assert 'export type PackageState = components["schemas"]["EvidencePackageStateEnum"];' in media
    hand_written = [name for text in (inspection, media)
                    for name in re.findall(r"export interface (\w+)|export type (\w+) = \"", text)]
    assert hand_written == [], "a type of these answers written by hand: declare it in the schema and alias it"
