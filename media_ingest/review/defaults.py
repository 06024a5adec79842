"""The seeded tag taxonomy (also applied by migration 0002; admins change it through the API)."""
from __future__ import annotations

TAG_LABELS: list[tuple[str, str, str, str]] = [
    # code, Vietnamese, English, description
    ("officer_absent", "Vắng mặt tại quầy", "Officer absent",
     "Cán bộ rời quầy trong giờ làm việc khi có công dân chờ."),
    ("unofficial_fee", "Đòi tiền ngoài quy định", "Unofficial fee request",
     "Yêu cầu, gợi ý hoặc nhận tiền, quà ngoài phí, lệ phí quy định."),
    ("rude_conduct", "Thái độ không đúng mực", "Rude conduct",
     "Quát nạt, thờ ơ, gây khó dễ với công dân."),
    ("procedure_violation", "Sai quy trình", "Procedure violation",
     "Không tiếp nhận, không hướng dẫn, không viết phiếu hẹn, sai trình tự thủ tục."),
    ("queue_jumping", "Chen ngang", "Queue jumping",
     "Giải quyết hồ sơ không theo thứ tự, ưu tiên người quen."),
    ("tamper", "Che camera", "Camera tamper",
     "Che, xoay, làm mờ hoặc tắt camera."),
    ("other", "Khác", "Other", "Hành vi khác cần xem xét."),
]
