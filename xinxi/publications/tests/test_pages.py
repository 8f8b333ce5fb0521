"""The periodical pages: the list and archive, composing, the issue page, signing, reading, periodical settings.

Editors and desk chiefs of 临江市委办公室 compose; only its desk chief signs; its duty
officer and leader read issued issues; county users read the issues of periodicals
whose reading list holds their unit; everyone else finds nothing (404).
"""

from django.utils import timezone

from xinxi.items import desk_services
from xinxi.items.models import Adoption, DeskEntry
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.network.testing import make_user
from xinxi.publications import services
from xinxi.publications.models import Column, Issue, IssueItem, IssueRead, IssueState, Periodical
from xinxi.publications.tests.factories import pending_issue, periodical

COMPOSERS = {"editor", "desk_chief"}
CITY_DESK = {"editor", "desk_chief", "duty_officer", "leader"}
COUNTY = {"reporter", "approver"}  # the county is on the reading list; no_clearance is not cleared for 内部


def _entry(net, title="东城县新建污水处理厂投入运行", **extra):
    return entry_at(submitted(net.reporter, title=title, **extra), net.city.desk)


def _issued(net, p, n_items=1):
    return services.issue_sign_off(actor=net.desk_chief, issue=pending_issue(net, p, n_items))


def _draft(net, p, *entries):
    issue = services.issue_create(actor=net.editor, periodical=p)
    if entries:
        services.issue_add_entries(actor=net.editor, issue=issue, entries=list(entries))
    return Issue.objects.get(pk=issue.pk)


def _year():
    return timezone.localdate().year


# --- access ---


def test_nav_link_and_list_show_what_each_user_may_read(net, client_for):
    p = periodical(net)
    issue = _issued(net, p)
    secret_p = periodical(net, name="内参")
    secret_issue = services.issue_create(actor=net.editor, periodical=secret_p)
    secret_reporter = make_user("secret_reporter", net.county, "reporter", clearance=2)
    secret_entry = entry_at(submitted(secret_reporter, title="秘密级信息", classification=2), net.city.desk)
    services.issue_add_entries(actor=net.editor, issue=secret_issue, entries=[secret_entry])
    services.issue_send_for_signoff(actor=net.editor, issue=secret_issue)
    services.issue_sign_off(actor=net.desk_chief, issue=secret_issue)
    reporter_page = client_for("reporter").get("/publications/").content.decode()
    assert 'href="/publications/">刊物</a>' in reporter_page
    assert f'/publications/issues/{issue.pk}/"' in reporter_page and f"{_year()}年第1期" in reporter_page
    assert f"/publications/issues/{secret_issue.pk}/" not in reporter_page  # 秘密 above the reporter's clearance
    assert "编新一期" not in reporter_page
    outsider_page = client_for("outsider").get("/publications/").content.decode()
    assert "暂无可阅读的刊物" in outsider_page and "《临江信息》" not in outsider_page
    editor_page = client_for("editor").get("/publications/").content.decode()
    assert "编新一期" in editor_page and "编增刊" in editor_page
    assert f"/publications/issues/{secret_issue.pk}/" in editor_page  # the editor is cleared for 秘密
    leader_page = client_for("leader").get("/publications/").content.decode()
    assert "本科室刊物" in leader_page and "编新一期" not in leader_page


def test_archive_filters_by_periodical_year_and_title(net, client_for):
    p = periodical(net)
    q = periodical(net, name="信息摘编")
    first = _issued(net, p)
    second = _issued(net, q)
    client = client_for("reporter")
    by_periodical = client.get(f"/publications/?periodical={q.pk}").content.decode()
    assert f"/publications/issues/{second.pk}/" in by_periodical
    assert f"/publications/issues/{first.pk}/" not in by_periodical
    assert f"/publications/issues/{first.pk}/" not in client.get(f"/publications/?year={_year() - 1}").content.decode()
    found = client.get("/publications/?q=第0条").content.decode()
    assert f"/publications/issues/{first.pk}/" in found and f"/publications/issues/{second.pk}/" in found
    assert "没有符合条件的期" in client.get("/publications/?q=不存在的标题").content.decode()


def test_list_is_paginated_with_a_bounded_number_of_queries(net, client_for, django_assert_max_num_queries):
    p = periodical(net)
    for _ in range(3):
        _issued(net, p)
    _draft(net, p, _entry(net))
    client = client_for("editor")
    with django_assert_max_num_queries(16) as few:
        client.get("/publications/")
    for _ in range(32):
        _issued(net, p)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/publications/").content.decode()
    assert "第 1 / 2 页" in page
    assert f"{_year()}年第35期" in page and f"{_year()}年第5期" not in page  # newest first


# --- creating and composing ---


def test_editor_creates_an_issue_and_a_supplement(net, client_for):
    p = periodical(net)
    client = client_for("editor")
    response = client.post(f"/publications/periodicals/{p.pk}/issues/new/")
    issue = Issue.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/publications/issues/{issue.pk}/edit/"
    assert issue.to_leaders == "市委、市政府领导同志" and not issue.supplement
    client.post(f"/publications/periodicals/{p.pk}/issues/new/", {"supplement": "1"})
    assert Issue.objects.filter(supplement=True).count() == 1
    assert client_for("leader").post(f"/publications/periodicals/{p.pk}/issues/new/").status_code == 404
    assert Issue.objects.count() == 2


def test_compose_lists_candidates_preadopted_first_and_adds_them(net, client_for):
    p = periodical(net)
    waiting = _entry(net, title="东城县召开冬季安全生产会议")
    preadopted = _entry(net, title="东城县农村饮水安全工程全面完工")
    desk_services.entry_preadopt(actor=net.editor, entry=preadopted)
    not_usable = _entry(net, title="东城县某企业宣传稿件")
    desk_services.entry_not_adopt(actor=net.editor, entry=not_usable, reason="宣传味重")
    issue = _draft(net, p)
    client = client_for("editor")
    page = client.get(f"/publications/issues/{issue.pk}/edit/").content.decode()
    panel = page[page.index('id="candidates"') :]
    assert panel.index(preadopted.title) < panel.index(waiting.title)
    assert not_usable.title not in panel and "公开" in panel
    response = client.post(
        f"/publications/issues/{issue.pk}/add/", {"entries": [preadopted.pk, waiting.pk], "kind": "brief"}
    )
    assert response.status_code == 302
    assert list(issue.items.values_list("entry_id", "kind")) == [(preadopted.pk, "brief"), (waiting.pk, "brief")]
    page = client.get(f"/publications/issues/{issue.pk}/edit/").content.decode()
    panel = page[page.index('id="candidates"') :]
    assert preadopted.title not in panel  # already in the issue


def test_adding_nothing_or_a_foreign_entry_is_refused(net, client_for):
    issue = _draft(net, periodical(net))
    foreign = entry_at(submitted(net.outsider, title="西山县信息"), net.other_city.desk)
    client = client_for("editor")
    response = client.post(f"/publications/issues/{issue.pk}/add/", {"kind": "full"})
    assert response.status_code == 400 and "请勾选要编入本期的信息" in response.content.decode()
    response = client.post(f"/publications/issues/{issue.pk}/add/", {"entries": [foreign.pk], "kind": "full"})
    assert response.status_code == 400 and "不存在或不能编入本期" in response.content.decode()
    assert not issue.items.exists()


def test_edit_reorder_and_remove_items(net, client_for):
    p = periodical(net)
    Column.objects.create(periodical=p, name="基层动态", sort_order=1)
    column = p.columns.get()
    a, b = _entry(net, title="第一条信息标题"), _entry(net, title="第二条信息标题")
    issue = _draft(net, p, a, b)
    first, second = issue.items.order_by("sort_order")
    client = client_for("editor")
    prefix = f"item-{first.pk}"
    response = client.post(
        f"/publications/issues/{issue.pk}/items/{first.pk}/",
        {
            f"{prefix}-title": "东城县第一条信息改写后的标题",
            f"{prefix}-body": "改写后的正文，事实清楚，数字准确。",
            f"{prefix}-column": column.pk,
            f"{prefix}-editor_note": "各地可借鉴。",
            f"{prefix}-kind": "combined",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.title, first.column, first.editor_note, first.kind) == (
        "东城县第一条信息改写后的标题",
        column,
        "各地可借鉴。",
        "combined",
    )
    blank = {f"{prefix}-title": "", f"{prefix}-kind": "full"}
    response = client.post(f"/publications/issues/{issue.pk}/items/{first.pk}/", blank)
    assert response.status_code == 400 and "该字段是必填项" in response.content.decode()
    client.post(f"/publications/issues/{issue.pk}/items/{second.pk}/move/", {"direction": "up"})
    assert list(issue.items.order_by("sort_order").values_list("pk", flat=True)) == [second.pk, first.pk]
    client.post(f"/publications/issues/{issue.pk}/items/{first.pk}/remove/")
    assert list(issue.items.values_list("pk", flat=True)) == [second.pk]
    page = client.get(f"/publications/issues/{issue.pk}/edit/").content.decode()
    assert "第一条信息标题" in page[page.index('id="candidates"') :]  # back among the candidates


def test_issue_fields_save_and_a_stale_version_loses_nothing(net, client_for):
    issue = _draft(net, periodical(net), _entry(net, classification=1))
    client = client_for("editor")
    form = {
        "classification": 1,
        "urgency": 1,
        "editor_note": "本期聚焦安全生产。",
        "to_leaders": "市委、市政府领导同志",
        "to_units": "各县（市、区）委办公室",
        "distribute": "市直各部门",
        "copies": 45,
        "version": issue.version,
    }
    assert client.post(f"/publications/issues/{issue.pk}/edit/", form).status_code == 302
    issue.refresh_from_db()
    assert (issue.urgency, issue.copies, issue.distribute) == (1, 45, "市直各部门")
    stale = {**form, "editor_note": "我的修改不能丢", "copies": 50}  # still carries the old version
    response = client.post(f"/publications/issues/{issue.pk}/edit/", stale)
    page = response.content.decode()
    assert response.status_code == 409 and "已被他人修改" in page and "我的修改不能丢" in page
    assert Issue.objects.get(pk=issue.pk).copies == 45
    lower = {**form, "classification": 0, "version": Issue.objects.get(pk=issue.pk).version}
    response = client.post(f"/publications/issues/{issue.pk}/edit/", lower)
    assert response.status_code == 400 and "不能低于" in response.content.decode()
    response = client.post(f"/publications/issues/{issue.pk}/edit/", {**form, "copies": "", "version": ""})
    assert response.status_code == 400 and "表单已过期" in response.content.decode()


def test_an_empty_issue_cannot_be_sent(net, client_for):
    issue = _draft(net, periodical(net))
    response = client_for("editor").post(f"/publications/issues/{issue.pk}/send/")
    assert response.status_code == 400 and "本期还没有编入任何信息，不能送签" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).state == IssueState.DRAFT


def test_send_for_signoff_notifies_and_freezes_composing(net, client_for):
    issue = _draft(net, periodical(net), _entry(net))
    client = client_for("editor")
    response = client.post(f"/publications/issues/{issue.pk}/send/")
    assert response.status_code == 302 and response["Location"] == f"/publications/issues/{issue.pk}/"
    assert Issue.objects.get(pk=issue.pk).state == IssueState.PENDING
    page = client.get(f"/publications/issues/{issue.pk}/edit/").content.decode()
    assert "本期待签发，不能修改" in page and "编入本期" not in page


def test_an_issued_issue_cannot_be_edited(net, client_for):
    issue = _issued(net, periodical(net))
    item = issue.items.get()
    client = client_for("editor")
    prefix = f"item-{item.pk}"
    response = client.post(
        f"/publications/issues/{issue.pk}/items/{item.pk}/",
        {f"{prefix}-title": "印发后想改标题", f"{prefix}-body": item.body, f"{prefix}-kind": "full"},
    )
    assert response.status_code == 400 and "已印发，不能修改" in response.content.decode()
    response = client.post(f"/publications/issues/{issue.pk}/items/{item.pk}/remove/")
    assert response.status_code == 400 and "编发更正期" in response.content.decode()
    assert IssueItem.objects.get(pk=item.pk).title == item.title


# --- signing, returning, reading ---


def test_desk_chief_signs_and_sees_the_number(net, client_for):
    p = periodical(net, running_total=True, total_offset=417)
    issue = pending_issue(net, p)
    client = client_for("desk_chief")
    assert "签发" in client.get(f"/publications/issues/{issue.pk}/").content.decode()
    response = client.post(f"/publications/issues/{issue.pk}/sign/", follow=True)
    page = response.content.decode()
    assert f"已签发：《临江信息》{_year()}年第1期（总第418期）" in page
    assert f'id="issue-number">{_year()}年第1期（总第418期）' in page
    assert Adoption.objects.filter(issue=issue, unit=net.county).count() == 1


def test_signing_without_the_role(net, client_for):
    issue = pending_issue(net, periodical(net))
    response = client_for("editor").post(f"/publications/issues/{issue.pk}/sign/")
    assert response.status_code == 403 and "您没有权限进行此操作" in response.content.decode()
    editor_page = client_for("editor").get(f"/publications/issues/{issue.pk}/").content.decode()
    assert 'id="sign-off"' not in editor_page and "本期待科长签发" in editor_page
    for persona in ("duty_officer", "leader", "reporter", "outsider"):  # cannot even see a pending issue
        assert client_for(persona).post(f"/publications/issues/{issue.pk}/sign/").status_code == 404, persona
        assert client_for(persona).post(f"/publications/issues/{issue.pk}/return/", {"reason": "x"}).status_code == 404
    issue.refresh_from_db()
    assert issue.state == IssueState.PENDING and issue.number is None


def test_return_needs_a_reason(net, client_for):
    issue = pending_issue(net, periodical(net))
    client = client_for("desk_chief")
    response = client.post(f"/publications/issues/{issue.pk}/return/", {"reason": ""})
    assert response.status_code == 400 and "退回须填写理由" in response.content.decode()
    client.post(f"/publications/issues/{issue.pk}/return/", {"reason": "第一条标题再精炼"})
    assert Issue.objects.get(pk=issue.pk).state == IssueState.DRAFT
    response = client.post(f"/publications/issues/{issue.pk}/sign/")
    assert response.status_code == 400 and "只有待签发的期才能签发" in response.content.decode()


def test_issue_page_reads_like_a_bulletin_and_records_reading(net, client_for):
    p = periodical(net)
    issue = _issued(net, p)
    reporter = client_for("reporter")
    page = reporter.get(f"/publications/issues/{issue.pk}/").content.decode()
    assert 'class="bl-masthead">临江信息' in page and f"{_year()}年第1期" in page
    assert "临江市委办公室编" in page and "（东城县委办公室）" in page and "内部" in page
    assert "报：</b>市委、市政府领导同志" in page and "共印 30 份" in page
    for suffix in ("docx", "pdf"):
        assert f"/publications/issues/{issue.pk}/export.{suffix}" in page
    assert 'id="reads"' not in page  # the reading log is the desk's
    reporter.get(f"/publications/issues/{issue.pk}/")
    client_for("leader").get(f"/publications/issues/{issue.pk}/")
    read = IssueRead.objects.get(user=net.reporter)
    assert read.times == 2
    desk_page = client_for("duty_officer").get(f"/publications/issues/{issue.pk}/").content.decode()
    log = desk_page[desk_page.index('id="reads"') :]
    assert "张信息" in log and "东城县委办公室" in log and "孙领导" in log and "<td>2</td>" in log
    assert 'id="make-correction"' not in desk_page  # duty officers read only


def test_drafts_are_not_marked_read(net, client_for):
    issue = _draft(net, periodical(net), _entry(net))
    client_for("editor").get(f"/publications/issues/{issue.pk}/")
    assert not IssueRead.objects.exists()
    assert "（未编号）" in client_for("editor").get(f"/publications/issues/{issue.pk}/").content.decode()


def test_no_clearance_cannot_open_an_internal_issue(net, client_for):
    issue = _issued(net, periodical(net))
    assert issue.classification == 1
    assert client_for("no_clearance").get(f"/publications/issues/{issue.pk}/").status_code == 404
    assert f"/publications/issues/{issue.pk}/" not in client_for("no_clearance").get("/publications/").content.decode()
    assert not IssueRead.objects.exists()


def test_issue_page_has_a_bounded_number_of_queries(net, client_for, django_assert_max_num_queries):
    p = periodical(net)
    small = _issued(net, p, 1)
    big = _issued(net, p, 12)
    for persona in ("reporter", "leader"):
        client_for(persona).get(f"/publications/issues/{big.pk}/")
    client = client_for("desk_chief")
    with django_assert_max_num_queries(23) as few:
        client.get(f"/publications/issues/{small.pk}/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(f"/publications/issues/{big.pk}/").content.decode()
    assert page.count('class="bl-item"') == 12


def test_correction_issue_links_back(net, client_for):
    issue = _issued(net, periodical(net))
    client = client_for("editor")
    response = client.post(f"/publications/issues/{issue.pk}/correct/")
    correction = Issue.objects.get(corrects=issue)
    assert response["Location"] == f"/publications/issues/{correction.pk}/edit/"
    assert "本期为更正期" in client.get(f"/publications/issues/{correction.pk}/").content.decode()
    assert "本期已有更正" in client.get(f"/publications/issues/{issue.pk}/").content.decode()
    pending = pending_issue(net, periodical(net, name="信息摘编"))
    response = client.post(f"/publications/issues/{pending.pk}/correct/")
    assert response.status_code == 400 and "只有已印发的期才能编发更正期" in response.content.decode()
    assert client_for("leader").post(f"/publications/issues/{issue.pk}/correct/").status_code == 403


# --- periodical settings ---


def _periodical_form(**extra):
    data = {
        "name": "《信息摘编》",
        "frequency": "weekly",
        "per_period": 2,
        "total_offset": 0,
        "default_classification": 1,
        "default_urgency": 0,
        "default_to_leaders": "市委领导同志",
        "default_to_units": "",
        "default_distribute": "",
        "default_copies": 40,
        "active": "on",
        "columns": "工作动态\n基层经验\n工作动态\n",
    }
    data.update(extra)
    return data


def test_desk_chief_creates_and_edits_a_periodical(net, client_for):
    client = client_for("desk_chief")
    page = client.get("/publications/periodicals/new/").content.decode()
    assert "东城县委办公室" in page and "青山市委办公室" not in page  # reading units near the desk
    response = client.post("/publications/periodicals/new/", _periodical_form(readers=[net.county.pk]))
    assert response.status_code == 302
    p = Periodical.objects.get(name="信息摘编")
    assert p.desk == net.city.desk and p.per_period == 2 and p.default_copies == 40
    assert list(p.columns.values_list("name", flat=True)) == ["工作动态", "基层经验"]
    assert list(p.readers.all()) == [net.county]
    response = client.post(
        f"/publications/periodicals/{p.pk}/edit/", _periodical_form(columns="基层经验\n领导关注", running_total="on")
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.running_total and list(p.columns.values_list("name", flat=True)) == ["基层经验", "领导关注"]
    assert not p.readers.exists()
    response = client.post("/publications/periodicals/new/", _periodical_form())
    assert response.status_code == 400 and "本科室已有刊物《信息摘编》" in response.content.decode()
    response = client.post("/publications/periodicals/new/", _periodical_form(name="", per_period="x"))
    assert response.status_code == 400
    assert client_for("editor").post("/publications/periodicals/new/", _periodical_form(name="甲")).status_code == 404
    assert not Periodical.objects.filter(name="甲").exists()


def test_a_column_used_by_an_issued_issue_cannot_be_removed(net, client_for):
    p = periodical(net)
    column = Column.objects.create(periodical=p, name="工作动态")
    issue = pending_issue(net, p)
    item = issue.items.get()
    IssueItem.objects.filter(pk=item.pk).update(column=column)
    services.issue_sign_off(actor=net.desk_chief, issue=issue)
    response = client_for("desk_chief").post(
        f"/publications/periodicals/{p.pk}/edit/", _periodical_form(name="临江信息", columns="")
    )
    assert response.status_code == 400 and "栏目“工作动态”已用于已印发的期" in response.content.decode()
    assert p.columns.count() == 1 and DeskEntry.objects.exists()


def test_admin_configures_periodicals_with_columns(net, client_for):
    p = periodical(net)
    Column.objects.create(periodical=p, name="工作动态")
    client = client_for("admin")
    assert "《临江信息》" in client.get("/admin/publications/periodical/").content.decode()
    page = client.get(f"/admin/publications/periodical/{p.pk}/change/").content.decode()
    assert "工作动态" in page and "默认发送范围（报 / 送 / 发）" in page
    assert client_for("desk_chief").get("/admin/publications/periodical/").status_code == 302  # not staff: to login
