"""Shared set-up of the 报送要点 and 调研 tests: a published list of the city desk, items sent to it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinxi.assignments import services_priorities as services
from xinxi.assignments.models.priorities import PriorityList
from xinxi.items import services as item_services
from xinxi.items.models import Category, Item
from xinxi.network.testing import Net

TOPICS = [
    {"title": "优化营商环境", "description": "惠企政策落实、审批提速", "keywords": "营商环境,惠企,审批"},
    {"title": "乡村振兴", "description": "产业、人才、文化振兴", "keywords": "乡村振兴,农业,产业"},
    {"title": "安全生产", "description": "隐患排查整治", "keywords": "安全生产,隐患"},
]


def make_list(net: Net, *, publish: bool = True, actor: Any = None, title: str = "2026年第四季度信息报送要点",
              starts_on: dt.date = dt.date(2026, 10, 1), ends_on: dt.date = dt.date(2026, 12, 31)) -> PriorityList:
    plist = services.priority_list_create(
        actor=actor or net.desk_chief, title=title, period="quarter", starts_on=starts_on, ends_on=ends_on,
        topics=TOPICS,
    )
    if publish:
        plist = services.priority_list_publish(actor=actor or net.desk_chief, plist=plist)
    return plist


def sent_item(actor: Any, *, title: str, body: str = "", category: str = Category.NEWS,
              topics: list[Any] | None = None) -> Item:
    item = item_services.item_create(actor=actor, title=title, body=body or f"{title}。" * 5, category=category)
    if topics is not None:
        services.item_set_priorities(actor=actor, item=item, topics=topics)
    item_services.item_submit(actor=actor, item=item)
    item.refresh_from_db()
    return item
