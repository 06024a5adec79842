from django.db import migrations

LABELS = [
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


def seed(apps, schema_editor):
    TagLabel = apps.get_model("review", "TagLabel")
    for position, (code, vi, en, description) in enumerate(LABELS, start=1):
        TagLabel.objects.get_or_create(code=code, defaults={
            "name_vi": vi, "name_en": en, "description": description, "position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
