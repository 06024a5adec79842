"""Issue 17: move every inspection.FindingEvidence row (files, report photos, pointers to footage,
notes) into review.EvidenceItem, the one evidence model, before inspection 0017 drops the old table.

Nothing is lost: each row keeps its finding, file key, name, size, SHA-256, report photo, pointer,
description (as the note), who added it and when; `moved_from` keeps its old id, which audit events
written before the move name; `attached_in` is "finding", so who sees it stays as before. The new
id is random (EvidenceItem's default, backend.core.ids.random_id, since review 0010). The count is checked before the migration commits."""

from django.db import migrations

# FindingEvidence.kind -> EvidenceItem.kind
KINDS = {"file": "file", "report_evidence": "report_photo", "media": "note", "note": "note"}


def _moved(old, EvidenceItem):
    kind = KINDS.get(old.kind, "note")
    report = old.report_evidence
    if kind == "report_photo" and report is None:
        kind = "file"
    key = old.key or (report.key if report is not None else "")
    if kind in ("file", "report_photo") and not key:
        kind = "note"  # a file row without a file: kept as a note, with whatever it said
    return EvidenceItem(
        finding_id=old.finding_id, kind=kind, attached_in="finding", file_key=key, filename=old.filename,
        content_type=report.content_type if report is not None else "", size_bytes=old.size,
        sha256=old.sha256, report_evidence=report if kind == "report_photo" else None,
        media_ref=old.media_ref, note=old.description, moved_from=old.pk, added_by_id=old.added_by_id,
        added_at=old.added_at)


def forwards(apps, schema_editor):
    FindingEvidence = apps.get_model("inspection", "FindingEvidence")
    EvidenceItem = apps.get_model("review", "EvidenceItem")
    old_rows = list(FindingEvidence.objects.select_related("report_evidence").order_by("id"))
    for old in old_rows:
        _moved(old, EvidenceItem).save(force_insert=True)
    moved = EvidenceItem.objects.filter(moved_from__isnull=False).count()
    if moved != len(old_rows):
        raise RuntimeError(f"evidence move: {len(old_rows)} rows to move, {moved} moved")


BACK = {"file": "file", "report_photo": "report_evidence", "note": "note"}


def backwards(apps, schema_editor):
    """Put the finding page's items back into FindingEvidence (new ids); reviewers' items stay."""
    FindingEvidence = apps.get_model("inspection", "FindingEvidence")
    EvidenceItem = apps.get_model("review", "EvidenceItem")
    rows = EvidenceItem.objects.filter(attached_in="finding").order_by("added_at", "id")
    for item in rows:
        kind = "media" if item.kind == "note" and item.media_ref else BACK.get(item.kind, "note")
        back = FindingEvidence.objects.create(
            finding_id=item.finding_id, kind=kind, key=item.file_key, filename=item.filename, size=item.size_bytes,
            sha256=item.sha256, report_evidence_id=item.report_evidence_id, media_ref=item.media_ref,
            description=item.note, added_by_id=item.added_by_id)
        FindingEvidence.objects.filter(pk=back.pk).update(added_at=item.added_at)  # auto_now_add on create
    rows.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('inspection', '0015_finding_random_ids'),
        ('review', '0011_i17_one_evidence_model'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
