"""Who issues and who signs an accountability report (NĐ 30/2020/NĐ-CP: issuing body, signature block
with the signer's position and name), read from the org data as of the document's date.

The issuing body is the unit the author (the disciplinary officer who prints it) serves in on that day:
the administrator sets it up by posting the officer (Appointments). The signer is that unit's head on
that day ("TRƯỞNG PHÒNG"; "Q. TRƯỞNG PHÒNG" for an acting head); with no head in post, a deputy signs
for him ("KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG"). When the report is about the author's own department or
its head, the province police (the top of the org tree) issues it and its head signs; when no one can be
found there, the author signs as the one who drew it up. The body above the issuer is the issuer's parent
unit on that day (for the province police: the Ministry).

No document is ever signed in someone's name by fallback (insider review, S3): an author with no posting in a
department of the province police on that day (an account not linked to an officer, or an officer not posted)
is refused (409 `author_not_posted`), and so is an author whose department has neither a head nor a deputy in
post (409 `issuer_has_no_signer`); the administrator fixes the org data. A refusal, not an unsigned document:
a state document without a signer is not a document, and every caller (the PDF and the XLSX) already turns a
DomainError into a clear answer. The one deliberate move up is below: a report about the author's own
department or its head goes up to the province police, whose head signs.

A report is never issued by a unit it is about, nor signed by an officer it is about (issue 15, S2-1: a
second posting made the report about a commune head come out issued by his commune and signed by him).
`Subjects` names the officers and units of the report: a unit is out when it is one of them or when one of
the officers serves in it on that day, and a signer who is one of the officers is passed over. Of the
author's postings the main one is taken (a head's, then a deputy's, then the oldest), never the newest,
which the administrator could add at will.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backend.core import statedoc
from backend.core.errors import Conflict
from backend.org.models import Assignment, Unit
from backend.org.selectors import active_on, unit_deputies_at, unit_heads_at, unit_parent_at

MINISTRY = "Bộ Công an"
AUTHOR_POSITION = "Người lập báo cáo"


@dataclass(frozen=True)
class Subjects:
    """Whom a report is about: its officers (violators, heads and deputies held accountable, the profiled head)
    and its units. Neither may issue or sign it."""
    officer_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, officers: Iterable[int | None] = (), units: Iterable[int | None] = ()) -> Subjects:
        return cls(frozenset(o for o in officers if o is not None), frozenset(u for u in units if u is not None))


NOBODY = Subjects()


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


def unit_signer(unit: Unit, day: date, *, subjects: Subjects = NOBODY) -> statedoc.Signer | None:
    """The head of `unit` on `day` signs; an acting head as "Q."; with no head, a deputy "KT." for him.
    An officer the report is about never signs it."""
    heads = [a for a in unit_heads_at(unit=unit, at=day) if a.officer_id not in subjects.officer_ids]
    if heads:
        head = sorted(heads, key=lambda a: (a.is_acting, a.valid_from, a.pk))[0]
        position = f"Q. {head.position}" if head.is_acting else head.position
        return statedoc.Signer(position, _signed_name(head))
    deputies = sorted((a for a in unit_deputies_at(unit=unit, at=day) if a.officer_id not in subjects.officer_ids),
                      key=lambda a: (a.valid_from, a.pk))
    if deputies:
        deputy = deputies[0]
        return statedoc.Signer(f"KT. {head_title_of(deputy.position)}\n{deputy.position}", _signed_name(deputy))
    return None


def _symbol(unit: Unit) -> str:
    return f"BC-{unit.code}"


def _excluded_units(subjects: Subjects, day: date) -> set[int]:
    """The report's units and every unit one of its officers serves in on `day`."""
    served = Assignment.objects.filter(active_on(day), officer_id__in=subjects.officer_ids).values_list("unit_id",
                                                                                                      flat=True)
    return set(subjects.unit_ids) | set(served)


def _author_postings(officer: Any, day: date) -> list[Assignment]:
    """The author's department postings on `day`, the main one first (a head's, then a deputy's, then the oldest;
    the id last so the order never depends on the database)."""
    # Only a department of the province police issues these reports: a posting in a commune (which the admin
    # can add, as a deputy or head, any day) never makes a commune the issuer (insider re-check, issue 15).
    return list(Assignment.objects.filter(active_on(day), officer=officer, unit__level=Unit.Level.DEPARTMENT)
                .select_related("unit").order_by("-is_head", "-is_deputy", "valid_from", "id"))


def _not_posted(day: date) -> Conflict:
    when = day.strftime("%d/%m/%Y")
    return Conflict(f"Tài khoản của đồng chí chưa được gắn với cán bộ đang công tác tại một phòng của Công an tỉnh "
                    f"(ngày {when}), nên không xác định được đơn vị ban hành và người ký báo cáo. "
                    "Đề nghị quản trị viên gắn tài khoản với cán bộ và phân công cán bộ vào phòng.",
                    f"Your account is not linked to an officer posted in a department of the province police "
                    f"on {day.isoformat()}, so the report has no issuing unit and no signer. "
                    "Ask the administrator to link the account to an officer and post him in a department.",
                    code="author_not_posted")


def _no_signer(units: list[Unit], day: date) -> Conflict:
    names = ", ".join(u.name for u in units)
    return Conflict(f"{names} không có trưởng hoặc phó đơn vị tại chức ngày {day.strftime('%d/%m/%Y')} để ký "
                    "báo cáo. Đề nghị quản trị viên cập nhật phân công lãnh đạo đơn vị.",
                    f"{names} has no head or deputy in post on {day.isoformat()} to sign the report. "
                    "Ask the administrator to update the unit's leadership postings.",
                    code="issuer_has_no_signer")


def report_issuer(*, author: Any, day: date, subjects: Subjects = NOBODY) -> Issuer:
    """The issuing body and signer of a report printed by `author` on `day` about `subjects` (see the module's
    text). Raises Conflict rather than sign in someone's name by fallback."""
    officer = getattr(author, "officer", None) if author is not None else None
    postings = _author_postings(officer, day) if officer is not None else []
    if not postings:
        raise _not_posted(day)
    excluded = _excluded_units(subjects, day)
    own = [p for p in postings if p.unit_id not in excluded]
    unit: Unit | None = None
    signer: statedoc.Signer | None = None
    for posting in own:
        signer = unit_signer(posting.unit, day, subjects=subjects)
        if signer is not None:
            unit = posting.unit
            break
    if unit is None and own:
        # the author's department issues it, and nobody there can sign: never the Director in its place
        raise _no_signer(list(dict.fromkeys(p.unit for p in own)), day)
    if unit is None:
        # the report is about the author's own department or its head: it goes up to the province police
        province = _province(day)
        unit = province if province is not None and province.pk not in excluded else None
        signer = unit_signer(unit, day, subjects=subjects) if unit is not None else None
    author_name = (author.get_full_name() or author.get_username()) if author is not None else ""
    if unit is None:
        return Issuer(parent_body=MINISTRY, body=statedoc.DEFAULT_PROVINCE, symbol="BC",
                      signer=statedoc.Signer(AUTHOR_POSITION, author_name))
    parent = unit_parent_at(unit=unit, at=day)
    return Issuer(parent_body=parent.name if parent is not None else MINISTRY, body=unit.name, symbol=_symbol(unit),
                  signer=signer or statedoc.Signer(AUTHOR_POSITION, author_name))
