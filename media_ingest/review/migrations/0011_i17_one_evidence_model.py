# Issue 17: EvidenceItem becomes the one evidence model of a finding (kinds tag, file, report photo,
# note); review 0012 moves the old inspection.FindingEvidence rows into it. Its random ids and its
# ordering by time added come from review 0010 (issue 15, backend.core.ids), which this follows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspection', '0015_finding_random_ids'),
        ('media_ingest', '0009_clip_error_code'),
        ('review', '0010_evidence_random_ids'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='evidenceitem',
            name='evidence_kind_matches',
        ),
        migrations.AddField(
            model_name='evidenceitem',
            name='attached_in',
            field=models.CharField(choices=[('review', 'Xem xét hình ảnh'), ('finding', 'Trang vi phạm')], default='review', max_length=10),
        ),
        migrations.AddField(
            model_name='evidenceitem',
            name='media_ref',
            field=models.CharField(blank=True, help_text="A note's pointer to footage in words (e.g. camera and time)", max_length=120),
        ),
        migrations.AddField(
            model_name='evidenceitem',
            name='moved_from',
            field=models.BigIntegerField(blank=True, help_text='The inspection.FindingEvidence id this row was moved from (review 0012): audit events before the move name that id', null=True),
        ),
        migrations.AddField(
            model_name='evidenceitem',
            name='report_evidence',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inspection.reportevidence'),
        ),
        migrations.AlterField(
            model_name='evidenceitem',
            name='finding',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='inspection.finding'),
        ),
        migrations.AlterField(
            model_name='evidenceitem',
            name='kind',
            field=models.CharField(choices=[('tag', 'Đoạn hình ảnh đã gắn thẻ'), ('file', 'Tệp tải lên'), ('report_photo', 'Ảnh, tệp biên bản kiểm tra'), ('note', 'Ghi chú, tham chiếu hình ảnh')], max_length=20),
        ),
        migrations.AddConstraint(
            model_name='evidenceitem',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'tag'), ('tag__isnull', False)), models.Q(('kind', 'file'), models.Q(('file_key', ''), _negated=True)), models.Q(('kind', 'report_photo'), ('report_evidence__isnull', False), models.Q(('file_key', ''), _negated=True)), ('kind', 'note'), _connector='OR'), name='evidence_kind_matches'),
        ),
    ]
