"""Migration 0005 on a rule set seeded before the regulation number became a setting."""
from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from inspection.accountability import defaults as d
from inspection.accountability.models import LadderForm, Rule, RuleSet

pytestmark = pytest.mark.django_db


def test_an_old_rule_set_cites_the_regulation_by_token_and_the_complaint_article_is_corrected(db: Any) -> None:
    ruleset = RuleSet.objects.get(version=1)
    Rule.objects.filter(ruleset=ruleset, code="LD-H1").update(basis=d.OLD_FORCE)
    LadderForm.objects.filter(ruleset=ruleset, code="don_vi_phe_binh").update(basis=d.OLD_FORCE_UNIT)
    old_sources = {k: v for k, v in ruleset.sources.items() if "answer" not in k and "accept" not in k}
    RuleSet.objects.filter(pk=ruleset.pk).update(sources={**old_sources, "complaint_days": d.OLD_KN2011_1,
                                                          "second_complaint_days": d.OLD_KN2011_2})
    migration = importlib.import_module(
        "inspection.accountability.migrations.0005_complaint_answers_refusals_force_regulations")
    migration.forward(apps, None)
    assert Rule.objects.get(ruleset=ruleset, code="LD-H1").basis == d.FORCE
    assert LadderForm.objects.get(ruleset=ruleset, code="don_vi_phe_binh").basis == d.FORCE_UNIT
    sources = RuleSet.objects.get(pk=ruleset.pk).sources
    assert sources["complaint_days"] == d.KN2011_1 and "Điều 48" in sources["second_complaint_days"]
    assert sources["complaint_answer_days"] == d.KN2011_ANSWER
