"""The rule set and scoring policy seeded from the shared DESIGN.md (../shared/DESIGN.md from the repository
root), "Domain", "Accountability and discipline".

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

# Legal bases, written out once.
TT02 = "Thông tư 02/2021/TT-BCA, Điều 7 (hình thức xử lý cán bộ vi phạm điều lệnh CAND)"
TT02_ESC = "Thông tư 02/2021/TT-BCA, Điều 3 khoản 4 và Điều 10 khoản 3"
ND59 = "Nghị định 59/2019/NĐ-CP, Điều 78 (trách nhiệm người đứng đầu khi để xảy ra tham nhũng)"
PCTN73 = "Luật Phòng, chống tham nhũng 2018, Điều 73 khoản 3 (tự phát hiện và xử lý thì được miễn trách nhiệm)"
# The force's own regulations: cited as [[QD:<code>]], their number is a setting an admin fills in
# (models.ForceRegulation); until then the basis reads "chưa có số văn bản — cần xác nhận".
FORCE_REGULATIONS: list[tuple[str, str, str]] = [
    ("lien_doi", "Quy định của Công an tỉnh về trách nhiệm liên đới của người đứng đầu",
     "Provincial police regulation on the joint responsibility of heads"),
    ("thi_dua", "Quy định của Công an tỉnh về thi đua, khen thưởng",
     "Provincial police regulation on emulation and awards"),
]
FORCE = "Quy định của Công an tỉnh về trách nhiệm liên đới của người đứng đầu [[QD:lien_doi]]"
FORCE_UNIT = "Quy định của Công an tỉnh về thi đua, khen thưởng [[QD:thi_dua]]"
# what the seed said before the number became a setting (a migration rewrites it to the tokens above)
OLD_FORCE = "Quy định của Công an tỉnh về trách nhiệm liên đới của người đứng đầu (số hiệu: cần xác nhận)"
OLD_FORCE_UNIT = "Quy định của Công an tỉnh về thi đua, khen thưởng (số hiệu: cần xác nhận)"
CBCC80 = "Luật Cán bộ, công chức 2008 (sửa đổi 2019), Điều 80"
ND112 = "Nghị định 112/2020/NĐ-CP, Điều 5 khoản 2 (sửa đổi bởi Nghị định 71/2023/NĐ-CP)"
KN2011_1 = "Luật Khiếu nại 2011, Điều 48 (khiếu nại quyết định kỷ luật lần đầu: 15 ngày kể từ ngày nhận quyết định)"
KN2011_2 = ("Luật Khiếu nại 2011, Điều 48 (khiếu nại lần hai: 10 ngày kể từ ngày nhận quyết định giải quyết lần đầu; "
            "30 ngày nếu là kỷ luật buộc thôi việc)")
KN2011_ACCEPT = "Luật Khiếu nại 2011, Điều 50 dẫn chiếu Điều 27 và Điều 36 (thụ lý trong 10 ngày kể từ ngày nhận khiếu nại)"
KN2011_ANSWER = ("Luật Khiếu nại 2011, Điều 50 dẫn chiếu Điều 28 (giải quyết lần đầu không quá 30 ngày kể từ ngày "
                 "thụ lý; vụ việc phức tạp không quá 45 ngày)")
KN2011_ANSWER2 = ("Luật Khiếu nại 2011, Điều 50 dẫn chiếu Điều 37 (giải quyết lần hai không quá 45 ngày kể từ ngày "
                  "thụ lý; vụ việc phức tạp không quá 60 ngày)")
OLD_KN2011_1 = "Luật Khiếu nại 2011, Điều 49 (khiếu nại quyết định kỷ luật: 15 ngày kể từ ngày nhận quyết định)"
OLD_KN2011_2 = "Luật Khiếu nại 2011, Điều 50 (khiếu nại lần hai: 10 ngày kể từ ngày nhận quyết định giải quyết lần đầu)"
COUNCIL = "Thông tư 02/2021/TT-BCA và Nghị định 112/2020/NĐ-CP (Hội đồng kỷ luật; cần xác nhận)"

# (code, name_vi, name_en, limitation_years, requires_council) lightest first; each rung is one form.
# Limitation: 2 years up to khiển trách, 5 years above (Luật CBCC art. 80 as amended 2019).
OFFICER_LADDER: list[tuple[str, str, str, int, bool]] = [
    ("phe_binh", "Phê bình", "Criticism", 2, False),
    ("ha_bac_thi_dua", "Hạ bậc danh hiệu thi đua năm", "Yearly emulation title lowered one grade", 2, False),
    ("khong_xet_tang", "Không xét tặng danh hiệu thi đua năm", "Not considered for the yearly emulation title",
     2, False),
    ("khong_hoan_thanh", "Xếp loại không hoàn thành nhiệm vụ", "Rated as not completing duties", 2, False),
    ("khien_trach", "Khiển trách", "Reprimand", 2, True),
    ("canh_cao", "Cảnh cáo", "Warning", 5, True),
    ("giang_cap", "Giáng cấp bậc hàm", "Demotion in rank", 5, True),
    ("giang_chuc", "Giáng chức", "Demotion in post", 5, True),
    ("cach_chuc", "Cách chức", "Dismissal from post", 5, True),
    ("tuoc_danh_hieu", "Tước danh hiệu Công an nhân dân", "Stripped of the People's Public Security title", 5, True),
]
UNIT_LADDER: list[tuple[str, str, str, int, bool]] = [
    ("don_vi_phe_binh", "Phê bình đơn vị", "Unit criticised", 2, False),
    ("don_vi_ha_bac", "Hạ bậc danh hiệu thi đua năm", "Unit's yearly emulation title lowered", 2, False),
    ("don_vi_khong_xet_tang", "Không xét tặng danh hiệu thi đua", "Unit not considered for an emulation title",
     2, False),
]

_LESS = ["less_serious"]
_SERIOUS_UP = ["serious", "very_serious", "especially_serious"]
_LESS_UP = SEVERITIES
_VERY_UP = ["very_serious", "especially_serious"]
_C, _N = "corruption", "non_corruption"

# Rule rows. Keys mirror the Rule model; `form` is a ladder code (None when as_violator).
RULES: list[dict[str, Any]] = [
    # --- corruption in the unit: NĐ 59/2019 art. 78, for corruption categories only ---
    {"code": "TN-H1", "applies_to": "head", "trigger": "severity", "severities": _LESS, "form": "khien_trach",
     "categories": _C, "basis": ND59 + ", khoản 1",
     "text_vi": "Người đứng đầu để xảy ra hành vi tham nhũng ít nghiêm trọng trong đơn vị: khiển trách.",
     "text_en": "Head of a unit where a less-serious act of corruption happened: reprimand."},
    {"code": "TN-H2", "applies_to": "head", "trigger": "severity", "severities": ["serious"], "form": "canh_cao",
     "categories": _C, "basis": ND59 + ", khoản 2",
     "text_vi": "Người đứng đầu để xảy ra hành vi tham nhũng nghiêm trọng trong đơn vị: cảnh cáo.",
     "text_en": "Head of a unit where a serious act of corruption happened: warning."},
    {"code": "TN-H3", "applies_to": "head", "trigger": "count", "severities": _LESS_UP, "min_count": 2,
     "window_days": 365, "form": "canh_cao", "categories": _C, "basis": ND59 + ", khoản 2",
     "text_vi": "Người đứng đầu để xảy ra nhiều (từ 2) vụ tham nhũng trong đơn vị trong 12 tháng: cảnh cáo.",
     "text_en": "Head of a unit with several (2 or more) corruption cases within 12 months: warning."},
    {"code": "TN-H4", "applies_to": "head", "trigger": "severity", "severities": _VERY_UP, "form": "cach_chuc",
     "categories": _C, "basis": ND59 + ", khoản 3",
     "text_vi": "Người đứng đầu để xảy ra hành vi tham nhũng rất nghiêm trọng hoặc đặc biệt nghiêm trọng: cách chức.",
     "text_en": "Head of a unit where a very or especially serious act of corruption happened: dismissal from post."},
    {"code": "TN-H5", "applies_to": "head", "trigger": "count", "severities": _SERIOUS_UP, "min_count": 2,
     "window_days": 365, "form": "cach_chuc", "categories": _C, "basis": ND59 + ", khoản 3",
     "text_vi": "Người đứng đầu để xảy ra nhiều (từ 2) vụ tham nhũng nghiêm trọng trở lên trong 12 tháng: cách chức.",
     "text_en": "Head of a unit with several (2 or more) serious or worse corruption cases within 12 months: "
                "dismissal from post."},
    {"code": "TN-D1", "applies_to": "deputy", "trigger": "severity", "severities": _LESS, "form": "khien_trach",
     "categories": _C, "basis": ND59 + ", khoản 1",
     "text_vi": "Cấp phó phụ trách lĩnh vực để xảy ra hành vi tham nhũng ít nghiêm trọng: khiển trách.",
     "text_en": "Deputy in charge of the field where a less-serious act of corruption happened: reprimand."},
    {"code": "TN-D2", "applies_to": "deputy", "trigger": "severity", "severities": ["serious"], "form": "canh_cao",
     "categories": _C, "basis": ND59 + ", khoản 2",
     "text_vi": "Cấp phó phụ trách lĩnh vực để xảy ra hành vi tham nhũng nghiêm trọng: cảnh cáo.",
     "text_en": "Deputy in charge of the field where a serious act of corruption happened: warning."},
    {"code": "TN-D3", "applies_to": "deputy", "trigger": "severity", "severities": _VERY_UP, "form": "cach_chuc",
     "categories": _C, "basis": ND59 + ", khoản 3",
     "text_vi": "Cấp phó phụ trách lĩnh vực để xảy ra hành vi tham nhũng rất/đặc biệt nghiêm trọng: cách chức.",
     "text_en": "Deputy in charge of the field where a very/especially serious act of corruption happened: "
                "dismissal from post."},
    # --- joint responsibility for other violations: the force's own regulation, capped by the violator ---
    {"code": "LD-H1", "applies_to": "head", "trigger": "severity", "severities": _LESS_UP, "form": "phe_binh",
     "categories": _N, "cap_at_violator": True, "basis": FORCE,
     "text_vi": "Người đứng đầu đơn vị có cán bộ vi phạm: kiểm điểm, phê bình (không nặng hơn người vi phạm).",
     "text_en": "Head of a unit where a subordinate violated: self-criticism and criticism "
                "(never heavier than the violator)."},
    {"code": "LD-H2", "applies_to": "head", "trigger": "count", "severities": _SERIOUS_UP, "min_count": 2,
     "window_days": 365, "form": "ha_bac_thi_dua", "categories": _N, "cap_at_violator": True, "basis": FORCE,
     "text_vi": "Đơn vị lặp lại vi phạm nghiêm trọng trở lên (từ 2 trong 12 tháng): người đứng đầu tăng một bậc, "
                "hạ bậc danh hiệu thi đua năm (không nặng hơn người vi phạm).",
     "text_en": "The unit repeated serious or worse violations (2 or more within 12 months): the head one rung up, "
                "yearly emulation title lowered (never heavier than the violator)."},
    {"code": "LD-D1", "applies_to": "deputy", "trigger": "severity", "severities": _LESS_UP, "form": "phe_binh",
     "categories": _N, "cap_at_violator": True, "basis": FORCE,
     "text_vi": "Cấp phó phụ trách lĩnh vực có cán bộ vi phạm trong lĩnh vực mình phụ trách: kiểm điểm, phê bình "
                "(không nặng hơn người vi phạm).",
     "text_en": "Deputy in charge of the field where a subordinate violated: self-criticism and criticism "
                "(never heavier than the violator)."},
    {"code": "LD-D2", "applies_to": "deputy", "trigger": "count", "severities": _SERIOUS_UP, "min_count": 2,
     "window_days": 365, "form": "ha_bac_thi_dua", "categories": _N, "cap_at_violator": True, "basis": FORCE,
     "text_vi": "Lĩnh vực do cấp phó phụ trách lặp lại vi phạm nghiêm trọng trở lên (từ 2 trong 12 tháng): "
                "hạ bậc danh hiệu thi đua năm (không nặng hơn người vi phạm).",
     "text_en": "The deputy's field repeated serious or worse violations (2 or more within 12 months): "
                "yearly emulation title lowered (never heavier than the violator)."},
    {"code": "LD-U1", "applies_to": "upper_head", "trigger": "severity", "severities": _VERY_UP, "form": "phe_binh",
     "categories": _N, "cap_at_violator": True, "basis": FORCE,
     "text_vi": "Người đứng đầu cấp trên trực tiếp khi đơn vị trực thuộc có vi phạm rất/đặc biệt nghiêm trọng: "
                "kiểm điểm, phê bình (không nặng hơn người vi phạm).",
     "text_en": "Head one level up when the directly subordinate unit has a very/especially serious violation: "
                "self-criticism and criticism (never heavier than the violator)."},
    {"code": "LD-U2", "applies_to": "upper_head", "trigger": "count", "severities": _SERIOUS_UP, "min_count": 2,
     "window_days": 365, "form": "ha_bac_thi_dua", "categories": _N, "cap_at_violator": True, "basis": FORCE,
     "text_vi": "Người đứng đầu cấp trên trực tiếp khi cùng một đơn vị trực thuộc lặp lại vi phạm nghiêm trọng trở lên "
                "(từ 2 trong 12 tháng): hạ bậc danh hiệu thi đua năm (không nặng hơn người vi phạm).",
     "text_en": "Head one level up when the same directly subordinate unit repeated serious or worse violations "
                "(2 or more within 12 months): yearly emulation title lowered (never heavier than the violator)."},
    # --- heads who knew and did not act, or covered up, are handled as violators ---
    {"code": "K1", "applies_to": "head", "trigger": "knew_not_act", "as_violator": True, "basis": ND59 + "; " + FORCE,
     "text_vi": "Người đứng đầu biết vi phạm mà không xử lý: xử lý như người vi phạm.",
     "text_en": "Head who knew of the violation and did not act: handled as a violator."},
    {"code": "K2", "applies_to": "head", "trigger": "covered_up", "as_violator": True, "basis": ND59 + "; " + FORCE,
     "text_vi": "Người đứng đầu bao che vi phạm: xử lý như người vi phạm.",
     "text_en": "Head who covered up the violation: handled as a violator."},
    {"code": "K3", "applies_to": "deputy", "trigger": "knew_not_act", "as_violator": True,
     "basis": ND59 + "; " + FORCE,
     "text_vi": "Cấp phó phụ trách biết vi phạm mà không xử lý: xử lý như người vi phạm.",
     "text_en": "Deputy in charge who knew of the violation and did not act: handled as a violator."},
    {"code": "K4", "applies_to": "deputy", "trigger": "covered_up", "as_violator": True, "basis": ND59 + "; " + FORCE,
     "text_vi": "Cấp phó phụ trách bao che vi phạm: xử lý như người vi phạm.",
     "text_en": "Deputy in charge who covered up the violation: handled as a violator."},
    # --- the violator's own handling, by severity ---
    {"code": "V1", "applies_to": "violator", "trigger": "severity", "severities": _LESS, "form": "khien_trach",
     "basis": TT02, "text_vi": "Vi phạm ít nghiêm trọng: khiển trách.", "text_en": "Less-serious violation: reprimand."},
    {"code": "V2", "applies_to": "violator", "trigger": "severity", "severities": ["serious"], "form": "canh_cao",
     "basis": TT02, "text_vi": "Vi phạm nghiêm trọng: cảnh cáo.", "text_en": "Serious violation: warning."},
    {"code": "V3", "applies_to": "violator", "trigger": "severity", "severities": ["very_serious"],
     "form": "giang_cap", "basis": TT02,
     "text_vi": "Vi phạm rất nghiêm trọng: giáng cấp bậc hàm.", "text_en": "Very serious violation: demotion in rank."},
    {"code": "V4", "applies_to": "violator", "trigger": "severity", "severities": ["especially_serious"],
     "form": "tuoc_danh_hieu", "basis": TT02,
     "text_vi": "Vi phạm đặc biệt nghiêm trọng: tước danh hiệu Công an nhân dân.",
     "text_en": "Especially serious violation: stripped of the People's Public Security title."},
    # --- a unit as the subject of a case ---
    {"code": "N1", "applies_to": "unit", "trigger": "severity", "severities": _LESS, "form": "don_vi_phe_binh",
     "basis": FORCE_UNIT, "text_vi": "Đơn vị có vi phạm ít nghiêm trọng: phê bình.",
     "text_en": "Unit with a less-serious violation: criticism."},
    {"code": "N2", "applies_to": "unit", "trigger": "severity", "severities": ["serious"], "form": "don_vi_ha_bac",
     "basis": FORCE_UNIT, "text_vi": "Đơn vị có vi phạm nghiêm trọng: hạ bậc danh hiệu thi đua năm.",
     "text_en": "Unit with a serious violation: yearly emulation title lowered."},
    {"code": "N3", "applies_to": "unit", "trigger": "severity", "severities": _VERY_UP,
     "form": "don_vi_khong_xet_tang", "basis": FORCE_UNIT,
     "text_vi": "Đơn vị có vi phạm rất/đặc biệt nghiêm trọng: không xét tặng danh hiệu thi đua.",
     "text_en": "Unit with a very/especially serious violation: not considered for an emulation title."},
]

# Category policies, by finding-category code: corruption categories get the NĐ 59/2019 ladder;
# some violations have no limitation (Luật CBCC art. 80(2) as amended 2019).
CATEGORY_POLICIES: list[dict[str, Any]] = [
    {"category_code": "THU_PHI", "is_corruption": True, "no_limitation": False,
     "basis": "Luật Phòng, chống tham nhũng 2018, Điều 2 (nhũng nhiễu vì vụ lợi, nhận hối lộ)",
     "note": "Thu tiền, phí ngoài quy định được xếp nhóm tham nhũng (mặc định, cần xác nhận)."},
    {"category_code": "BAO_VE_CTNB", "is_corruption": False, "no_limitation": True,
     "basis": CBCC80 + " khoản 2 điểm b", "note": "Vi phạm quy định về công tác bảo vệ chính trị nội bộ."},
    {"category_code": "AN_NINH_QG", "is_corruption": False, "no_limitation": True,
     "basis": CBCC80 + " khoản 2 điểm c",
     "note": "Xâm hại lợi ích quốc gia trong lĩnh vực quốc phòng, an ninh, đối ngoại."},
    {"category_code": "VAN_BANG_GIA", "is_corruption": False, "no_limitation": True,
     "basis": CBCC80 + " khoản 2 điểm d", "note": "Sử dụng văn bằng, chứng chỉ, giấy chứng nhận giả hoặc không hợp pháp."},
]

RULESET_PARAMS: dict[str, Any] = {
    "repeat_window_days": 365, "limitation_warn_days": 90, "restart_on_new_violation": False,
    "handling_days": 90, "handling_days_complex": 150, "complaint_days": 15, "second_complaint_days": 10,
    "complaint_accept_days": 10, "complaint_answer_days": 30, "complaint_answer_days_complex": 45,
    "second_answer_days": 45, "second_answer_days_complex": 60,
}
SOURCES: dict[str, str] = {
    "repeat_window_days": TT02_ESC,
    "escalation": TT02_ESC,
    "limitation": CBCC80 + " khoản 1 (2 năm đến mức khiển trách, 5 năm trên mức khiển trách); " + ND112,
    "restart_on_new_violation": "Quy định của Công an tỉnh (mặc định: không tính lại thời hiệu)",
    "handling_days": CBCC80 + " khoản 3 (90 ngày)",
    "handling_days_complex": CBCC80 + " khoản 3 (150 ngày đối với vụ việc phức tạp)",
    "complaint_days": KN2011_1,
    "second_complaint_days": KN2011_2,
    "complaint_accept_days": KN2011_ACCEPT,
    "complaint_answer_days": KN2011_ANSWER,
    "complaint_answer_days_complex": KN2011_ANSWER,
    "second_answer_days": KN2011_ANSWER2,
    "second_answer_days_complex": KN2011_ANSWER2,
    "council": COUNCIL,
    "self_detection": PCTN73,
    "officer_ladder": TT02,
    "unit_ladder": FORCE_UNIT,
}

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
        "sources": dict(SOURCES),
        "note": ("Bộ quy tắc theo DESIGN.md dùng chung (../shared/DESIGN.md, đã sửa): căn cứ pháp lý từng quy tắc / "
                 "Rules of the shared DESIGN.md (../shared/DESIGN.md, as corrected) with their legal basis"),
        "forms": [
            {"subject_kind": kind, "level": i + 1, "code": c, "name_vi": vi, "name_en": en, "limitation_years": y,
             "requires_council": council, "basis": SOURCES["officer_ladder" if kind == "officer" else "unit_ladder"]}
            for kind, ladder in (("officer", OFFICER_LADDER), ("unit", UNIT_LADDER))
            for i, (c, vi, en, y, council) in enumerate(ladder)
        ],
        "rules": [
            {"min_count": 1, "window_days": None, "as_violator": False, "form": None, "severities": SEVERITIES,
             "categories": "all", "cap_at_violator": False, **rule, "position": i + 1}
            for i, rule in enumerate(RULES)
        ],
        "category_policies": [dict(p) for p in CATEGORY_POLICIES],
    }
