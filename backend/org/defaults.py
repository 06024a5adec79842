"""The fields of charge (lĩnh vực phụ trách) of commune police leaders, seeded by migration.

Plain data, no Django import. The force edits the live list through the org API; this is only the
starting point: the usual split of a commune police's work between its deputies.
"""
from __future__ import annotations

# code, name_vi, name_en, description (vi)
FIELDS_OF_CHARGE: list[tuple[str, str, str, str]] = [
    ("HANH_CHINH", "Hành chính, một cửa (cư trú, căn cước)",
     "Administration and the one-stop counter (residence, ID cards)",
     "Tiếp nhận, giải quyết thủ tục hành chính tại bộ phận một cửa: đăng ký, quản lý cư trú, căn cước, "
     "định danh điện tử."),
    ("AN_NINH", "An ninh", "Security",
     "Bảo vệ an ninh quốc gia, an ninh chính trị nội bộ, nắm tình hình an ninh trên địa bàn."),
    ("TRAT_TU", "Trật tự xã hội", "Public order",
     "Phòng, chống tội phạm và tệ nạn xã hội, tiếp nhận tin báo, tố giác tội phạm, quản lý ngành nghề "
     "kinh doanh có điều kiện, vũ khí, vật liệu nổ, công cụ hỗ trợ."),
    ("GIAO_THONG", "Trật tự, an toàn giao thông", "Traffic order and safety",
     "Tuần tra, kiểm soát, xử lý vi phạm trật tự, an toàn giao thông trên địa bàn."),
    ("PCCC", "Phòng cháy, chữa cháy và cứu nạn, cứu hộ", "Fire prevention, firefighting and rescue",
     "Kiểm tra an toàn phòng cháy, chữa cháy; chữa cháy, cứu nạn, cứu hộ ban đầu."),
    ("XDLL", "Xây dựng lực lượng, hậu cần", "Force building and logistics",
     "Công tác cán bộ, điều lệnh, kỷ luật, thi đua; trang bị, phương tiện, hậu cần."),
]
