# Issue 17: a finding's evidence is one model, review.EvidenceItem. Its rows were moved there by
# review 0012 (which this follows); the old table goes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('inspection', '0016_finding_unit_level_reason'),
        ('review', '0012_i17_move_finding_evidence'),
    ]

    operations = [
        migrations.DeleteModel(
            name='FindingEvidence',
        ),
    ]
