"""The three kinds of violation with no limitation period (Luật CBCC art. 80(2) b, c, d) become finding
categories, so a finding of that kind can be filed (and is never time-barred: the rule set's category
policies flag them). Only a catalogue already seeded gets them; a new one gets them from catalogue_seed."""
from decimal import Decimal

from django.db import migrations

NEW = [
    ("BAO_VE_CTNB", "Vi phạm quy định về công tác bảo vệ chính trị nội bộ",
     "Breach of the rules on internal political protection", "serious", "8", ["XDLL"]),
    ("AN_NINH_QG", "Xâm hại lợi ích quốc gia trong lĩnh vực quốc phòng, an ninh, đối ngoại",
     "Harm to national interests in defence, security or foreign affairs", "very_serious", "12", ["AN_NINH"]),
    ("VAN_BANG_GIA", "Sử dụng văn bằng, chứng chỉ, giấy chứng nhận giả hoặc không hợp pháp",
     "Use of a forged or unlawful diploma, certificate or attestation", "serious", "8", ["XDLL"]),
]


def add(apps, schema_editor):
    FindingCategory = apps.get_model("inspection", "FindingCategory")
    FieldOfCharge = apps.get_model("org", "FieldOfCharge")
    if not FindingCategory.objects.exists():
        return
    fields = {f.code: f for f in FieldOfCharge.objects.all()}
    for code, name_vi, name_en, severity, deduction, field_codes in NEW:
        category, created = FindingCategory.objects.get_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "default_severity": severity,
                                 "deduction_points": Decimal(deduction)})
        if created:
            category.fields.set([fields[c] for c in field_codes if c in fields])


class Migration(migrations.Migration):

    dependencies = [
        ("inspection", "0007_merge_field_of_charge_volumes"),
        ("org", "0002_field_of_charge"),
    ]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
