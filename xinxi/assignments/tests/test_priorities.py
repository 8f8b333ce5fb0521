"""报送要点: publishing and its numbered DOCX notice, who sees a list, tagging, suggestions, coverage."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from xinxi.assignments import selectors_priorities as selectors
from xinxi.assignments import services_priorities as services
from xinxi.assignments.models.priorities import ItemPriority, PriorityListState
from xinxi.assignments.tests.helpers_priorities import make_list, sent_item
from xinxi.audit.models import AuditEvent
from xinxi.items.models import DeskEntry, EntryState
from xinxi.lib.choices import Classification
from xinxi.lib.errors import ServiceError
from xinxi.network.testing import Net, make_user
from xinxi.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def test_publishing_numbers_the_list_and_the_notice_carries_number_and_topics(net: Net) -> None:
    plist = make_list(net)
    assert plist.state == PriorityListState.PUBLISHED
    assert plist.doc_number == "临江信要〔2026〕1号"
    second = make_list(net, title="2026年12月采编要目")
    assert second.doc_number == "临江信要〔2026〕2号"
    assert AuditEvent.objects.filter(action="priority_list_publish").count() == 2
    with pytest.raises(ServiceError, match="已经印发"):
        services.priority_list_publish(actor=net.desk_chief, plist=plist)

    response = pytest.importorskip("django.test").Client()
    response.force_login(net.reporter)
    got = response.get(f"/assignments/priorities/{plist.pk}/notice.docx")
    assert got.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(got.content)).paragraphs)
    assert "临江信要〔2026〕1号" in text
    assert "2026年第四季度信息报送要点" in text
    assert "一、优化营商环境" in text and "三、安全生产" in text
    assert "关键词：营商环境,惠企,审批" in text


def test_publishing_tells_the_network_and_a_draft_tells_nobody(net: Net, client_for) -> None:  # type: ignore[no-untyped-def]
    draft = make_list(net, publish=False)
    assert not Notification.objects.filter(kind=NotificationKind.PRIORITIES_PUBLISHED).exists()
    plist = services.priority_list_publish(actor=net.desk_chief, plist=draft)
    told = Notification.objects.filter(kind=NotificationKind.PRIORITIES_PUBLISHED, object_id=plist.pk)
    # the reporters and approvers of the units reporting to the desk, whatever their clearance
    # (a list is not classified); not the desk's own staff, not another city's units
    assert {n.user.username for n in told} == {"reporter", "approver", "no_clearance"}
    assert told.first().url == f"/assignments/priorities/{plist.pk}/"  # type: ignore[union-attr]
    page = client_for("reporter").get("/notifications/").content.decode()
    assert ("临江市委办公室印发报送要点临江信要〔2026〕1号“2026年第四季度信息报送要点”，"
            "共 3 个题目（10月1日至12月31日），请对照报送") in page
    assert "报送要点" not in client_for("outsider").get("/notifications/").content.decode()


def test_only_the_desk_chief_publishes_and_editors_create(net: Net) -> None:
    draft = make_list(net, publish=False, actor=net.editor)
    with pytest.raises(ServiceError, match="只有科长"):
        services.priority_list_publish(actor=net.editor, plist=draft)
    with pytest.raises(ServiceError):
        make_list(net, publish=False, actor=net.reporter)
    with pytest.raises(ServiceError, match="截止日期不能早于"):
        services.priority_list_create(actor=net.editor, title="x", period="quarter",
                                      starts_on=draft.ends_on, ends_on=draft.starts_on, topics=[{"title": "a"}])
    with pytest.raises(ServiceError, match="至少列出一个题目"):
        services.priority_list_create(actor=net.editor, title="x", period="quarter",
                                      starts_on=draft.starts_on, ends_on=draft.ends_on, topics=[])


def test_the_network_sees_published_lists_only(net: Net, client_for) -> None:  # type: ignore[no-untyped-def]
    published = make_list(net)
    draft = make_list(net, publish=False, title="草稿要点")
    assert set(selectors.visible_lists(net.reporter)) == {published}
    assert set(selectors.visible_lists(net.editor)) == {published, draft}
    assert not selectors.visible_lists(net.outsider).exists()
    reporter = client_for("reporter")
    assert reporter.get(f"/assignments/priorities/{published.pk}/").status_code == 200
    assert reporter.get(f"/assignments/priorities/{draft.pk}/").status_code == 404
    assert client_for("outsider").get(f"/assignments/priorities/{published.pk}/").status_code == 404
    assert client_for("outsider").get(f"/assignments/priorities/{published.pk}/notice.docx").status_code == 404
    page = reporter.get("/assignments/priorities/").content.decode()
    assert "2026年第四季度信息报送要点" in page and "草稿要点" not in page


def test_suggestions_come_from_keywords_and_words_of_the_text(net: Net) -> None:
    make_list(net)
    topics = list(selectors.current_topics(net.county))
    found = selectors.suggest_topics(topics, "我县开展安全生产隐患大排查", "对全县企业逐一排查。")
    assert found[0].title == "安全生产"
    assert selectors.suggest_topics(topics, "", "") == []
    assert selectors.suggest_topics(topics, "召开会议", "研究部署工作。") == []


def test_the_draft_form_offers_current_topics_suggests_and_saves_the_tag(net: Net, client_for) -> None:  # type: ignore[no-untyped-def]
    plist = make_list(net)
    safety = plist.topics.get(number=3)
    reporter = client_for("reporter")
    page = reporter.get("/items/new/?title=安全生产隐患排查").content.decode()
    assert "priority-part" in page and "3. 安全生产" in page and "推荐" in page
    response = reporter.post("/items/new/", {
        "title": "东城县开展安全生产隐患排查", "body": "全县排查隐患一百余处。" * 5, "category": "news",
        "tone": "positive", "classification": "1", "urgency": "1", "priority_form": "1",
        "priority_topics": [str(safety.pk)], "action": "save",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    tag = ItemPriority.objects.get()
    assert tag.topic == safety and tag.tagged_by == net.reporter
    detail = reporter.get(f"/items/{tag.item_id}/").content.decode()
    assert "priority-link" in detail and "安全生产" in detail


def test_bad_tags_are_refused(net: Net, client_for) -> None:  # type: ignore[no-untyped-def]
    make_list(net)
    other_desk_list = make_list(net, actor=make_user("other_chief", net.other_city, "desk_chief"))
    draft = make_list(net, publish=False, title="未印发")
    item = sent_item(net.reporter, title="一条信息")
    with pytest.raises(ServiceError, match="不是本单位所报送科室"):
        services.item_set_priorities(actor=net.reporter, item=item, topics=[other_desk_list.topics.first()])
    with pytest.raises(ServiceError, match="尚未印发"):
        services.item_set_priorities(actor=net.reporter, item=item, topics=[draft.topics.first()])
    with pytest.raises(ServiceError, match="本单位的信息员"):
        services.item_set_priorities(actor=net.outsider, item=item, topics=[])
    assert not ItemPriority.objects.exists()
    response = client_for("reporter").post("/items/new/", {
        "title": "另一条信息", "body": "正文内容。" * 10, "category": "news", "tone": "positive",
        "classification": "1", "urgency": "1", "priority_form": "1",
        "priority_topics": [str(other_desk_list.topics.first().pk)], "action": "save",  # type: ignore[union-attr]
    })
    assert "不是本单位所报送科室当前的报送要点" in response.content.decode()
    assert not ItemPriority.objects.exists()


def test_coverage_counts_per_topic_and_unit_within_clearance(net: Net, client_for) -> None:  # type: ignore[no-untyped-def]
    plist = make_list(net)
    business, rural, safety = plist.topics.all()
    sent_item(net.reporter, title="东城县优化营商环境", topics=[business])
    adopted = sent_item(net.reporter, title="东城县乡村振兴", topics=[rural, business])
    sent_item(net.reporter, title="未标注的信息")
    secret = sent_item(net.reporter, title="涉密的安全生产信息", topics=[safety])
    DeskEntry.objects.filter(item=adopted).update(state=EntryState.ADOPTED)
    DeskEntry.objects.filter(item=secret).update(classification=Classification.CONFIDENTIAL)

    seen_by_chief = selectors.coverage(net.desk_chief, plist)  # cleared for 机密
    counts = {t["topic"].title: (t["tagged"], t["adopted"]) for t in seen_by_chief["topics"]}
    assert counts == {"优化营商环境": (2, 1), "乡村振兴": (1, 1), "安全生产": (1, 0)}
    assert seen_by_chief["units"] == [
        {"unit_id": net.county.pk, "unit": "东城县委办公室", "received": 4, "tagged": 3, "adopted": 1, "topics": 3}
    ]
    seen_by_editor = selectors.coverage(net.editor, plist)  # 秘密 only: the 机密 item is not counted
    assert {t["topic"].title: t["tagged"] for t in seen_by_editor["topics"]}["安全生产"] == 0
    assert seen_by_editor["units"][0]["received"] == 3
    assert seen_by_editor["total"] == 2

    page = client_for("editor").get(f"/assignments/priorities/{plist.pk}/coverage/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="chart"' in html and "<svg" in html and "东城县委办公室" in html and "涉密" not in html
    xlsx = client_for("desk_chief").get(f"/assignments/priorities/{plist.pk}/coverage/?format=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book["按题目"].iter_rows(values_only=True))
    assert rows[1] == (1, "优化营商环境", 2, 1)
    assert list(book["按单位"].iter_rows(values_only=True))[1] == ("东城县委办公室", 4, 3, 1, 3)


def test_coverage_page_queries_are_bounded(net: Net, client_for) -> None:  # type: ignore[no-untyped-def]
    plist = make_list(net)
    topic = plist.topics.first()
    sent_item(net.reporter, title="一", topics=[topic])
    client = client_for("editor")
    client.get(f"/assignments/priorities/{plist.pk}/coverage/")
    with CaptureQueriesContext(connection) as first:
        client.get(f"/assignments/priorities/{plist.pk}/coverage/")
    for n in range(4):
        sent_item(net.reporter, title=f"信息{n}", topics=list(plist.topics.all()))
    with CaptureQueriesContext(connection) as more:
        client.get(f"/assignments/priorities/{plist.pk}/coverage/")
    assert len(more) == len(first)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("reporter", 404), ("outsider", 404), ("editor", 200), ("desk_chief", 200), ("duty_officer", 200),
     ("admin", 200)],
)
def test_coverage_access(net: Net, client_for, persona: str, status: int) -> None:  # type: ignore[no-untyped-def]
    plist = make_list(net)
    assert client_for(persona).get(f"/assignments/priorities/{plist.pk}/coverage/").status_code == status


@pytest.mark.parametrize(("persona", "status"), [("reporter", 404), ("duty_officer", 404), ("editor", 200)])
def test_create_page_access(net: Net, client_for, persona: str, status: int) -> None:  # type: ignore[no-untyped-def]
    assert client_for(persona).get("/assignments/priorities/new/").status_code == status


def test_creating_and_publishing_through_the_pages(net: Net, client_for) -> None:  # type: ignore[no-untyped-def]
    chief = client_for("desk_chief")
    bad = chief.post("/assignments/priorities/new/", {"title": "要点", "period": "quarter", "starts_on": "2026-13-01",
                                                      "ends_on": "2026-12-31", "topics": "一"})
    assert bad.status_code == 400 and "起始日期格式不正确" in bad.content.decode()
    response = chief.post("/assignments/priorities/new/", {
        "title": "2026年12月采编要目", "period": "month", "starts_on": "2026-12-01", "ends_on": "2026-12-31",
        "topics": "1. 冬季供暖｜保障群众温暖过冬｜供暖,燃气\n2. 岁末年初安全生产\n",
    })
    assert response.status_code == 302
    plist = selectors.visible_lists(net.desk_chief).get()
    assert [(t.number, t.title, t.keywords) for t in plist.topics.all()] == [
        (1, "冬季供暖", "供暖,燃气"), (2, "岁末年初安全生产", "")]
    assert client_for("editor").post(f"/assignments/priorities/{plist.pk}/publish/").status_code == 409
    assert client_for("reporter").post(f"/assignments/priorities/{plist.pk}/publish/").status_code == 404
    assert chief.post(f"/assignments/priorities/{plist.pk}/publish/").status_code == 302
    plist.refresh_from_db()
    assert plist.doc_number == "临江信要〔2026〕1号"
    assert "临江信要〔2026〕1号" in chief.get(f"/assignments/priorities/{plist.pk}/").content.decode()
