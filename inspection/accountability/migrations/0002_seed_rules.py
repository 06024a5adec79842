"""Seed scoring policy v1 from DESIGN.md (see inspection/accountability/defaults.py)."""
from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from inspection.accountability.defaults import SCORING_POLICY

    ScoringPolicy = apps.get_model("accountability", "ScoringPolicy")
    now = timezone.now()
    # The rule set itself is seeded by 0004 (rules with their legal basis, DESIGN.md as corrected);
    # databases migrated before that keep the v1 written here earlier and get the corrected rules as v2.
    if not ScoringPolicy.objects.exists():
        ScoringPolicy.objects.create(version=1, note="Khởi tạo / Seeded", created_at=now, **SCORING_POLICY)


class Migration(migrations.Migration):
    dependencies = [("accountability", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
