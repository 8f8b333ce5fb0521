"""Writes of 报送要点 and 调研: create and publish a list, tag an item, set research topics, link a report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from xinxi.assignments import selectors_priorities as selectors
from xinxi.assignments.models.priorities import (
    ItemPriority,
    PriorityList,
    PriorityListState,
    PriorityPeriod,
    PriorityTopic,
)
from xinxi.assignments.models.research import ItemResearch, ResearchPeriod, ResearchTopic
from xinxi.assignments.services_commissions import unit_users
from xinxi.audit.services import audit_record
from xinxi.items.models import Category, Item
from xinxi.lib.errors import ServiceError
from xinxi.network.models import Desk
from xinxi.notifications.models import NotificationKind as K
from xinxi.notifications.services import notify
from xinxi.scoring.figures import network_units

MAX_TOPICS = 30


def _desk_of(actor: Any, *, publish: bool = False) -> Desk:
    desk = selectors.staff_desk(actor)
    allowed = selectors.can_publish(actor) if publish else selectors.can_manage(actor)
    if desk is None or not allowed:
        raise ServiceError("只有信息科室的编辑或科长可以管理报送要点和调研题目。" if not publish
                           else "只有科长可以印发报送要点。")
    return desk


def parse_topics(text: str) -> list[dict[str, str]]:
    """One topic a line: 题目｜说明｜关键词 (说明 and 关键词 optional)."""
    topics = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
        title = parts[0].lstrip("0123456789.、． ")
        if not title:
            raise ServiceError(f"题目不能为空：“{line.strip()}”")
        if len(title) > 100:
            raise ServiceError(f"题目不能超过 100 字：“{title[:20]}…”")
        topics.append({"title": title, "description": (parts[1] if len(parts) > 1 else "")[:500],
                       "keywords": (parts[2] if len(parts) > 2 else "")[:200]})
    return topics


@transaction.atomic
def priority_list_create(
    *, actor: Any, title: str, period: str, starts_on: dt.date, ends_on: dt.date, topics: list[dict[str, str]]
) -> PriorityList:
    desk = _desk_of(actor)
    title = (title or "").strip()
    if not title:
        raise ServiceError("请填写标题。")
    if period not in PriorityPeriod.values:
        raise ServiceError("周期只能是季度或月度。")
    if ends_on < starts_on:
        raise ServiceError("截止日期不能早于起始日期。")
    if not topics:
        raise ServiceError("请至少列出一个题目。")
    if len(topics) > MAX_TOPICS:
        raise ServiceError(f"题目不能超过 {MAX_TOPICS} 个。")
    plist = PriorityList.objects.create(
        desk=desk, title=title[:200], period=period, starts_on=starts_on, ends_on=ends_on, created_by=actor
    )
    PriorityTopic.objects.bulk_create(
        PriorityTopic(plist=plist, number=n, title=t["title"][:100], description=t.get("description", "")[:500],
                      keywords=t.get("keywords", "")[:200])
        for n, t in enumerate(topics, start=1)
    )
    audit_record(actor=actor, action="priority_list_create", obj=plist, detail={"topics": len(topics)})
    return plist


@transaction.atomic
def priority_list_publish(*, actor: Any, plist: PriorityList) -> PriorityList:
    """Number the list (the desk's next 文号 of the year, taken under a lock); the network sees it from
    then on, and the reporters and approvers of the desk's network are told."""
    desk = _desk_of(actor, publish=True)
    Desk.objects.select_for_update().filter(pk=desk.pk).first()
    locked = PriorityList.objects.select_for_update().get(pk=plist.pk)
    if locked.desk_id != desk.pk:
        raise ServiceError("只能印发本科室的报送要点。")
    if locked.state != PriorityListState.DRAFT:
        raise ServiceError("该报送要点已经印发。")
    now = timezone.now()
    year = timezone.localtime(now).year
    taken = PriorityList.objects.filter(desk=desk, year=year).aggregate(m=Max("number"))["m"]
    locked.state = PriorityListState.PUBLISHED
    locked.year, locked.number = year, (taken or 0) + 1
    locked.published_at, locked.published_by = now, actor
    locked.save(update_fields=["state", "year", "number", "published_at", "published_by"])
    audit_record(actor=actor, action="priority_list_publish", obj=locked, detail={"number": locked.doc_number})
    units = network_units(desk, timezone.localdate(now)).values_list("pk", flat=True)
    notify(users=unit_users(units), kind=K.PRIORITIES_PUBLISHED, obj=locked,
           url=reverse("assignments:priority_detail", args=[locked.pk]),
           detail={"topics": locked.topics.count()})
    return locked


def _check_topics(item: Item, topics: Iterable[PriorityTopic]) -> list[PriorityTopic]:
    allowed = {t.pk for t in selectors.current_topics(item.unit)}
    chosen = list(topics)
    for topic in chosen:
        if topic.pk not in allowed:
            if topic.plist.state != PriorityListState.PUBLISHED:
                raise ServiceError(f"“{topic.title}”所在的报送要点尚未印发，不能标注。")
            raise ServiceError(f"“{topic.title}”不是本单位所报送科室当前的报送要点，不能标注。")
    return chosen


@transaction.atomic
def item_set_priorities(*, actor: Any, item: Item, topics: Iterable[PriorityTopic]) -> list[PriorityTopic]:
    """Replace the item's priority tags (the reporter, while writing or after sending)."""
    from xinxi.items.permissions import can_write_items

    if not can_write_items(actor) or actor.unit_id != item.unit_id:
        raise ServiceError("只有本单位的信息员可以标注报送要点。")
    chosen = _check_topics(item, topics)
    before = set(ItemPriority.objects.filter(item=item).values_list("topic_id", flat=True))
    after = {t.pk for t in chosen}
    if before == after:
        return chosen
    ItemPriority.objects.filter(item=item).exclude(topic_id__in=after).delete()
    ItemPriority.objects.bulk_create(
        [ItemPriority(item=item, topic=t, tagged_by=actor) for t in chosen if t.pk not in before]
    )
    audit_record(actor=actor, action="item_set_priorities", obj=item, detail={"topics": sorted(after)})
    return chosen


# --- research ---


@transaction.atomic
def research_topic_create(
    *, actor: Any, title: str, description: str, period: str, year: int, quarter: int | None
) -> ResearchTopic:
    desk = _desk_of(actor)
    title = (title or "").strip()
    if not title:
        raise ServiceError("请填写调研题目。")
    if period not in ResearchPeriod.values:
        raise ServiceError("周期只能是季度或年度。")
    if not 2000 <= year <= 2100:
        raise ServiceError("年度不正确。")
    if period == ResearchPeriod.QUARTER and quarter not in (1, 2, 3, 4):
        raise ServiceError("季度题目须选择第几季度（1–4）。")
    topic = ResearchTopic.objects.create(
        desk=desk, title=title[:200], description=(description or "")[:5000], period=period, year=year,
        quarter=quarter if period == ResearchPeriod.QUARTER else None, created_by=actor,
    )
    audit_record(actor=actor, action="research_topic_create", obj=topic)
    return topic


@transaction.atomic
def item_set_research_topic(*, actor: Any, item: Item, topic: ResearchTopic | None) -> None:
    from xinxi.items.permissions import can_write_items

    if not can_write_items(actor) or actor.unit_id != item.unit_id:
        raise ServiceError("只有本单位的信息员可以关联调研题目。")
    if topic is None:
        ItemResearch.objects.filter(item=item).delete()
        return
    if item.category != Category.RESEARCH:
        raise ServiceError("只有类别为“调研”的信息可以关联调研题目。")
    if not selectors.current_research_topics(item.unit).filter(pk=topic.pk).exists():
        raise ServiceError("该调研题目不是本单位所报送科室本期的调研题目。")
    ItemResearch.objects.update_or_create(item=item, defaults={"topic": topic, "linked_by": actor})
    audit_record(actor=actor, action="item_set_research_topic", obj=item, detail={"topic": topic.pk})
