"""The rule set and scoring policy seeded from DESIGN.md "Accountability and discipline".

Plain data, no Django imports: the data migration and `ruleset_seed_default` both read it.
Admins edit the live copy through the API (each edit is a new version); this file is only the
starting point. Periods and the rules marked "(mặc định, cần xác nhận)" are defaults to confirm
with the force.
"""
from __future__ import annotations

from typing import Any

SEVERITIES = ["less_serious", "serious", "very_serious", "especially_serious"]
SEVERITY_VI = {"less_serious": "ít nghiêm trọng", "serious": "nghiêm trọng",
               "very_serious": "rất nghiêm trọng", "especially_serious": "đặc biệt nghiêm trọng"}
SEVERITY_EN = {"less_serious": "less serious", "serious": "serious", "very_serious": "very serious",
               "especially_serious": "especially serious"}

# (code, name_vi, name_en, limitation_years) lightest first. Default limitation: 2 years up to
# khiển trách, 5 years above it.
OFFICER_LADDER: list[tuple[str, str, str, int]] = [
    ("phe_binh", "Phê bình", "Criticism", 2),
    ("ha_bac_thi_dua", "Hạ bậc / không xét tặng danh hiệu thi đua", "Emulation title lowered / not awarded", 2),
    ("khong_hoan_thanh", "Xếp loại không hoàn thành nhiệm vụ", "Rated as not completing duties", 2),
    ("khien_trach", "Khiển trách", "Reprimand", 2),
    ("canh_cao", "Cảnh cáo", "Warning", 5),
    ("giang_cap", "Giáng cấp bậc hàm / hạ bậc lương", "Demotion in rank / salary step lowered", 5),
    ("cach_chuc", "Cách chức / giáng chức", "Dismissal from post / demotion in post", 5),
    ("tuoc_danh_hieu", "Tước danh hiệu Công an nhân dân", "Stripped of the People's Public Security title", 5),
]
UNIT_LADDER: list[tuple[str, str, str, int]] = [
    ("don_vi_phe_binh", "Phê bình đơn vị", "Unit criticised", 2),
    ("don_vi_ha_bac", "Hạ bậc danh hiệu thi đua năm", "Unit's yearly emulation title lowered", 2),
    ("don_vi_khong_xet_tang", "Không xét tặng danh hiệu thi đua", "Unit not considered for an emulation title", 2),
]

_LESS = ["less_serious"]
_SERIOUS_UP = ["serious", "very_serious", "especially_serious"]
_LESS_UP = SEVERITIES
_VERY_UP = ["very_serious", "especially_serious"]

# Rule rows. Keys mirror the Rule model; `form` is a ladder code (None when as_violator).
RULES: list[dict[str, Any]] = [
    # heads of the unit where a subordinate committed the violation
    {"code": "H1", "applies_to": "head", "trigger": "severity", "severities": _LESS, "form": "khien_trach",
     "text_vi": "Người đứng đầu đơn vị có cán bộ vi phạm ít nghiêm trọng: khiển trách.",
     "text_en": "Head of a unit where a subordinate committed a less-serious violation: reprimand."},
    {"code": "H2", "applies_to": "head", "trigger": "severity", "severities": ["serious"], "form": "canh_cao",
     "text_vi": "Người đứng đầu đơn vị có cán bộ vi phạm nghiêm trọng: cảnh cáo.",
     "text_en": "Head of a unit where a subordinate committed a serious violation: warning."},
    {"code": "H3", "applies_to": "head", "trigger": "count", "severities": _LESS_UP, "min_count": 2,
     "window_days": 365, "form": "canh_cao",
     "text_vi": "Người đứng đầu đơn vị để xảy ra nhiều (từ 2) vi phạm ít nghiêm trọng trở lên trong 12 tháng: cảnh cáo.",
     "text_en": "Head of a unit with several (2 or more) violations, less serious or worse, within 12 months: warning."},
    {"code": "H4", "applies_to": "head", "trigger": "severity", "severities": _VERY_UP, "form": "cach_chuc",
     "text_vi": "Người đứng đầu đơn vị có cán bộ vi phạm rất nghiêm trọng hoặc đặc biệt nghiêm trọng: cách chức.",
     "text_en": "Head of a unit where a subordinate committed a very or especially serious violation: dismissal from post."},
    {"code": "H5", "applies_to": "head", "trigger": "count", "severities": _SERIOUS_UP, "min_count": 2,
     "window_days": 365, "form": "cach_chuc",
     "text_vi": "Người đứng đầu đơn vị để xảy ra nhiều (từ 2) vi phạm nghiêm trọng trở lên trong 12 tháng: cách chức.",
     "text_en": "Head of a unit with several (2 or more) serious or worse violations within 12 months: dismissal from post."},
    # the deputy in charge of the area answers as the head of that area
    {"code": "D1", "applies_to": "deputy", "trigger": "severity", "severities": _LESS, "form": "khien_trach",
     "text_vi": "Cấp phó được phân công phụ trách lĩnh vực có cán bộ vi phạm ít nghiêm trọng: khiển trách.",
     "text_en": "Deputy in charge of the area where a subordinate committed a less-serious violation: reprimand."},
    {"code": "D2", "applies_to": "deputy", "trigger": "severity", "severities": ["serious"], "form": "canh_cao",
     "text_vi": "Cấp phó phụ trách lĩnh vực có cán bộ vi phạm nghiêm trọng: cảnh cáo.",
     "text_en": "Deputy in charge of the area where a subordinate committed a serious violation: warning."},
    {"code": "D3", "applies_to": "deputy", "trigger": "count", "severities": _LESS_UP, "min_count": 2,
     "window_days": 365, "form": "canh_cao",
     "text_vi": "Cấp phó phụ trách lĩnh vực để xảy ra nhiều (từ 2) vi phạm trong 12 tháng: cảnh cáo.",
     "text_en": "Deputy in charge of the area with several (2 or more) violations within 12 months: warning."},
    {"code": "D4", "applies_to": "deputy", "trigger": "severity", "severities": _VERY_UP, "form": "cach_chuc",
     "text_vi": "Cấp phó phụ trách lĩnh vực có cán bộ vi phạm rất/đặc biệt nghiêm trọng: cách chức.",
     "text_en": "Deputy in charge of the area where a subordinate committed a very/especially serious violation: dismissal from post."},
    {"code": "D5", "applies_to": "deputy", "trigger": "count", "severities": _SERIOUS_UP, "min_count": 2,
     "window_days": 365, "form": "cach_chuc",
     "text_vi": "Cấp phó phụ trách lĩnh vực để xảy ra nhiều (từ 2) vi phạm nghiêm trọng trở lên trong 12 tháng: cách chức.",
     "text_en": "Deputy in charge of the area with several (2 or more) serious or worse violations within 12 months: dismissal from post."},
    # the head one level up (defaults to confirm with the force)
    {"code": "U1", "applies_to": "upper_head", "trigger": "severity", "severities": _VERY_UP, "form": "phe_binh",
     "text_vi": "Người đứng đầu cấp trên trực tiếp khi đơn vị cấp dưới có vi phạm rất/đặc biệt nghiêm trọng: phê bình (mặc định, cần xác nhận).",
     "text_en": "Head one level up when a directly subordinate unit has a very/especially serious violation: criticism (default, to be confirmed)."},
    {"code": "U2", "applies_to": "upper_head", "trigger": "count", "severities": _SERIOUS_UP, "min_count": 2,
     "window_days": 365, "form": "khien_trach",
     "text_vi": "Người đứng đầu cấp trên trực tiếp khi các đơn vị cấp dưới có từ 2 vi phạm nghiêm trọng trở lên trong 12 tháng: khiển trách (mặc định, cần xác nhận).",
     "text_en": "Head one level up when subordinate units have 2 or more serious or worse violations within 12 months: reprimand (default, to be confirmed)."},
    # heads who knew and did not act, or covered up, are handled as violators
    {"code": "K1", "applies_to": "head", "trigger": "knew_not_act", "as_violator": True,
     "text_vi": "Người đứng đầu biết vi phạm mà không xử lý: xử lý như người vi phạm.",
     "text_en": "Head who knew of the violation and did not act: handled as a violator."},
    {"code": "K2", "applies_to": "head", "trigger": "covered_up", "as_violator": True,
     "text_vi": "Người đứng đầu bao che vi phạm: xử lý như người vi phạm.",
     "text_en": "Head who covered up the violation: handled as a violator."},
    {"code": "K3", "applies_to": "deputy", "trigger": "knew_not_act", "as_violator": True,
     "text_vi": "Cấp phó phụ trách biết vi phạm mà không xử lý: xử lý như người vi phạm.",
     "text_en": "Deputy in charge who knew of the violation and did not act: handled as a violator."},
    {"code": "K4", "applies_to": "deputy", "trigger": "covered_up", "as_violator": True,
     "text_vi": "Cấp phó phụ trách bao che vi phạm: xử lý như người vi phạm.",
     "text_en": "Deputy in charge who covered up the violation: handled as a violator."},
    # the violator's own handling, by severity (used for cases and for heads handled as violators)
    {"code": "V1", "applies_to": "violator", "trigger": "severity", "severities": _LESS, "form": "khien_trach",
     "text_vi": "Vi phạm ít nghiêm trọng: khiển trách.", "text_en": "Less-serious violation: reprimand."},
    {"code": "V2", "applies_to": "violator", "trigger": "severity", "severities": ["serious"], "form": "canh_cao",
     "text_vi": "Vi phạm nghiêm trọng: cảnh cáo.", "text_en": "Serious violation: warning."},
    {"code": "V3", "applies_to": "violator", "trigger": "severity", "severities": ["very_serious"],
     "form": "giang_cap",
     "text_vi": "Vi phạm rất nghiêm trọng: giáng cấp bậc hàm / hạ bậc lương.",
     "text_en": "Very serious violation: demotion in rank / salary step lowered."},
    {"code": "V4", "applies_to": "violator", "trigger": "severity", "severities": ["especially_serious"],
     "form": "tuoc_danh_hieu",
     "text_vi": "Vi phạm đặc biệt nghiêm trọng: tước danh hiệu Công an nhân dân.",
     "text_en": "Especially serious violation: stripped of the People's Public Security title."},
    # a unit as the subject of a case
    {"code": "N1", "applies_to": "unit", "trigger": "severity", "severities": _LESS, "form": "don_vi_phe_binh",
     "text_vi": "Đơn vị có vi phạm ít nghiêm trọng: phê bình.",
     "text_en": "Unit with a less-serious violation: criticism."},
    {"code": "N2", "applies_to": "unit", "trigger": "severity", "severities": ["serious"], "form": "don_vi_ha_bac",
     "text_vi": "Đơn vị có vi phạm nghiêm trọng: hạ bậc danh hiệu thi đua năm.",
     "text_en": "Unit with a serious violation: yearly emulation title lowered."},
    {"code": "N3", "applies_to": "unit", "trigger": "severity", "severities": _VERY_UP,
     "form": "don_vi_khong_xet_tang",
     "text_vi": "Đơn vị có vi phạm rất/đặc biệt nghiêm trọng: không xét tặng danh hiệu thi đua.",
     "text_en": "Unit with a very/especially serious violation: not considered for an emulation title."},
]

RULESET_PARAMS = {"repeat_window_days": 365, "limitation_warn_days": 90}
BASIS = "DESIGN.md — Trách nhiệm và kỷ luật (bộ quy tắc khởi tạo)"

SCORING_POLICY: dict[str, Any] = {
    "deductions": {"less_serious": 2.0, "serious": 5.0, "very_serious": 10.0, "especially_serious": 20.0},
    "use_category_points": True,
    "check_weight": 0.7,
    "task_weight": 0.3,
    "late_task_credit": 0.5,
    "downgrade_below": 70.0,
    "no_award_below": 50.0,
    "downgrade_severities": ["serious"],
    "no_award_severities": ["very_serious", "especially_serious"],
}


def ruleset_payload() -> dict[str, Any]:
    """The default rule set in the same shape the API accepts for a new version."""
    return {
        **RULESET_PARAMS,
        "note": "Khởi tạo từ DESIGN.md / Seeded from DESIGN.md",
        "forms": [
            {"subject_kind": kind, "level": i + 1, "code": c, "name_vi": vi, "name_en": en, "limitation_years": y}
            for kind, ladder in (("officer", OFFICER_LADDER), ("unit", UNIT_LADDER))
            for i, (c, vi, en, y) in enumerate(ladder)
        ],
        "rules": [
            {"min_count": 1, "window_days": None, "as_violator": False, "form": None, "severities": SEVERITIES,
             "basis": BASIS, **rule, "position": i + 1}
            for i, rule in enumerate(RULES)
        ],
    }
