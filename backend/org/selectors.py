"""Reads of the organisation, answered for any date."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from backend.core.errors import NotFound
from backend.core.text import fold
from backend.org.models import Assignment, Camera, Counter, FieldOfCharge, Officer, Unit, UnitLink


def active_on(at: date, prefix: str = "") -> Q:
    """The one owner of "active on date D" for org rows (units, links, assignments)."""
    return Q(**{f"{prefix}valid_from__lte": at}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": at})
    )


def overlaps(start: date, end: date | None, prefix: str = "") -> Q:
    """Rows whose [valid_from, valid_to] meets [start, end] (end None: open)."""
    q = Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    if end is not None:
        q &= Q(**{f"{prefix}valid_from__lte": end})
    return q


def unit_heads_at(*, unit: Unit, at: date) -> list[Assignment]:
    """Head(s) of `unit` on `at`: the substantive head first, then acting heads."""
    return list(
        Assignment.objects.filter(active_on(at), unit=unit, is_head=True)
        .select_related("officer", "unit", "field")
        .order_by("is_acting", "valid_from")
    )


def unit_deputies_at(*, unit: Unit, at: date) -> list[Assignment]:
    return list(
        Assignment.objects.filter(active_on(at), unit=unit, is_deputy=True)
        .select_related("officer", "unit", "field")
        .order_by("valid_from")
    )


def unit_heads_between(*, unit: Unit, start: date, end: date) -> list[Assignment]:
    """Every head assignment of `unit` that overlaps [start, end], in order."""
    return list(
        Assignment.objects.filter(overlaps(start, end), unit=unit, is_head=True)
        .select_related("officer", "unit", "field")
        .order_by("valid_from", "is_acting")
    )


def officer_assignment_at(*, officer: Officer, at: date) -> Assignment | None:
    """The officer's primary assignment on `at` (a head/deputy post wins over a plain one)."""
    return (
        Assignment.objects.filter(active_on(at), officer=officer)
        .select_related("unit")
        .order_by("-is_head", "-is_deputy", "-valid_from")
        .first()
    )


def unit_parent_at(*, unit: Unit, at: date) -> Unit | None:
    link = (
        UnitLink.objects.filter(active_on(at), unit=unit).select_related("parent").first()
    )
    if link is not None:
        return link.parent
    if UnitLink.objects.filter(unit=unit).exists():
        return None  # links exist but none covers `at`: the unit had no parent then
    return unit.parent


@dataclass
class CommandLink:
    unit: Unit
    heads: list[Assignment]


def chain_of_command(*, officer: Officer, at: date) -> list[CommandLink]:
    """Units above (and including) the officer's unit on `at`, each with its head(s)."""
    assignment = officer_assignment_at(officer=officer, at=at)
    if assignment is None:
        return []
    chain: list[CommandLink] = []
    unit: Unit | None = assignment.unit
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        chain.append(CommandLink(unit=unit, heads=unit_heads_at(unit=unit, at=at)))
        unit = unit_parent_at(unit=unit, at=at)
    return chain


def unit_subtree_ids(*, root_id: int) -> set[int]:
    """The root and every unit that was ever below it (any period), plus successors' lineage."""
    children: dict[int, set[int]] = defaultdict(set)
    for unit_id, parent_id in Unit.objects.exclude(parent=None).values_list("id", "parent_id"):
        children[parent_id].add(unit_id)
    for unit_id, parent_id in UnitLink.objects.values_list("unit_id", "parent_id"):
        children[parent_id].add(unit_id)
    result = {root_id}
    stack = [root_id]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in result:
                result.add(child)
                stack.append(child)
    return result


def units_list(*, unit_ids: Iterable[int] | None, search: str = "", at: date | None = None,
               level: str = "") -> QuerySet[Unit]:
    qs = Unit.objects.select_related("parent", "successor")
    if unit_ids is not None:
        qs = qs.filter(id__in=list(unit_ids))
    if search:
        qs = qs.filter(Q(search_name__contains=fold(search)) | Q(code__iexact=search.strip()))
    if at is not None:
        qs = qs.filter(active_on(at))
    if level:
        qs = qs.filter(level=level)
    return qs


def unit_get(*, unit_ids: set[int] | None, pk: int) -> Unit:
    unit = Unit.objects.select_related("parent", "successor").filter(pk=pk).first()
    if unit is None or (unit_ids is not None and unit.pk not in unit_ids):
        raise NotFound("Không tìm thấy đơn vị.", "Unit not found.")
    return unit


def officers_list(*, unit_ids: set[int] | None, search: str = "") -> QuerySet[Officer]:
    qs = Officer.objects.all()
    if unit_ids is not None:
        qs = qs.filter(assignments__unit_id__in=unit_ids).distinct()
    if search:
        term = fold(search)
        qs = qs.filter(Q(search_name__contains=term) | Q(service_number__iexact=search.strip()))
    return qs


def officer_get(*, unit_ids: set[int] | None, pk: int) -> Officer:
    qs = Officer.objects.filter(pk=pk)
    if unit_ids is not None:
        qs = qs.filter(assignments__unit_id__in=unit_ids)
    officer = qs.first()
    if officer is None:
        raise NotFound("Không tìm thấy cán bộ.", "Officer not found.")
    return officer


def assignments_list(*, unit_ids: set[int] | None, unit_id: int | None = None,
                     officer_id: int | None = None, at: date | None = None) -> QuerySet[Assignment]:
    qs = Assignment.objects.select_related("officer", "unit", "field")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if officer_id is not None:
        qs = qs.filter(officer_id=officer_id)
    if at is not None:
        qs = qs.filter(active_on(at))
    return qs


def assignment_get(*, unit_ids: set[int] | None, pk: int) -> Assignment:
    assignment = Assignment.objects.select_related("officer", "unit", "field").filter(pk=pk).first()
    if assignment is None or (unit_ids is not None and assignment.unit_id not in unit_ids):
        raise NotFound("Không tìm thấy chức vụ.", "Assignment not found.")
    return assignment


def fields_of_charge_list(*, active_only: bool = False) -> QuerySet[FieldOfCharge]:
    qs = FieldOfCharge.objects.all()
    return qs.filter(active=True) if active_only else qs


def field_of_charge_get(*, pk: int) -> FieldOfCharge:
    field = FieldOfCharge.objects.filter(pk=pk).first()
    if field is None:
        raise NotFound("Không tìm thấy lĩnh vực phụ trách.", "Field of charge not found.")
    return field


def counters_list(*, unit_ids: set[int] | None, unit_id: int | None = None) -> QuerySet[Counter]:
    qs = Counter.objects.select_related("unit")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs


def cameras_list(*, unit_ids: set[int] | None, counter_id: int | None = None) -> QuerySet[Camera]:
    qs = Camera.objects.select_related("counter", "counter__unit")
    if unit_ids is not None:
        qs = qs.filter(counter__unit_id__in=unit_ids)
    if counter_id is not None:
        qs = qs.filter(counter_id=counter_id)
    return qs


def camera_get(*, unit_ids: set[int] | None, pk: int) -> Camera:
    camera = cameras_list(unit_ids=unit_ids).filter(pk=pk).first()
    if camera is None:
        raise NotFound("Không tìm thấy camera.", "Camera not found.")
    return camera


def _parents_at(*, at: date, unit_ids: Iterable[int] | None = None) -> dict[int, int | None]:
    """Parent id of each unit on `at` (a link covering `at` wins; units never linked fall back to
    their current parent)."""
    links = UnitLink.objects.all()
    if unit_ids is not None:
        links = links.filter(unit_id__in=list(unit_ids))
    linked: set[int] = set()
    parents: dict[int, int | None] = {}
    for unit_id, parent_id, start, end in links.values_list("unit_id", "parent_id", "valid_from", "valid_to"):
        linked.add(unit_id)
        if start <= at and (end is None or end >= at):
            parents[unit_id] = parent_id
    units = Unit.objects.all() if unit_ids is None else Unit.objects.filter(id__in=list(unit_ids))
    for unit_id, parent_id in units.values_list("id", "parent_id"):
        if unit_id not in linked:
            parents[unit_id] = parent_id
        else:
            parents.setdefault(unit_id, None)
    return parents


def unit_children_at(*, unit: Unit, at: date) -> list[Unit]:
    """Units directly under `unit` on `at`."""
    parents = _parents_at(at=at)
    ids = [u for u, p in parents.items() if p == unit.pk]
    return list(Unit.objects.filter(active_on(at), id__in=ids).order_by("code"))


@dataclass
class TreeNode:
    unit: Unit
    parent_id: int | None
    heads: list[Assignment]


def unit_tree_at(*, at: date, unit_ids: set[int] | None) -> list[TreeNode]:
    """Every unit that existed on `at` with its parent and head(s) on that day, parents first.

    Three queries whatever the size of the province."""
    units = list(Unit.objects.filter(active_on(at)).select_related("successor").order_by("code"))
    if unit_ids is not None:
        units = [u for u in units if u.pk in unit_ids]
    present = {u.pk for u in units}
    parents = _parents_at(at=at)
    heads: dict[int, list[Assignment]] = defaultdict(list)
    for a in (Assignment.objects.filter(active_on(at), unit_id__in=present, is_head=True)
              .select_related("officer").order_by("is_acting", "valid_from")):
        heads[a.unit_id].append(a)
    nodes = [TreeNode(unit=u, parent_id=parents.get(u.pk) if parents.get(u.pk) in present else None,
                      heads=heads[u.pk]) for u in units]
    by_parent: dict[int | None, list[TreeNode]] = defaultdict(list)
    for n in nodes:
        by_parent[n.parent_id].append(n)
    ordered: list[TreeNode] = []

    def walk(parent_id: int | None) -> None:
        for n in by_parent.get(parent_id, []):
            ordered.append(n)
            walk(n.unit.pk)

    walk(None)
    return ordered


@dataclass
class UnitHistory:
    unit: Unit
    predecessors: list[Unit]
    parent_links: list[UnitLink]
    assignments: list[Assignment]


def unit_history(*, unit: Unit) -> UnitHistory:
    """Where the unit came from, what it sat under over time, and everyone appointed to it."""
    return UnitHistory(
        unit=unit,
        predecessors=list(Unit.objects.filter(successor=unit).order_by("code")),
        parent_links=list(UnitLink.objects.filter(unit=unit).select_related("parent").order_by("valid_from")),
        assignments=list(Assignment.objects.filter(unit=unit).select_related("officer", "unit", "field")
                         .order_by("-is_head", "-is_deputy", "valid_from", "id")),
    )


def unit_served_ids(*, unit: Unit, start: date, end: date | None) -> set[int]:
    """Officers with an appointment in `unit` at some point of [start, end]."""
    return set(Assignment.objects.filter(overlaps(start, end), unit=unit).values_list("officer_id", flat=True))


def unit_ancestor_ids_at(*, unit: Unit, at: date) -> list[int]:
    """`unit` and every unit above it on `at`, nearest first."""
    chain: list[int] = []
    current: Unit | None = unit
    while current is not None and current.pk not in chain:
        chain.append(current.pk)
        current = unit_parent_at(unit=current, at=at)
    return chain


def officer_posting_in(*, officer: Officer, unit: Unit, at: date) -> Assignment | None:
    """The officer's appointment on `at` in `unit` or a unit below it then (a head or deputy post first);
    None when the officer did not serve there that day."""
    for assignment in (Assignment.objects.filter(active_on(at), officer=officer).select_related("unit")
                       .order_by("-is_head", "-is_deputy", "-valid_from", "id")):
        if unit.pk in unit_ancestor_ids_at(unit=assignment.unit, at=at):
            return assignment
    return None


def unit_postings(*, unit: Unit, at: date, search: str = "") -> QuerySet[Assignment]:
    """Who served in `unit` on `at`, with their post: the officer picker of a finding."""
    qs = Assignment.objects.filter(active_on(at), unit=unit).select_related("officer", "unit", "field")
    if search:
        term = fold(search)
        qs = qs.filter(Q(officer__search_name__contains=term) | Q(officer__service_number__iexact=search.strip()))
    return qs.order_by("-is_head", "-is_deputy", "officer__full_name", "id")


def unit_existed_during(*, unit: Unit, start: date, end: date | None = None) -> bool:
    """Whether `unit` existed on every day of [start, end] (end None: just `start`)."""
    end = end or start
    return unit.valid_from <= start and (unit.valid_to is None or unit.valid_to >= end)


def unit_existence_problem(*, unit: Unit, start: date, end: date | None = None,
                           into_successor: bool = False) -> tuple[str, str] | None:
    """The one rule "a record dated [start, end] may name `unit` only if the unit existed then", as a
    (Vietnamese, English) explanation naming the unit that existed instead (its predecessors before
    it was set up, its successor after it ended); None when the unit existed throughout.

    `into_successor`: a record that lasts (a violation over a period) may start in the unit and run
    past its merger: what follows is the successor's (the accountability trace follows it there), but
    never past the end of a unit abolished with no successor."""
    end = end or start
    if unit_existed_during(unit=unit, start=start, end=end):
        return None
    if (into_successor and unit_existed_during(unit=unit, start=start) and unit.valid_to is not None
            and unit.successor_id is not None):
        return None
    when = f"{start:%d/%m/%Y}" if end == start else f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    until = f"{unit.valid_to:%d/%m/%Y}" if unit.valid_to else "nay"
    vi = (f"Đơn vị {unit.name} không tồn tại vào thời điểm {when} "
          f"(đơn vị tồn tại từ {unit.valid_from:%d/%m/%Y} đến {until}).")
    en = (f"Unit {unit.code} did not exist on {start.isoformat()}"
          f"{'' if end == start else '..' + end.isoformat()} (it existed {unit.valid_from.isoformat()}.."
          f"{unit.valid_to.isoformat() if unit.valid_to else 'now'}).")
    if start < unit.valid_from:
        before = [p for p in Unit.objects.filter(successor=unit).order_by("code")
                  if unit_existed_during(unit=p, start=start, end=min(end, p.valid_to or end))]
        if before:
            vi += " Hãy ghi nhận cho đơn vị tồn tại khi đó: " + ", ".join(p.name for p in before) + "."
            en += " File it on the unit that existed then: " + ", ".join(p.code for p in before) + "."
    elif unit.valid_to is not None and end > unit.valid_to and unit.successor is not None:
        successor = unit.successor
        vi += f" Đơn vị kế thừa: {successor.name}."
        en += f" Its successor: {successor.code}."
    return vi, en


@dataclass
class OrgCorrection:
    """A correction of the org record a trace reads, made with a reason across recorded findings: an
    appointment corrected (services_officers._require_reason_under_findings; `assignment_id`, `unit_id` and
    the days it touched), or an identity corrected in place (an officer's name / service number, a unit's
    name: services_common._require_reason_if_named; `officer_id` or `unit_id`, `changes` from -> to)."""
    at: Any
    verb: str
    assignment_id: int | None
    unit_id: int | None
    start: date | None
    end: date | None
    reason: str
    actor: str
    officer_id: int | None = None
    changes: dict[str, list[Any]] = dc_field(default_factory=dict)


CORRECTION_VERBS = ("assignment.create", "assignment.end", "assignment.set_field")
IDENTITY_VERBS = ("officer.update", "unit.rename")
IDENTITY_FIELDS = ("service_number", "full_name", "date_of_birth")


def org_corrections(*, unit_ids: Iterable[int], start: date, end: date, after: Any = None,
                    officer_ids: Iterable[int] = ()) -> list[OrgCorrection]:
    """Corrections of the org record of `unit_ids` that touch the days [start, end], and corrections of the
    identity of `officer_ids` or the name of `unit_ids` (not dated: they change what every past record
    prints), made after `after` (a datetime, e.g. when a liability was recorded). A stored liability is
    never changed by an org correction: the trace shows these next to it as a notice that the record it
    rests on changed since (issue 15). An identity change is listed whether or not it was flagged a
    correction when made (a finding may have named the officer only later)."""
    from backend.audit.models import AuditEvent

    wanted = set(unit_ids)
    people = {str(pk) for pk in officer_ids}
    events = AuditEvent.objects.filter(
        Q(verb__in=CORRECTION_VERBS, payload__correction=True)
        | Q(verb="officer.update", object_id__in=people)
        | Q(verb="unit.rename", object_id__in=[str(pk) for pk in wanted])).order_by("id")
    if after is not None:
        events = events.filter(at__gt=after)
    out: list[OrgCorrection] = []
    for e in events:
        p = e.payload
        if e.verb == "officer.update":
            changes = {k: v for k, v in (p.get("changes") or {}).items() if k in IDENTITY_FIELDS}
            if changes:
                out.append(OrgCorrection(at=e.at, verb=e.verb, assignment_id=None, unit_id=None, start=None,
                                         end=None, reason=p.get("reason", ""), actor=e.actor_label,
                                         officer_id=int(e.object_id), changes=changes))
            continue
        if e.verb == "unit.rename":
            if p.get("from") != p.get("to"):
                out.append(OrgCorrection(at=e.at, verb=e.verb, assignment_id=None, unit_id=int(e.object_id),
                                         start=None, end=None, reason=p.get("reason", ""), actor=e.actor_label,
                                         changes={"name": [p.get("from"), p.get("to")]}))
            continue
        days = p.get("days") or [None, None]
        if p.get("unit") not in wanted or days[0] is None:
            continue
        lo = date.fromisoformat(days[0])
        hi = date.fromisoformat(days[1]) if days[1] else None
        if lo > end or (hi is not None and hi < start):
            continue
        out.append(OrgCorrection(at=e.at, verb=e.verb, assignment_id=int(e.object_id), unit_id=p["unit"],
                                 start=lo, end=hi, reason=p.get("reason", ""), actor=e.actor_label))
    return out
