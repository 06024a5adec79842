"""Seed rule set v1 and scoring policy v1 from DESIGN.md (see inspection/accountability/defaults.py)."""
from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from inspection.accountability.defaults import SCORING_POLICY, ruleset_payload

    RuleSet = apps.get_model("accountability", "RuleSet")
    LadderForm = apps.get_model("accountability", "LadderForm")
    Rule = apps.get_model("accountability", "Rule")
    ScoringPolicy = apps.get_model("accountability", "ScoringPolicy")
    now = timezone.now()
    if not RuleSet.objects.exists():
        data = ruleset_payload()
        ruleset = RuleSet.objects.create(version=1, note=data["note"], created_at=now,
                                         repeat_window_days=data["repeat_window_days"],
                                         limitation_warn_days=data["limitation_warn_days"])
        forms = {}
        for f in data["forms"]:
            forms[f["code"]] = LadderForm.objects.create(ruleset=ruleset, **f)
        for r in data["rules"]:
            r = dict(r)
            code = r.pop("form")
            Rule.objects.create(ruleset=ruleset, form=forms[code] if code else None, **r)
    if not ScoringPolicy.objects.exists():
        ScoringPolicy.objects.create(version=1, note="Khởi tạo / Seeded", created_at=now, **SCORING_POLICY)


class Migration(migrations.Migration):
    dependencies = [("accountability", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
