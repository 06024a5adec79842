"""Who issues and who signs an accountability report (NĐ 30/2020/NĐ-CP: issuing body, signature block
with the signer's position and name), read from the org data as of the document's date.

The issuing body is the unit the author (the disciplinary officer who prints it) serves in on that day:
the administrator sets it up by posting the officer (Appointments). The signer is that unit's head on
that day ("TRƯỞNG PHÒNG"; "Q. TRƯỞNG PHÒNG" for an acting head); with no head in post, a deputy signs
for him ("KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG"). When the author has no posting, the province police
(the top of the org tree) issues it and its head signs; when no one can be found, the author signs as
the one who drew it up. The body above the issuer is the issuer's parent unit on that day (for the
province police: the Ministry).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from backend.core import statedoc
from backend.org.models import Assignment, Unit
from backend.org.selectors import officer_assignment_at, unit_deputies_at, unit_heads_at, unit_parent_at

MINISTRY = "Bộ Công an"
AUTHOR_POSITION = "Người lập báo cáo"


@dataclass(frozen=True)
class Issuer:
    parent_body: str
    body: str
    symbol: str            # after the number: "BC-PX03"
    signer: statedoc.Signer


def _province(day: date) -> Unit | None:
    return (Unit.objects.filter(level=Unit.Level.PROVINCE, parent__isnull=True, valid_from__lte=day)
            .exclude(valid_to__lt=day).order_by("valid_from", "id").first())


def _signed_name(a: Assignment) -> str:
    officer = a.officer
    return f"{officer.rank} {officer.full_name}".strip()


def head_title_of(deputy_position: str) -> str:
    """"Phó Trưởng phòng" -> "Trưởng phòng", "Phó Giám đốc" -> "Giám đốc": the post a deputy signs for."""
    title = re.sub(r"^\s*phó\s+", "", deputy_position, flags=re.IGNORECASE).strip()
    return title[:1].upper() + title[1:] if title else "Thủ trưởng đơn vị"


def unit_signer(unit: Unit, day: date) -> statedoc.Signer | None:
    """The head of `unit` on `day` signs; an acting head as "Q."; with no head, a deputy "KT." for him."""
    heads = unit_heads_at(unit=unit, at=day)
    if heads:
        head = sorted(heads, key=lambda a: (a.is_acting, a.valid_from))[0]
        position = f"Q. {head.position}" if head.is_acting else head.position
        return statedoc.Signer(position, _signed_name(head))
    deputies = sorted(unit_deputies_at(unit=unit, at=day), key=lambda a: (a.valid_from, a.pk))
    if deputies:
        deputy = deputies[0]
        return statedoc.Signer(f"KT. {head_title_of(deputy.position)}\n{deputy.position}", _signed_name(deputy))
    return None


def _symbol(unit: Unit) -> str:
    return f"BC-{unit.code}"


def report_issuer(*, author: Any, day: date) -> Issuer:
    """The issuing body and signer of a report printed by `author` on `day` (see the module's text)."""
    officer = getattr(author, "officer", None) if author is not None else None
    posting = officer_assignment_at(officer=officer, at=day) if officer is not None else None
    unit = posting.unit if posting is not None else None
    signer = unit_signer(unit, day) if unit is not None else None
    if unit is None or signer is None:
        unit = _province(day)
        signer = unit_signer(unit, day) if unit is not None else None
    author_name = (author.get_full_name() or author.get_username()) if author is not None else ""
    if unit is None:
        return Issuer(parent_body=MINISTRY, body=statedoc.DEFAULT_PROVINCE, symbol="BC",
                      signer=statedoc.Signer(AUTHOR_POSITION, author_name))
    parent = unit_parent_at(unit=unit, at=day)
    return Issuer(parent_body=parent.name if parent is not None else MINISTRY, body=unit.name, symbol=_symbol(unit),
                  signer=signer or statedoc.Signer(AUTHOR_POSITION, author_name))
