"""Seed the rule set of DESIGN.md as corrected (issue 12): every rule with its legal basis, the
categories it applies to and its bound; the officer ladder one form per rung; the periods with
their sources; category policies (corruption, no limitation).

A fresh database gets it as v1. A database that already holds the earlier rules (seeded from
"DESIGN.md" without a legal basis) gets it as the next version: the old version stays, because
traces, liabilities and cases keep the version they were made under.
"""
from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from inspection.accountability.defaults import ruleset_payload

    RuleSet = apps.get_model("accountability", "RuleSet")
    LadderForm = apps.get_model("accountability", "LadderForm")
    Rule = apps.get_model("accountability", "Rule")
    CategoryPolicy = apps.get_model("accountability", "CategoryPolicy")
    current = RuleSet.objects.order_by("-version").first()
    if current is not None and Rule.objects.filter(ruleset=current, categories="corruption").exists():
        return
    data = ruleset_payload()
    ruleset = RuleSet.objects.create(
        version=current.version + 1 if current else 1, note=data["note"], based_on=current,
        created_at=timezone.now(), sources=data["sources"],
        **{k: data[k] for k in ("repeat_window_days", "limitation_warn_days", "restart_on_new_violation",
                                "handling_days", "handling_days_complex", "complaint_days",
                                "second_complaint_days")})
    forms = {f["code"]: LadderForm.objects.create(ruleset=ruleset, **f) for f in data["forms"]}
    for r in data["rules"]:
        r = dict(r)
        code = r.pop("form")
        Rule.objects.create(ruleset=ruleset, form=forms[code] if code else None, **r)
    for p in data["category_policies"]:
        CategoryPolicy.objects.create(ruleset=ruleset, **p)


class Migration(migrations.Migration):
    dependencies = [("accountability", "0003_rules_with_basis_periods_council")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
