"""Reads for the desk's overview of supervision lists: who has not sent, open and overdue rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from xinxi.assignments.models import ListState, RowState, SupervisionList, SupervisionRow
from xinxi.network.models import Desk, Unit


def network_members(desk: Desk) -> list[Unit]:
    """The active units that send to ``desk``: its unit's subtree, down to (not into) lower desks."""
    subtree = list(Unit.objects.filter(path__startswith=desk.unit.path, active=True).exclude(pk=desk.unit_id)
                   .order_by("path"))
    desk_units = set(Desk.objects.filter(active=True, unit__path__startswith=desk.unit.path)
                     .exclude(pk=desk.pk).values_list("unit_id", flat=True))
    below = len(desk.unit.ancestor_ids) + 1
    return [u for u in subtree if not desk_units.intersection(u.ancestor_ids[below:])]


@dataclass
class Overview:
    month: dt.date
    members: int
    missing: list[Unit]
    drafts: set[int]
    sent: list[SupervisionList]
    open_rows: list[SupervisionRow]
    overdue: set[int]
    unrouted: int


def overview(desk: Desk, month: dt.date) -> Overview:
    """This month's state at a desk: a few queries, whatever the size of the network."""
    members = network_members(desk)
    lists = {lst.unit_id: lst for lst in SupervisionList.objects.filter(desk=desk, month=month)}
    sent = sorted((lst for lst in lists.values() if lst.state == ListState.SENT), key=lambda lst: lst.unit_id)
    missing = [u for u in members if u.pk not in lists or lists[u.pk].state != ListState.SENT]
    drafts = {u for u, lst in lists.items() if lst.state == ListState.DRAFT}
    today = timezone.localdate()
    open_rows = list(
        desk_rows(desk).filter(state__in=[RowState.NEW, RowState.ROUTED])
        .select_related("list__unit", "routed_to").order_by("due_on", "list__month", "position")[:200]
    )
    overdue = {r.pk for r in open_rows if r.state == RowState.ROUTED and r.due_on and r.due_on < today}
    unrouted = sum(1 for r in open_rows if r.state == RowState.NEW)
    for lst in sent:
        lst.unit_name = next((u.name for u in members if u.pk == lst.unit_id), "")  # type: ignore[attr-defined]
    return Overview(month, len(members), missing, drafts, sent, open_rows, overdue, unrouted)


def desk_rows(desk: Desk) -> QuerySet[SupervisionRow]:
    return SupervisionRow.objects.filter(list__desk=desk, list__state=ListState.SENT)


def is_overdue(row: SupervisionRow, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return row.state == RowState.ROUTED and row.due_on is not None and row.due_on < today


def parse_month(raw: str | None, default: dt.date) -> dt.date | None:
    """``YYYY-MM`` → the month's first day; ``None`` for a bad value; the default when empty."""
    if not raw:
        return default.replace(day=1)
    try:
        year, month = raw.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def parse_quarter(raw: str | None, today: dt.date) -> tuple[int, int] | None:
    """``YYYY-Qn`` (or ``YYYYQn``) → (year, quarter); ``None`` for a bad value; this quarter when empty."""
    if not raw:
        return today.year, (today.month - 1) // 3 + 1
    value = raw.upper().replace("-", "")
    if len(value) != 6 or value[4] != "Q" or not value[:4].isdigit() or value[5] not in "1234":
        return None
    year = int(value[:4])
    if not 2000 <= year <= 2100:
        return None
    return year, int(value[5])
