"""调研: research topics, the draft form's 调研 block and link, the quarterly quota on working-day periods."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from xinxi.assignments import selectors_priorities as selectors
from xinxi.assignments import services_priorities as services
from xinxi.assignments.models.research import ItemResearch
from xinxi.assignments.tests.helpers_priorities import sent_item
from xinxi.items.models import Category
from xinxi.lib.errors import ServiceError
from xinxi.network.models import Desk, Quota, QuotaFrequency
from xinxi.network.testing import Net, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _quota(net: Net, per_quarter: int = 1) -> None:
    Quota.objects.create(desk=Desk.objects.get(unit=net.city), unit=net.county, frequency=QuotaFrequency.MONTH,
                         count=2, research_per_quarter=per_quarter, valid_from=dt.date(2026, 1, 1))


def test_topics_are_set_by_the_desk_and_seen_by_its_network(net: Net) -> None:
    topic = services.research_topic_create(actor=net.editor, title="县域经济高质量发展调研", description="",
                                           period="quarter", year=2026, quarter=4)
    services.research_topic_create(actor=net.editor, title="年度课题", description="", period="year", year=2026,
                                   quarter=None)
    services.research_topic_create(actor=net.editor, title="上季度课题", description="", period="quarter", year=2026,
                                   quarter=3)
    assert {t.title for t in selectors.current_research_topics(net.county)} == {"年度课题", "县域经济高质量发展调研"}
    assert topic.period_label == "2026年第4季度"
    assert not selectors.current_research_topics(net.other_county).exists()
    with pytest.raises(ServiceError, match="须选择第几季度"):
        services.research_topic_create(actor=net.editor, title="x", description="", period="quarter", year=2026,
                                       quarter=None)
    with pytest.raises(ServiceError):
        services.research_topic_create(actor=net.reporter, title="x", description="", period="year", year=2026,
                                       quarter=None)


def test_the_draft_form_guides_the_structure_and_links_the_topic(net: Net, client_for) -> None:  # type: ignore[no-untyped-def]
    topic = services.research_topic_create(actor=net.editor, title="县域经济调研", description="", period="year",
                                           year=2026, quarter=None)
    other = services.research_topic_create(
        actor=make_user("other_chief", net.other_city, "desk_chief"), title="外市课题", description="",
        period="year", year=2026, quarter=None,
    )
    reporter = client_for("reporter")
    page = reporter.get("/items/new/?category=research").content.decode()
    assert "一、基本情况" in page and "二、分析" in page and "三、意见建议" in page and "县域经济调研" in page
    assert "外市课题" not in page
    form = {"title": "关于县域经济发展的调研报告", "body": "一、基本情况。二、分析。三、意见建议。" * 3,
            "category": "research", "tone": "positive", "classification": "1", "urgency": "1",
            "priority_form": "1", "research_topic": str(topic.pk), "action": "save"}
    assert reporter.post("/items/new/", form).status_code == 302
    link = ItemResearch.objects.get()
    assert link.topic == topic
    assert "县域经济调研" in reporter.get(f"/items/{link.item_id}/").content.decode()
    bad = reporter.post("/items/new/", {**form, "research_topic": str(other.pk)})
    assert "不是本单位所报送科室本期的调研题目" in bad.content.decode()
    assert ItemResearch.objects.count() == 1
    item = link.item
    with pytest.raises(ServiceError, match="类别为“调研”"):
        item.category = Category.NEWS
        services.item_set_research_topic(actor=net.reporter, item=item, topic=topic)


def test_quota_shortfall_on_working_day_periods(net: Net) -> None:
    _quota(net, per_quarter=2)
    desk = Desk.objects.get(unit=net.city)
    with time_machine.travel(dt.datetime(2026, 9, 24, 10, tzinfo=SHANGHAI), tick=False):
        status = selectors.quota_status(net.editor, desk)
        # Q3 2026 ends on Wednesday 30 September; Friday 25 September is the Mid-Autumn holiday.
        assert (status["quarter"], status["deadline"], status["working_days_left"]) == (3, dt.date(2026, 9, 30), 4)
        assert [(r["unit"], r["required"], r["received"], r["short"]) for r in status["rows"]] == [
            (net.county, 2, 0, 2)]
        assert not status["overdue"]
        sent_item(net.reporter, title="调研报告一", category=Category.RESEARCH)
        sent_item(net.reporter, title="一条动态")
        status = selectors.quota_status(net.editor, desk)
        assert status["rows"][0]["received"] == 1 and status["short"]
    with time_machine.travel(dt.datetime(2026, 10, 9, 10, tzinfo=SHANGHAI), tick=False):
        past = selectors.quota_status(net.editor, desk, on=dt.date(2026, 7, 1))
        assert past["overdue"] and past["rows"][0]["short"] == 1
        now = selectors.quota_status(net.editor, desk)
        assert now["quarter"] == 4 and now["rows"][0]["received"] == 0 and not now["overdue"]


def test_quota_page(net: Net, client_for) -> None:  # type: ignore[no-untyped-def]
    _quota(net)
    page = client_for("editor").get("/assignments/research/").content.decode()
    assert "2026年第4季度调研报告完成情况" in page and "东城县委办公室" in page and "差 1 篇" in page
    past = client_for("editor").get("/assignments/research/?quarter=2026-Q3").content.decode()
    assert "已过截止日" in past and "未完成，差 1 篇" in past
    assert "季度参数格式" in client_for("editor").get("/assignments/research/?quarter=x").content.decode()
    unit_page = client_for("reporter").get("/assignments/research/").content.decode()
    assert "quota-status" not in unit_page and "新增调研题目" not in unit_page
    response = client_for("editor").post("/assignments/research/", {"title": "", "period": "year", "year": "2026"})
    assert response.status_code == 400 and "请填写调研题目" in response.content.decode()
    assert client_for("reporter").post("/assignments/research/", {"title": "x"}).status_code == 404
    assert client_for("admin").get("/assignments/research/").status_code == 404
