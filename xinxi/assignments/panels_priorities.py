"""What 报送要点 and 调研 add to the pages of ``items`` (registered in ``apps.py``).

- ``PriorityFormPart``: in the draft form, checkboxes of the current topics of the desks the
  unit reports to, the ones matching the title and body marked 推荐; the 调研 block (the
  情况 / 分析 / 建议 guide and the research topic select). Saved after the draft saves.
- ``item_panel``: the item's priority topics and research topic under its title.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from xinxi.assignments import selectors_priorities as selectors
from xinxi.assignments import services_priorities as services
from xinxi.assignments.models.priorities import ItemPriority
from xinxi.assignments.models.research import ItemResearch
from xinxi.items.models import Category
from xinxi.lib.errors import ServiceError

MARKER = "priority_form"
OUTLINE = "一、基本情况\n\n二、分析\n\n三、意见建议\n"


def _ids(values: list[str]) -> set[int]:
    out = set()
    for value in values:
        try:
            out.add(int(value))
        except (TypeError, ValueError):
            raise ServiceError("报送要点的选择不正确。") from None
    return out


class PriorityFormPart:
    def render(self, user: Any, item: Any, data: Any) -> str:
        unit = getattr(user, "unit", None)
        if unit is None:
            return ""
        topics = list(selectors.current_topics(unit))
        research = list(selectors.current_research_topics(unit))
        if MARKER in data:
            chosen = _ids_safe(data.getlist("priority_topics"))
            research_id = data.get("research_topic", "")
        elif item is not None and item.pk:
            chosen = set(ItemPriority.objects.filter(item=item).values_list("topic_id", flat=True))
            link = ItemResearch.objects.filter(item=item).first()
            research_id = str(link.topic_id) if link else ""
        else:
            chosen, research_id = set(), ""
        title = data.get("title") if "title" in data else getattr(item, "title", "")
        body = data.get("body") if "body" in data else getattr(item, "body", "")
        suggested = {t.pk for t in selectors.suggest_topics(topics, title or "", body or "")}
        category = data.get("category") or getattr(item, "category", "")
        return render_to_string(
            "assignments/priorities_form_part.html",
            {"topics": topics, "chosen": chosen, "suggested": suggested, "research": research,
             "research_id": research_id, "is_research": category == Category.RESEARCH, "outline": OUTLINE,
             "marker": MARKER},
        )

    def save(self, user: Any, item: Any, data: Any) -> None:
        if MARKER not in data:
            return
        ids = _ids(data.getlist("priority_topics"))
        topics = list(selectors.current_topics(item.unit).filter(pk__in=ids))
        if len(topics) != len(ids):
            raise ServiceError("所选报送要点不是本单位所报送科室当前的报送要点。")
        services.item_set_priorities(actor=user, item=item, topics=topics)
        raw = data.get("research_topic", "")
        if item.category != Category.RESEARCH or not raw:
            if ItemResearch.objects.filter(item=item).exists():
                services.item_set_research_topic(actor=user, item=item, topic=None)
            return
        topic = selectors.current_research_topics(item.unit).filter(pk__in=_ids([raw])).first()
        if topic is None:
            raise ServiceError("所选调研题目不是本单位所报送科室本期的调研题目。")
        services.item_set_research_topic(actor=user, item=item, topic=topic)


def _ids_safe(values: list[str]) -> set[int]:
    try:
        return _ids(values)
    except ServiceError:
        return set()


FORM_PART = PriorityFormPart()


def item_panel(user: Any, item: Any) -> str:
    if item is None:
        return ""
    tags = list(ItemPriority.objects.filter(item=item).select_related("topic__plist"))
    link = ItemResearch.objects.filter(item=item).select_related("topic").first()
    if not tags and link is None:
        return ""
    return render_to_string("assignments/priorities_item_panel.html", {"tags": tags, "link": link})
