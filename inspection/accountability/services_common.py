"""What the accountability services share: the invalid-input error, clean text and reasons, JSON values."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from backend.core.errors import DomainError
from inspection.accountability.trace import finding_days
from inspection.models import Finding


def _invalid(vi: str, en: str, field: str, code: str = "invalid") -> DomainError:
    return DomainError(vi, en, code=code, fields={field: [en]})


def _real_text(value: Any) -> bool:
    """A legal basis is words (a document and article, or the force's regulation), not punctuation."""
    text = str(value or "").strip()
    return len(text) >= 5 and sum(ch.isalpha() for ch in text) >= 5 and len(re.findall(r"\w{2,}", text)) >= 2


def _jsonable(value: Any) -> Any:
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


# A decision's reason has legal weight (it is printed in the trace documents and the case file): written in
# words like the findings' reasons ("xxxxx" rejected a head's liability: user review, issue 15)
DECISION_REASON_WORDS, DECISION_REASON_LETTERS = 2, 6


def _clean_reason(reason: str) -> str:
    from inspection.services_common import plain_text, require_worded_reason

    if not plain_text(reason or ""):
        raise _invalid("Cần nêu lý do.", "A reason is required.", "reason", code="reason_required")
    return require_worded_reason(reason, "reason", "lý do", words=DECISION_REASON_WORDS,
                                 letters=DECISION_REASON_LETTERS)


def finding_last_day(finding: Finding) -> date:
    return finding_days(finding)[1]
