# Issue 15: a failed criterion files its finding with a kind of violation (the form starts from it). The
# default one-stop set's criteria get theirs; any other set keeps none until it is imported again with them.

import django.db.models.deletion
from django.db import migrations, models

# inspection.defaults.DEFAULT_CRITERIA_CATEGORIES as of this migration (a migration does not follow later edits)
DEFAULT_SET = "MOT-CUA"
CATEGORIES = {
    "1.1": "VANG_MAT", "1.2": "VANG_MAT", "1.3": "VANG_MAT", "1.4": "THAI_DO", "2.1": "NIEM_YET", "2.2": "NIEM_YET",
    "2.3": "NIEM_YET", "2.4": "NIEM_YET", "3.1": "THU_PHI", "3.2": "THU_PHI", "3.3": "HO_SO", "4.1": "SAI_QUY_TRINH",
    "4.2": "SACH_NHIEU", "4.3": "TRE_HAN", "4.4": "TRE_HAN", "4.5": "HO_SO", "4.6": "BAO_MAT", "5.1": "THAI_DO",
    "5.2": "SACH_NHIEU", "5.3": "THAI_DO", "6.1": "THIET_BI", "6.2": "CAMERA_CHE", "6.3": "THIET_BI",
}


def default_set_categories(apps, schema_editor):
    Criterion = apps.get_model("inspection", "Criterion")
    FindingCategory = apps.get_model("inspection", "FindingCategory")
    by_code = {c.code: c for c in FindingCategory.objects.filter(code__in=set(CATEGORIES.values()))}
    for criterion in Criterion.objects.filter(criteria_set__code=DEFAULT_SET, code__in=CATEGORIES, category=None):
        category = by_code.get(CATEGORIES[criterion.code])
        if category is not None:
            criterion.category = category
            criterion.save(update_fields=["category"])


class Migration(migrations.Migration):

    dependencies = [
        ('inspection', '0017_i17_remove_finding_evidence'),
    ]

    operations = [
        migrations.AddField(
            model_name='criterion',
            name='category',
            field=models.ForeignKey(blank=True, help_text='Kind of violation a failure is filed as', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='inspection.findingcategory'),
        ),
        migrations.RunPython(default_set_categories, migrations.RunPython.noop),
    ]
