"""Seed data kept as data: the default one-stop counter criteria set, the finding catalogue,
the default risk model. Loaded by services (criteria_set_import, catalogue_seed) and the demo."""
from __future__ import annotations

from typing import Any

DEFAULT_CRITERIA_CODE = "MOT-CUA"

# A tree: groups (no points of their own) with leaf criteria; leaves carry the points (total 100).
DEFAULT_CRITERIA: dict[str, Any] = {
    "code": DEFAULT_CRITERIA_CODE,
    "name": "Bộ tiêu chí kiểm tra bộ phận một cửa Công an cấp xã",
    "description": "Kiểm tra đột xuất việc tiếp nhận, giải quyết thủ tục hành chính tại bộ phận một cửa.",
    "criteria": [
        {"code": "1", "text": "Bố trí cán bộ và thời gian làm việc", "text_en": "Staffing and working hours",
         "children": [
             {"code": "1.1", "text": "Cán bộ có mặt tại quầy trong giờ làm việc",
              "text_en": "Officer present at the counter during opening hours", "max_points": 8, "weight": 1,
              "critical": True},
             {"code": "1.2", "text": "Mở cửa, đóng cửa đúng giờ niêm yết",
              "text_en": "Counter opens and closes at the posted hours", "max_points": 4},
             {"code": "1.3", "text": "Có phân công cán bộ trực thay khi vắng mặt",
              "text_en": "A stand-in is assigned when the officer is away", "max_points": 3},
             {"code": "1.4", "text": "Trang phục, cấp hiệu, biển tên đúng quy định",
              "text_en": "Uniform, insignia and name badge as required", "max_points": 4},
         ]},
        {"code": "2", "text": "Công khai, niêm yết", "text_en": "Public posting",
         "children": [
             {"code": "2.1", "text": "Niêm yết đầy đủ thủ tục hành chính, thành phần hồ sơ",
              "text_en": "Administrative procedures and required documents posted", "max_points": 5},
             {"code": "2.2", "text": "Niêm yết công khai mức phí, lệ phí",
              "text_en": "Fees and charges publicly posted", "max_points": 5},
             {"code": "2.3", "text": "Niêm yết số điện thoại đường dây nóng tiếp nhận phản ánh",
              "text_en": "Hotline number for complaints posted", "max_points": 3},
             {"code": "2.4", "text": "Niêm yết lịch làm việc, họ tên cán bộ tiếp nhận",
              "text_en": "Working schedule and names of receiving officers posted", "max_points": 2},
         ]},
        {"code": "3", "text": "Thu phí, lệ phí", "text_en": "Fees",
         "children": [
             {"code": "3.1", "text": "Không thu tiền ngoài quy định, không nhận quà, tiền của công dân",
              "text_en": "No unofficial fees, gifts or money taken from citizens", "max_points": 10,
              "weight": 1, "critical": True},
             {"code": "3.2", "text": "Thu đúng mức phí, lệ phí và có biên lai",
              "text_en": "Correct fees collected with receipts", "max_points": 5},
             {"code": "3.3", "text": "Sổ theo dõi thu phí, biên lai lưu đầy đủ, khớp số liệu",
              "text_en": "Fee ledger and receipt stubs complete and reconciled", "max_points": 4},
         ]},
        {"code": "4", "text": "Tiếp nhận, giải quyết hồ sơ", "text_en": "Handling of applications",
         "children": [
             {"code": "4.1", "text": "Tiếp nhận hồ sơ đúng quy trình, có phiếu hẹn",
              "text_en": "Applications received per procedure with appointment slips", "max_points": 5},
             {"code": "4.2", "text": "Không yêu cầu thêm giấy tờ ngoài quy định",
              "text_en": "No documents demanded beyond the regulations", "max_points": 5},
             {"code": "4.3", "text": "Giải quyết đúng hoặc trước thời hạn",
              "text_en": "Processing times kept", "max_points": 6},
             {"code": "4.4", "text": "Hồ sơ trễ hạn có văn bản xin lỗi, hẹn lại",
              "text_en": "Late cases have an apology letter and a new date", "max_points": 3},
             {"code": "4.5", "text": "Sổ theo dõi hồ sơ, phần mềm cập nhật đầy đủ",
              "text_en": "Records register and software kept up to date", "max_points": 4},
             {"code": "4.6", "text": "Lưu trữ hồ sơ đúng quy định, bảo mật thông tin công dân",
              "text_en": "Files archived properly, citizens' data protected", "max_points": 3},
         ]},
        {"code": "5", "text": "Thái độ, tác phong", "text_en": "Attitude and conduct",
         "children": [
             {"code": "5.1", "text": "Thái độ niềm nở, tôn trọng, hướng dẫn tận tình",
              "text_en": "Courteous, respectful and helpful attitude", "max_points": 5},
             {"code": "5.2", "text": "Không gây phiền hà, sách nhiễu công dân",
              "text_en": "No harassment or obstruction of citizens", "max_points": 5, "critical": True},
             {"code": "5.3", "text": "Không sử dụng điện thoại, làm việc riêng khi tiếp dân",
              "text_en": "No phone use or private business while serving citizens", "max_points": 2},
         ]},
        {"code": "6", "text": "Cơ sở vật chất, thiết bị", "text_en": "Facilities and equipment",
         "children": [
             {"code": "6.1", "text": "Thiết bị đánh giá mức độ hài lòng hoạt động",
              "text_en": "Satisfaction rating device working", "max_points": 3},
             {"code": "6.2", "text": "Camera giám sát hoạt động, không bị che khuất",
              "text_en": "Surveillance camera working and unobstructed", "max_points": 4, "critical": True},
             {"code": "6.3", "text": "Có ghế ngồi, nước uống, bàn viết hồ sơ cho công dân",
              "text_en": "Seating, water and a writing desk for citizens", "max_points": 2},
         ]},
    ],
}

# The kind of violation a failed criterion of the default set is filed as (its finding form starts from it).
DEFAULT_CRITERIA_CATEGORIES: dict[str, str] = {
    "1.1": "VANG_MAT", "1.2": "VANG_MAT", "1.3": "VANG_MAT", "1.4": "THAI_DO", "2.1": "NIEM_YET", "2.2": "NIEM_YET",
    "2.3": "NIEM_YET", "2.4": "NIEM_YET", "3.1": "THU_PHI", "3.2": "THU_PHI", "3.3": "HO_SO", "4.1": "SAI_QUY_TRINH",
    "4.2": "SACH_NHIEU", "4.3": "TRE_HAN", "4.4": "TRE_HAN", "4.5": "HO_SO", "4.6": "BAO_MAT", "5.1": "THAI_DO",
    "5.2": "SACH_NHIEU", "5.3": "THAI_DO", "6.1": "THIET_BI", "6.2": "CAMERA_CHE", "6.3": "THIET_BI",
}


def _with_categories(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**n, **({"children": _with_categories(n["children"])} if n.get("children") else {}),
             **({"category": DEFAULT_CRITERIA_CATEGORIES[n["code"]]} if n["code"] in DEFAULT_CRITERIA_CATEGORIES else {})}
            for n in nodes]


DEFAULT_CRITERIA["criteria"] = _with_categories(DEFAULT_CRITERIA["criteria"])

# code, name_vi, name_en, default severity, deduction points per confirmed finding
DEFAULT_CATEGORIES: list[tuple[str, str, str, str, float]] = [
    ("VANG_MAT", "Vắng mặt tại quầy trong giờ làm việc", "Officer absent from the counter",
     "less_serious", 2),
    ("THU_PHI", "Thu tiền, phí ngoài quy định", "Unofficial fee taken", "serious", 10),
    ("THAI_DO", "Thái độ, tác phong không đúng mực", "Attitude / conduct", "less_serious", 2),
    ("SACH_NHIEU", "Gây phiền hà, sách nhiễu công dân", "Harassment of citizens", "serious", 8),
    ("SAI_QUY_TRINH", "Sai quy trình tiếp nhận, giải quyết", "Procedure violation", "less_serious", 3),
    ("TRE_HAN", "Giải quyết hồ sơ trễ hạn", "Processing time exceeded", "less_serious", 2),
    ("HO_SO", "Hồ sơ, sổ sách không đầy đủ", "Records / receipts not in order", "less_serious", 2),
    ("NIEM_YET", "Không niêm yết công khai theo quy định", "Posting missing", "less_serious", 1),
    ("THIET_BI", "Thiết bị đánh giá, trang thiết bị hỏng", "Equipment not working", "less_serious", 1),
    ("CAMERA_CHE", "Camera bị che, bị can thiệp", "Camera obstructed / tampered", "serious", 6),
    ("BAO_MAT", "Lộ, lọt thông tin công dân", "Citizens' data disclosed", "very_serious", 12),
    ("GIAO_THONG", "Xử lý vi phạm trật tự, an toàn giao thông không đúng quy định",
     "Traffic violation handled against the rules", "serious", 6),
    ("KHAC", "Vi phạm khác", "Other violation", "less_serious", 1),
    # no limitation period (Luật CBCC art. 80(2) b, c, d as amended 2019): the rule set's category
    # policies (inspection/accountability/defaults.py) flag them, so such a finding is never time-barred
    ("BAO_VE_CTNB", "Vi phạm quy định về công tác bảo vệ chính trị nội bộ",
     "Breach of the rules on internal political protection", "serious", 8),
    ("AN_NINH_QG", "Xâm hại lợi ích quốc gia trong lĩnh vực quốc phòng, an ninh, đối ngoại",
     "Harm to national interests in defence, security or foreign affairs", "very_serious", 12),
    ("VAN_BANG_GIA", "Sử dụng văn bằng, chứng chỉ, giấy chứng nhận giả hoặc không hợp pháp",
     "Use of a forged or unlawful diploma, certificate or attestation", "serious", 8),
]

# The field(s) of charge (backend/org/defaults.py) each category belongs to: the deputy in charge of
# one of them answers for a finding of the category. "KHAC" (other) belongs to no field until the
# admin says which: no deputy answers for it, the trace says so.
CATEGORY_FIELDS: dict[str, list[str]] = {
    **{code: ["HANH_CHINH"] for code in ("VANG_MAT", "THU_PHI", "THAI_DO", "SACH_NHIEU", "SAI_QUY_TRINH",
                                         "TRE_HAN", "HO_SO", "NIEM_YET", "THIET_BI", "CAMERA_CHE", "BAO_MAT")},
    "GIAO_THONG": ["GIAO_THONG"],
    "KHAC": [],
    "BAO_VE_CTNB": ["XDLL"],
    "AN_NINH_QG": ["AN_NINH"],
    "VAN_BANG_GIA": ["XDLL"],
}

# The risk model in force when no RiskWeights row exists yet.
DEFAULT_RISK_WEIGHTS: dict[str, float] = {
    "base": 1.0,                  # every unit keeps a chance of being drawn
    "complaints": 2.0,            # per complaint (decayed by age)
    "unsatisfied_ratings": 0.0,   # per rating with score <= 2 (decayed): shown, not weighted (a busy counter
                                  # gets more low ratings for the same service; the rate below is fair)
    "unsatisfied_per_1000": 0.5,  # per rating <= 2 per 1,000 transactions served (decayed): 40 per 1,000
                                  # (4% of those served leave unhappy) = 20 points, like 40 months unchecked
    "findings": 1.5,              # per confirmed finding x severity order 1..4 (decayed)
    "months_since_check": 0.5,    # per month since the unit was last checked (capped)
    "footage_absent": 0.3,        # per officer_absent clip event (decayed)
    "footage_tamper": 1.0,        # per tamper clip event (decayed)
}
DEFAULT_RISK_PARAMS: dict[str, float] = {
    "lookback_days": 365,
    "half_life_days": 90,
    "months_since_check_cap": 24,
}


# A report is flagged for review when more than this share of the criteria set's leaf criteria
# (by count) is marked not applicable: a near-empty report must not read as a full score.
REPORT_NOT_APPLICABLE_FLAG_SHARE = 0.25

# Ratings: more than RATING_BURST_MAX ratings from one device within RATING_BURST_SECONDS cannot come
# from citizens served one after another at one counter; they are held for review and not counted.
RATING_BURST_MAX = 3
RATING_BURST_SECONDS = 60
