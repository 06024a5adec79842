"""Demo organisation: a province in the shape of 2026 (district level abolished, communes merged)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backend.accounts.models import Role, User
from backend.accounts.services import user_create
from backend.core.actors import SystemActor
from backend.org import services_devices, services_officers, services_units
from backend.org.defaults import FIELDS_OF_CHARGE
from backend.org.models import FieldOfCharge, Officer, Unit

DEMO_PASSWORD = "Demo@12345"
DEMO_USERS = [
    # username, role, full name, officer service number, scope unit code
    ("admin", Role.ADMIN, "Quản trị hệ thống", None, None),
    ("lead", Role.INSPECTION_LEAD, "Đặng Văn Bình", "NA-1002", None),
    ("inspector", Role.INSPECTOR, "Võ Thanh Tùng", "NA-1003", None),
    ("reviewer", Role.REVIEWER, "Ngô Thị Mai", "NA-1004", None),
    ("discipline", Role.DISCIPLINARY, "Bùi Quang Huy", "NA-1005", None),
    ("unithead", Role.UNIT_HEAD, "Trần Minh Đức", "NA-2102", "CAX-TC"),
]

# (zones in 0..1, the layout of the demo footage made by media_ingest/vision/synth.py:
#  the officer's seat on the left half, the citizens' side of the counter on the right half)
DEMO_ZONES = [
    {"name": "officer", "points": [[0.02, 0.08], [0.46, 0.08], [0.46, 0.9], [0.02, 0.9]]},
    {"name": "citizen", "points": [[0.54, 0.08], [0.98, 0.08], [0.98, 1.0], [0.54, 1.0]]},
]
HOURS = {"mon-fri": [["07:30", "11:30"], ["13:30", "17:00"]], "sat": [["07:30", "11:30"]]}


@dataclass
class DemoContext:
    """Handed from one app's demo seeder to the next."""

    units: dict[str, Unit] = field(default_factory=dict)
    officers: dict[str, Officer] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


MERGER_2025 = "Sắp xếp đơn vị hành chính cấp xã từ 01/07/2025"


# Long on purpose: the demo organisation as data, in the order a person would build it; no rule lives here.
def seed(ctx: DemoContext) -> None:
    by = SystemActor("seed_demo")
    d = date
    # The fields are seeded by migration; a test database flushed between tests has lost them.
    for position, (code, name_vi, name_en, description) in enumerate(FIELDS_OF_CHARGE, start=1):
        FieldOfCharge.objects.get_or_create(code=code, defaults={
            "name_vi": name_vi, "name_en": name_en, "description": description, "position": position})

    def unit(code: str, name: str, level: str, parent: str | None, start: date,
             end: date | None = None) -> Unit:
        ctx.units[code] = services_units.unit_create(by=by, code=code, name=name, level=level,
                                                     parent=ctx.units[parent] if parent else None,
                                                     valid_from=start, valid_to=end)
        return ctx.units[code]

    services_officers.fields_of_charge_seed(by=by)
    unit("CAT-NA", "Công an tỉnh Nghệ An", "province", None, d(2000, 1, 1))
    unit("PV01", "Phòng Tham mưu", "department", "CAT-NA", d(2000, 1, 1))
    unit("PC06", "Phòng Cảnh sát quản lý hành chính về trật tự xã hội", "department", "CAT-NA", d(2000, 1, 1))
    unit("PX03", "Phòng Thanh tra Công an tỉnh", "department", "CAT-NA", d(2000, 1, 1))
    # District level, abolished on 1 March 2025
    unit("CAH-TC", "Công an huyện Thanh Chương", "district", "CAT-NA", d(2000, 1, 1), d(2025, 2, 28))
    unit("CAH-ND", "Công an huyện Nam Đàn", "district", "CAT-NA", d(2000, 1, 1), d(2025, 2, 28))
    # Communes before the July 2025 merger
    unit("CAX-TTTC", "Công an thị trấn Thanh Chương", "commune", "CAH-TC", d(2000, 1, 1))
    unit("CAX-TD", "Công an xã Thanh Đồng", "commune", "CAH-TC", d(2000, 1, 1))
    unit("CAX-TN", "Công an xã Thanh Ngọc", "commune", "CAH-TC", d(2000, 1, 1))
    unit("CAX-TTND", "Công an thị trấn Nam Đàn", "commune", "CAH-ND", d(2000, 1, 1))
    unit("CAX-KL", "Công an xã Kim Liên", "commune", "CAH-ND", d(2000, 1, 1))
    for code in ("CAX-TTTC", "CAX-TD", "CAX-TN", "CAX-TTND", "CAX-KL"):
        services_units.unit_reparent(by=by, unit=ctx.units[code], parent=ctx.units["CAT-NA"], on=d(2025, 3, 1))

    def officer(sn: str, name: str, rank: str) -> Officer:
        ctx.officers[sn] = services_officers.officer_create(by=by, service_number=sn, full_name=name, rank=rank)
        return ctx.officers[sn]

    def assign(sn: str, code: str, position: str, start: date, end: date | None = None,
               field: str | None = None, **flags: Any) -> None:
        services_officers.assignment_create(by=by, officer=ctx.officers[sn], unit=ctx.units[code],
                                            position=position, valid_from=start, valid_to=end,
                                            field=FieldOfCharge.objects.get(code=field) if field else None, **flags)

    officer("NA-1001", "Nguyễn Đức Thắng", "Thiếu tướng")
    officer("NA-1002", "Đặng Văn Bình", "Trung tá")
    officer("NA-1003", "Võ Thanh Tùng", "Đại úy")
    officer("NA-1004", "Ngô Thị Mai", "Thượng úy")
    officer("NA-1005", "Bùi Quang Huy", "Thiếu tá")
    officer("NA-1010", "Phan Văn Long", "Đại tá")
    officer("NA-1011", "Lê Văn Sơn", "Thượng tá")
    officer("NA-1012", "Hồ Sỹ Nam", "Thượng tá")
    officer("NA-2101", "Nguyễn Văn Hùng", "Thượng tá")
    officer("NA-2102", "Trần Minh Đức", "Trung tá")
    officer("NA-2103", "Lê Thị Hoa", "Thiếu tá")
    officer("NA-2104", "Phạm Quốc Anh", "Đại úy")
    officer("NA-2105", "Hoàng Thị Lan", "Thượng úy")
    officer("NA-2106", "Nguyễn Văn Phúc", "Thiếu tá")
    officer("NA-2201", "Trần Văn Kiên", "Thiếu tá")
    officer("NA-2202", "Nguyễn Thị Thu", "Đại úy")
    officer("NA-2301", "Đinh Công Tráng", "Trung tá")
    officer("NA-2302", "Võ Thị Hằng", "Thượng úy")

    assign("NA-1001", "CAT-NA", "Giám đốc", d(2022, 1, 1), is_head=True)
    assign("NA-1010", "PX03", "Trưởng phòng", d(2021, 6, 1), is_head=True)
    assign("NA-1002", "PX03", "Tổ trưởng tổ kiểm tra đặc biệt", d(2023, 1, 1))
    assign("NA-1003", "CAX-KL", "Cán bộ", d(2019, 1, 1), d(2023, 12, 31))
    assign("NA-1003", "PX03", "Cán bộ kiểm tra", d(2024, 1, 1))
    assign("NA-1004", "PX03", "Cán bộ xem xét hình ảnh", d(2024, 1, 1))
    assign("NA-1005", "PX03", "Cán bộ kỷ luật", d(2022, 1, 1))
    assign("NA-1011", "CAH-TC", "Trưởng Công an huyện", d(2020, 1, 1), d(2025, 2, 28), is_head=True)
    assign("NA-1012", "CAH-ND", "Trưởng Công an huyện", d(2019, 1, 1), d(2025, 2, 28), is_head=True)
    assign("NA-2101", "CAX-TTTC", "Trưởng Công an thị trấn", d(2021, 1, 1), d(2025, 6, 30), is_head=True)
    assign("NA-2104", "CAX-TTTC", "Cán bộ một cửa", d(2022, 1, 1), d(2025, 6, 30))
    assign("NA-2201", "CAX-TTND", "Trưởng Công an thị trấn", d(2020, 1, 1), d(2025, 6, 30), is_head=True)
    assign("NA-2301", "CAX-KL", "Trưởng Công an xã", d(2021, 3, 1), is_head=True)
    assign("NA-2302", "CAX-KL", "Cán bộ một cửa", d(2022, 3, 1))

    # Merger of 1 July 2025 (entered after the fact: a past date needs a reason)
    unit("CAX-TC", "Công an xã Thanh Chương", "commune", "CAT-NA", d(2025, 7, 1))
    services_units.unit_merge(by=by, units=[ctx.units[c] for c in ("CAX-TTTC", "CAX-TD", "CAX-TN")],
                              into=ctx.units["CAX-TC"], on=d(2025, 7, 1), reason=MERGER_2025)
    unit("CAX-ND", "Công an xã Nam Đàn", "commune", "CAT-NA", d(2025, 7, 1))
    services_units.unit_merge(by=by, units=[ctx.units["CAX-TTND"]], into=ctx.units["CAX-ND"], on=d(2025, 7, 1),
                              reason=MERGER_2025)
    # Thanh Chương: the head changed in March 2026; one deputy is in charge of administration and the
    # one-stop counter, another of traffic (each answers only for findings of his field)
    assign("NA-2101", "CAX-TC", "Trưởng Công an xã", d(2025, 7, 1), d(2026, 3, 15), is_head=True)
    assign("NA-2102", "CAX-TC", "Trưởng Công an xã", d(2026, 3, 16), is_head=True)
    assign("NA-2103", "CAX-TC", "Phó Trưởng Công an xã", d(2025, 7, 1), is_deputy=True, field="HANH_CHINH",
           in_charge_of="Phụ trách hành chính, bộ phận một cửa, cư trú và căn cước")
    assign("NA-2106", "CAX-TC", "Phó Trưởng Công an xã", d(2025, 7, 1), is_deputy=True, field="GIAO_THONG",
           in_charge_of="Phụ trách trật tự, an toàn giao thông")
    assign("NA-2104", "CAX-TC", "Cán bộ một cửa", d(2025, 7, 1))
    assign("NA-2105", "CAX-TC", "Cán bộ một cửa", d(2025, 7, 1))
    assign("NA-2201", "CAX-ND", "Trưởng Công an xã", d(2025, 7, 1), is_head=True)
    assign("NA-2202", "CAX-ND", "Cán bộ một cửa", d(2025, 7, 1))

    for code, cam, name in (("CAX-TC", "CAM-TC-01", "Thanh Chương"), ("CAX-ND", "CAM-ND-01", "Nam Đàn"),
                            ("CAX-KL", "CAM-KL-01", "Kim Liên")):
        counter = services_devices.counter_create(by=by, unit=ctx.units[code], code=f"Q-{code}",
                                                  name=f"Bộ phận một cửa — {name}", opening_hours=HOURS)
        services_devices.camera_create(by=by, counter=counter, code=cam, name=f"Camera quầy một cửa {name}",
                                       zones=DEMO_ZONES)

    for username, role, full_name, sn, scope in DEMO_USERS:
        ctx.users[username] = user_create(
            by=by, username=username, password=DEMO_PASSWORD, role=role, full_name=full_name,
            officer=ctx.officers.get(sn) if sn else None,
            scope_unit=ctx.units[scope] if scope else None,
        )
