"""Reads of 报送要点 and 调研: who sees which lists, the topics a unit may tag, suggestions, coverage, quotas.

- The staff of a desk see all of their desk's lists and topics (drafts too); an admin sees all.
- A unit's users see the published lists of the desks their unit reports to (its parent desk
  and the desks it is a direct point of).
- Coverage counts only the desk entries within the viewer's clearance: an item above it is
  neither listed nor counted (the page says so).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import jieba
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from xinxi.accounts.models import Role
from xinxi.assignments.models.priorities import ItemPriority, PriorityList, PriorityListState, PriorityTopic
from xinxi.assignments.models.research import ResearchTopic
from xinxi.items.models import Category, DeskEntry, EntryState
from xinxi.network import calendar
from xinxi.network.models import Desk, Quota, Unit
from xinxi.network.permissions import user_desk
from xinxi.network.services import parent_desk

MANAGE_ROLES = (Role.EDITOR, Role.DESK_CHIEF)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def staff_desk(user: Any) -> Desk | None:
    return user_desk(user) if _active(user) else None


def can_manage(user: Any) -> bool:
    return staff_desk(user) is not None and user.has_role(*MANAGE_ROLES)


def can_publish(user: Any) -> bool:
    return staff_desk(user) is not None and user.has_role(Role.DESK_CHIEF)


def unit_desks(unit: Unit) -> list[Desk]:
    """The desks a unit reports to: its parent desk and the desks it is a direct point of."""
    desks = list(Desk.objects.filter(points__unit=unit, points__revoked_on__isnull=True, active=True))
    parent = parent_desk(unit)
    if parent is not None and parent.pk not in {d.pk for d in desks}:
        desks.insert(0, parent)
    return desks


def visible_lists(user: Any) -> QuerySet[PriorityList]:
    if not _active(user):
        return PriorityList.objects.none()
    if user.is_admin:
        return PriorityList.objects.all()
    q = Q(pk__in=[])
    desk = staff_desk(user)
    if desk is not None:
        q |= Q(desk=desk)
    if user.unit_id is not None:
        q |= Q(desk__in=[d.pk for d in unit_desks(user.unit)], state=PriorityListState.PUBLISHED)
    return PriorityList.objects.filter(q)


def get_list(user: Any, pk: Any) -> PriorityList:
    try:
        return visible_lists(user).select_related("desk__unit").get(pk=int(pk))
    except (PriorityList.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该报送要点") from None


def get_managed_list(user: Any, pk: Any) -> PriorityList:
    desk = staff_desk(user)
    plist = get_list(user, pk)
    if desk is None or plist.desk_id != desk.pk or not can_manage(user):
        raise Http404("未找到该报送要点")
    return plist


def current_topics(unit: Unit, on: dt.date | None = None) -> QuerySet[PriorityTopic]:
    """Topics of the published lists in force today of the desks the unit reports to."""
    day = on or timezone.localdate()
    return PriorityTopic.objects.filter(
        plist__desk__in=[d.pk for d in unit_desks(unit)],
        plist__state=PriorityListState.PUBLISHED,
        plist__starts_on__lte=day,
        plist__ends_on__gte=day,
    ).select_related("plist__desk")


# --- suggestions ---

_WORD = re.compile(r"\w")


def _tokens(text: str) -> set[str]:
    return {t for t in jieba.lcut_for_search(text) if len(t) >= 2 and _WORD.match(t)}


def suggest_topics(topics: list[PriorityTopic], title: str, body: str, limit: int = 3) -> list[PriorityTopic]:
    """Topics whose keywords appear in the text, then by jieba-token overlap with the topic's words."""
    text = f"{title}\n{body}"
    if not text.strip():
        return []
    words = _tokens(text)
    scored = []
    for topic in topics:
        score = 3 * sum(1 for k in topic.keyword_list() if k in text)
        score += len(_tokens(f"{topic.title} {topic.description}") & words)
        if score > 0:
            scored.append((score, -topic.number, topic))
    scored.sort(key=lambda row: (row[0], row[1]), reverse=True)
    return [row[2] for row in scored[:limit]]


# --- coverage ---


def coverage(user: Any, plist: PriorityList) -> dict[str, Any]:
    """Per topic and per unit: items tagged (submitted to the desk), received at the desk, adopted.

    Counted over the desk's entries of tagged items within the viewer's clearance.
    """
    tagged = ItemPriority.objects.filter(topic__plist=plist)
    entries = DeskEntry.objects.filter(
        desk_id=plist.desk_id, classification__lte=user.clearance, item__in=tagged.values("item")
    )
    counted = tagged.filter(item__in=entries.values("item"))
    adopted = Count(
        "item", distinct=True,
        filter=Q(item__entries__desk_id=plist.desk_id, item__entries__state=EntryState.ADOPTED),
    )
    per_topic = {t.pk: {"topic": t, "tagged": 0, "adopted": 0} for t in plist.topics.all()}
    for row in counted.values("topic_id").annotate(n=Count("item", distinct=True), adopted=adopted):
        per_topic[row["topic_id"]].update(tagged=row["n"], adopted=row["adopted"])
    per_unit = {
        row["item__unit_id"]: row
        for row in counted.values("item__unit_id").annotate(
            n=Count("item", distinct=True), adopted=adopted, topics=Count("topic", distinct=True)
        )
    }
    period_received = dict(
        DeskEntry.objects.filter(
            desk_id=plist.desk_id, classification__lte=user.clearance,
            received_at__date__gte=plist.starts_on, received_at__date__lte=plist.ends_on,
        ).exclude(source="combined").values("origin_unit_id").annotate(n=Count("item", distinct=True))
        .values_list("origin_unit_id", "n")
    )
    names = dict(Unit.objects.filter(pk__in=set(per_unit) | set(period_received)).values_list("pk", "name"))
    units = [
        {"unit_id": pk, "unit": names.get(pk, ""), "received": period_received.get(pk, 0),
         "tagged": per_unit[pk]["n"] if pk in per_unit else 0,
         "adopted": per_unit[pk]["adopted"] if pk in per_unit else 0,
         "topics": per_unit[pk]["topics"] if pk in per_unit else 0}
        for pk in names
    ]
    units.sort(key=lambda r: (-int(r["tagged"]), -int(r["received"]), str(r["unit"])))
    return {"topics": list(per_topic.values()), "units": units, "total": entries.values("item").distinct().count()}


# --- research ---


def visible_research_topics(user: Any) -> QuerySet[ResearchTopic]:
    if not _active(user):
        return ResearchTopic.objects.none()
    if user.is_admin:
        return ResearchTopic.objects.all()
    q = Q(pk__in=[])
    desk = staff_desk(user)
    if desk is not None:
        q |= Q(desk=desk)
    if user.unit_id is not None:
        q |= Q(desk__in=[d.pk for d in unit_desks(user.unit)])
    return ResearchTopic.objects.filter(q)


def current_research_topics(unit: Unit, on: dt.date | None = None) -> QuerySet[ResearchTopic]:
    day = on or timezone.localdate()
    quarter = (day.month - 1) // 3 + 1
    return ResearchTopic.objects.filter(desk__in=[d.pk for d in unit_desks(unit)], year=day.year).filter(
        Q(quarter__isnull=True) | Q(quarter=quarter)
    ).select_related("desk")


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date, int]:
    quarter = (day.month - 1) // 3 + 1
    start = dt.date(day.year, 3 * quarter - 2, 1)
    end = dt.date(day.year + 1, 1, 1) if quarter == 4 else dt.date(day.year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1), quarter


def quota_status(user: Any, desk: Desk, on: dt.date | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Research reports received from each unit this quarter against its quota (报送频次's 每季度调研).

    The period is the calendar quarter; its deadline is the quarter's last official working
    day (``network.calendar``). A unit is short while it has fewer than its quota, and
    overdue once the deadline has passed. ``on`` picks the quarter (default: today's).
    """
    today = today or timezone.localdate()
    day = on or today
    start, end, quarter = quarter_bounds(day)
    days = calendar.working_days(start, end)
    deadline = days[-1] if days else end
    valid = Quota.objects.filter(desk=desk, valid_from__lte=day, research_per_quarter__gt=0).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    ).order_by("valid_from")
    own: dict[int, int] = {}
    by_class: dict[int, int] = {}
    for quota in valid:
        if quota.unit_id is not None:
            own[quota.unit_id] = quota.research_per_quarter
        elif quota.unit_class_id is not None:
            by_class[quota.unit_class_id] = quota.research_per_quarter
    units = Unit.objects.filter(active=True).filter(
        Q(pk__in=list(own)) | Q(unit_class_id__in=list(by_class), path__startswith=desk.unit.path)
    ).exclude(pk=desk.unit_id).order_by("path")
    received = dict(
        DeskEntry.objects.filter(
            desk=desk, category=Category.RESEARCH, classification__lte=user.clearance,
            received_at__date__gte=start, received_at__date__lte=end,
        ).exclude(source="combined").values("origin_unit_id").annotate(n=Count("item", distinct=True))
        .values_list("origin_unit_id", "n")
    )
    rows = []
    for unit in units:
        required = own.get(unit.pk, by_class.get(unit.unit_class_id or 0, 0))
        if not required:
            continue
        got = received.get(unit.pk, 0)
        rows.append({"unit": unit, "required": required, "received": got, "short": max(required - got, 0)})
    return {
        "year": day.year, "quarter": quarter, "start": start, "end": end, "deadline": deadline,
        "working_days": len(days),
        "working_days_left": sum(1 for d in days if d >= today),
        "overdue": today > deadline,
        "rows": rows,
        "short": [r for r in rows if r["short"]],
    }
