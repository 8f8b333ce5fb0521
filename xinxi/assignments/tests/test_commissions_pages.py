"""The commission pages, and what commissions add to the item, inbox and home pages."""

from __future__ import annotations

import time_machine

from xinxi.assignments import services_commissions as services
from xinxi.assignments.models import Commission, CommissionTarget, TargetStatus
from xinxi.assignments.tests.helpers_commissions import answer, at, commission, dept_reporter, target
from xinxi.items.models import Item
from xinxi.items.tests.factories import BODY, draft, entry_at
from xinxi.network.models import UnitClass

URL = "/assignments/commissions/"


def text(response):
    return response.content.decode()


def item_form(**overrides):
    data = {
        "title": "东城县排查企业126家整改隐患38处", "body": BODY, "category": "news", "tone": "positive",
        "classification": "0", "urgency": "0", "writer_name": "张信息", "writer_phone": "0531-88880000",
        "event_time": "2026-11-20T09:30", "tags": "", "action": "save", "idempotency_key": "key-1",
    }
    data.update(overrides)
    return data


def test_the_desk_issues_a_commission_to_a_unit_class(net, client_for):
    counties = UnitClass.objects.create(name="县（市、区）")
    net.county.unit_class = counties
    net.county.save(update_fields=["unit_class"])
    response = client_for("editor").post(URL + "new/", {
        "topic": "冬季安全生产大检查", "requirements": "做法和数据", "due_at": "2026-12-03T17:00",
        "remind_hours": "24", "scored": "on", "unit_classes": [counties.pk],
    })
    c = Commission.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{c.pk}/"
    assert [t.unit for t in c.targets.all()] == [net.county]
    assert c.due_at == at(2026, 12, 3, 17, 0) and c.scored and c.created_by == net.editor


def test_bad_input_is_refused_in_chinese(net, client_for):
    client = client_for("editor")
    response = client.post(URL + "new/", {"topic": "x", "due_at": "2026-11-01T09:00", "remind_hours": "24",
                                          "units": [net.county.pk]})
    assert response.status_code == 400 and "报送截止时间须晚于现在" in text(response)
    response = client.post(URL + "new/", {"topic": "x", "due_at": "2026-12-09T09:00", "remind_hours": "24"})
    assert response.status_code == 400 and "请选择约稿对象" in text(response)
    response = client.post(URL + "new/", {"topic": "x", "due_at": "2026-12-09T09:00", "remind_hours": "24",
                                          "units": [net.other_county.pk]})
    assert response.status_code == 400 and "不在可用的选项中" in text(response)
    assert not Commission.objects.exists()
    assert client_for("duty_officer").get(URL + "new/").status_code == 403


def test_the_desk_sees_the_answer_table(net, client_for):
    c = commission(net, units=[net.county, net.city_dept, net.town])
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False):
        item = answer(net, c, title="东城县冬季安全生产大检查排查企业126家")
    services.commission_decline(actor=dept_reporter(net), commission=c, reason="本月无相关工作")
    with time_machine.travel(at(2026, 12, 3, 18, 0), tick=False):
        services.commission_sweep()
    page = text(client_for("desk_chief").get(f"{URL}{c.pk}/"))
    assert "已报送 1 · 逾期报送 0 · 未报送 1 · 不能报送 1" in page.replace("待报送 0 · ", "")
    entry = entry_at(item, net.city.desk)
    assert f'href="/desk/entries/{entry.pk}/">东城县冬季安全生产大检查排查企业126家</a>' in page
    assert "本月无相关工作" in page and net.town.name in page


def test_a_late_answer_shows_by_how_long(net, client_for):
    c = commission(net)
    with time_machine.travel(at(2026, 12, 4, 10, 30), tick=False):
        answer(net, c)
    page = text(client_for("editor").get(f"{URL}{c.pk}/"))
    assert "逾期报送</span>（逾期 17小时30分钟）" in page
    own = text(client_for("reporter").get(f"{URL}{c.pk}/"))
    assert "逾期报送" in own and "17小时30分钟" in own and "answer-table" not in own


def test_the_target_unit_sees_its_row_the_answer_link_and_declines(net, client_for):
    c = commission(net)
    client = client_for("reporter")
    page = text(client.get(f"{URL}{c.pk}/"))
    assert f'href="/items/new/?commission={c.pk}"' in page and "answer-table" not in page
    response = client.post(f"{URL}{c.pk}/decline/", {"reason": ""})
    assert response.status_code == 400 and "请填写不能报送的理由" in text(response)
    response = client.post(f"{URL}{c.pk}/decline/", {"reason": "本县本月无相关工作"})
    assert response.status_code == 302
    assert target(c, net.county).status == TargetStatus.DECLINED
    response = client.post(f"{URL}{c.pk}/decline/", {"reason": "再说一次"})
    assert response.status_code == 400 and "已说明不能报送" in text(response)


def test_an_untargeted_unit_does_not_see_the_commission(net, client_for):
    c = commission(net)
    dept = dept_reporter(net)
    from django.test import Client

    client = Client()
    client.force_login(dept)
    assert client.get(f"{URL}{c.pk}/").status_code == 404
    assert client.post(f"{URL}{c.pk}/decline/", {"reason": "无"}).status_code == 404
    # nor can it answer through the draft form
    response = client.post("/items/new/", item_form(commission=str(c.pk)))
    assert "本单位不在该约稿的约稿对象中" in text(response)
    assert not CommissionTarget.objects.filter(item__isnull=False).exists()


def test_the_draft_form_preselects_links_and_the_submission_answers(net, client_for):
    c = commission(net)
    client = client_for("reporter")
    page = text(client.get(f"/items/new/?commission={c.pk}"))
    assert f'<option value="{c.pk}" selected>冬季安全生产大检查进展' in page
    response = client.post("/items/new/", item_form(commission=str(c.pk)))
    item = Item.objects.get()
    assert response.status_code == 302 and target(c, net.county).item == item
    assert target(c, net.county).status == TargetStatus.PENDING
    page = text(client.get(f"/items/{item.pk}/edit/"))
    assert f'<option value="{c.pk}" selected>' in page
    data = item_form(commission=str(c.pk), action="submit", version=str(Item.objects.get().version))
    client.post(f"/items/{item.pk}/edit/", data)
    assert target(c, net.county).status == TargetStatus.ANSWERED
    assert "约稿：" in text(client.get(f"/items/{item.pk}/")) and "冬季安全生产大检查进展" in text(
        client.get(f"/items/{item.pk}/"))


def test_choosing_no_commission_unlinks_the_draft(net, client_for):
    c = commission(net)
    item = draft(net.reporter)
    services.commission_link(actor=net.reporter, commission=c, item=item)
    client_for("reporter").post(f"/items/{item.pk}/edit/", item_form(commission="", version=str(item.version)))
    assert target(c, net.county).item is None


def test_the_inbox_marks_commissioned_entries_and_the_entry_page_names_the_commission(net, client_for):
    c = commission(net)
    answered = answer(net, c, title="约稿答复的信息")
    answer(net, commission(net, units=[net.county]), title="另一条")
    from xinxi.items import services as item_services

    item_services.item_submit(actor=net.reporter, item=draft(net.reporter, title="普通信息"))
    client = client_for("editor")
    page = text(client.get("/desk/"))
    assert page.count('class="tag desk entry-badge">约稿</span>') == 2
    entry = entry_at(answered, net.city.desk)
    assert "约稿：" in text(client.get(f"/desk/entries/{entry.pk}/"))


def test_the_home_page_lists_open_commissions(net, client_for):
    c = commission(net)
    page = text(client_for("reporter").get("/"))
    assert 'id="commission-panel"' in page and f"/items/new/?commission={c.pk}" in page
    answer(net, c)
    assert 'id="commission-panel"' not in text(client_for("reporter").get("/"))
    assert 'id="commission-panel"' not in text(client_for("editor").get("/"))


def test_list_pages_take_a_bounded_number_of_queries(net, client_for, django_assert_max_num_queries):
    for n in range(6):
        c = commission(net, units=[net.county, net.city_dept, net.town])
        if n % 2:
            answer(net, c, title=f"答复{n}")
    desk, unit = client_for("editor"), client_for("reporter")
    with django_assert_max_num_queries(12):
        page = text(desk.get(URL))
    assert page.count("冬季安全生产大检查进展") == 6
    with django_assert_max_num_queries(12):
        page = text(unit.get(URL))
    assert page.count("冬季安全生产大检查进展") == 6
    c = Commission.objects.first()
    with django_assert_max_num_queries(14):
        desk.get(f"{URL}{c.pk}/")
    assert client_for("admin").get(URL).status_code == 404
