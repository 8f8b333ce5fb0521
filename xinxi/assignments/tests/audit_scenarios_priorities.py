"""Audit scenarios for the 报送要点 and 调研 services (see ``audit/testing.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinxi.assignments import services_priorities as services
from xinxi.assignments.tests.helpers_priorities import TOPICS, make_list
from xinxi.audit.testing import Call, exempt, scenario
from xinxi.items import services as item_services
from xinxi.items.models import Category

S = "xinxi.assignments.services_priorities"
exempt(f"{S}.parse_topics")  # parses the form's text, writes nothing


@scenario(f"{S}.priority_list_create", "priority_list_create")
def _create(net: Any) -> Call:
    return lambda: services.priority_list_create(actor=net.editor, title="要点", period="quarter",
                                                 starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 31),
                                                 topics=TOPICS)


@scenario(f"{S}.priority_list_publish", "priority_list_publish")
def _publish(net: Any) -> Call:
    plist = make_list(net, publish=False)
    return lambda: services.priority_list_publish(actor=net.desk_chief, plist=plist)


@scenario(f"{S}.item_set_priorities", "item_set_priorities")
def _tag(net: Any) -> Call:
    topic = make_list(net).topics.first()
    item = item_services.item_create(actor=net.reporter, title="营商环境", body="正文。")
    return lambda: services.item_set_priorities(actor=net.reporter, item=item, topics=[topic])


@scenario(f"{S}.research_topic_create", "research_topic_create")
def _research(net: Any) -> Call:
    return lambda: services.research_topic_create(actor=net.editor, title="调研", description="", period="year",
                                                  year=2026, quarter=None)


@scenario(f"{S}.item_set_research_topic", "item_set_research_topic")
def _link(net: Any) -> Call:
    topic = services.research_topic_create(actor=net.editor, title="调研", description="", period="year",
                                           year=2026, quarter=None)
    item = item_services.item_create(actor=net.reporter, title="调研报告", body="正文。", category=Category.RESEARCH)
    return lambda: services.item_set_research_topic(actor=net.reporter, item=item, topic=topic)
