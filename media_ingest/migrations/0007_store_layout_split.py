"""Store layout split (issue 14): footage bucket for camera uploads only.

Moves what earlier installs wrote into the footage bucket (derivatives, minutes, evidence, packages,
case documents) to the app's own store (MINIO_APP_BUCKET; embedded: its own folder), then removes
the documents the reconcile scan had indexed as clips, keeping their custody entries. The object
store must be reachable; the step is idempotent (`manage.py store_layout` runs it again).
"""
from django.db import migrations


def forwards(apps, schema_editor):
    from media_ingest.layout import split

    report = split(apps)
    if report.moved or report.clips_removed or report.clips_kept:
        print(f"\n  store layout: {report.summary()}")


class Migration(migrations.Migration):
    atomic = False  # objects are moved one by one; each index change is its own transaction

    dependencies = [
        ("media_ingest", "0006_clip_failure_transient"),
        ("review", "0002_seed_tag_labels"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
