"""The desk's pages: inbox, entry with every action, editing with a diff, combining, forwarding.

Editors and desk chiefs of 临江市委办公室 act; its duty officer and leader read only;
everyone without a desk (reporter, approver, outsider, no_clearance, admin) finds no
desk page at all (404, like a missing one).
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xinxi.audit.models import AuditEvent
from xinxi.items import desk_services, services
from xinxi.items.models import (
    Adoption,
    DeskEntry,
    EntryRead,
    EntryState,
    ItemState,
    Verification,
)
from xinxi.items.tests.factories import BODY, draft, entry_at, submitted
from xinxi.network.testing import PERSONAS, make_user

ALL = set(PERSONAS)
CITY_DESK = {"editor", "desk_chief", "duty_officer", "leader"}
ACTORS = {"editor", "desk_chief"}
READERS = {"duty_officer", "leader"}

PDF = b"%PDF-1.4\n% test\n"


def _entry(net, **extra):
    return entry_at(submitted(net.reporter, **extra), net.city.desk)


def _opened(net, **extra):
    entry = _entry(net, **extra)
    desk_services.entry_open(actor=net.editor, entry=entry)
    entry.refresh_from_db()
    return entry


def _forwarded(net):
    entry = _opened(net)
    upper = desk_services.entry_forward(actor=net.editor, entry=DeskEntry.objects.get(pk=entry.pk))
    return entry, upper


# --- access ---


def test_readers_are_told_why_they_may_not_combine(net, client_for):
    """The access matrix pins the 403; the page also says why."""
    first, second = _entry(net), _entry(net, title="东城县新建污水处理厂投入运行")
    response = client_for("duty_officer").get(f"/desk/combine/?ids={first.pk},{second.pk}")
    assert response.status_code == 403 and "您没有权限进行此操作" in response.content.decode()


def test_attachments_download_and_classified_reads_are_audited(net, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    secret_reporter = make_user("secret_reporter", net.county, "reporter", clearance=2)
    item = draft(secret_reporter, title="秘密级信息", classification=2)
    services.attachment_add(actor=secret_reporter, item=item, upload=SimpleUploadedFile("现场.pdf", PDF))
    services.item_submit(actor=secret_reporter, item=item)
    entry = entry_at(item, net.city.desk)
    client = client_for("leader")
    page = client.get(f"/desk/entries/{entry.pk}/").content.decode()
    assert "现场.pdf" in page
    response = client.get(f"/desk/entries/{entry.pk}/attachments/{item.attachments.get().pk}/")
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    reads = AuditEvent.objects.filter(action="entry_read", object_id=str(entry.pk), actor=net.leader)
    # The file is named by its id: the audit log is read by administrators, who need no clearance.
    assert sorted(r.detail["what"] for r in reads) == [f"attachment #{item.attachments.get().pk}", "page"]
    # Public items leave no read record.
    public = _entry(net)
    client.get(f"/desk/entries/{public.pk}/")
    assert not AuditEvent.objects.filter(action="entry_read", object_id=str(public.pk)).exists()


def test_the_desk_appears_in_the_menu_only_for_desk_staff(net, client_for):
    assert 'href="/desk/"' in client_for("leader").get("/").content.decode()
    assert 'href="/desk/"' not in client_for("reporter").get("/").content.decode()


def test_classified_entries_are_absent_from_the_inbox_and_its_counts(net, client_for):
    _entry(net)
    secret_reporter = make_user("secret_reporter", net.county, "reporter", clearance=2)
    submitted(secret_reporter, title="秘密级信息不可见", classification=2)
    duty = client_for("duty_officer").get("/desk/").content.decode()
    editor = client_for("editor").get("/desk/").content.decode()
    assert "秘密级信息不可见" not in duty and "秘密级信息不可见" in editor
    assert '全部 <span class="tab-count">1</span>' in duty
    assert '全部 <span class="tab-count">2</span>' in editor
    # A level above one's clearance is not even offered as a filter.
    assert '<option value="2">秘密</option>' not in duty and '<option value="2">秘密</option>' in editor


@pytest.mark.parametrize("persona", sorted(ALL - CITY_DESK))
def test_people_without_a_desk_cannot_act(net, client_for, persona):
    entry = _entry(net)
    client = client_for(persona)
    for action, data in {
        "return": {"return-reason": "x"},
        "preadopt": {},
        "forward": {},
        "edit": {"title": "改", "body": "改", "version": 0},
    }.items():
        response = client.post(f"/desk/entries/{entry.pk}/{action}/", data)
        assert response.status_code == 404, f"{persona} {action}"
    response = client.post("/desk/combine/", {"ids": f"{entry.pk}", "title": "x", "body": "y"})
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.state == EntryState.NEW and entry.version == 0


@pytest.mark.parametrize("persona", sorted(READERS))
def test_readers_see_no_buttons_and_are_refused(net, client_for, persona):
    entry = _entry(net)
    other = _entry(net, title="东城县另一条信息")
    client = client_for(persona)
    page = client.get(f"/desk/entries/{entry.pk}/").content.decode()
    assert "退回修改" not in page and "预采用" not in page and 'id="entry-actions"' not in page
    assert "您可以阅读本科室的收稿" in page
    for action, data in {
        "return": {"return-reason": "请补充"},
        "preadopt": {},
        "not-adopt": {"not_adopt-reason": "x"},
        "major": {"major": "1"},
        "forward": {},
    }.items():
        response = client.post(f"/desk/entries/{entry.pk}/{action}/", data)
        assert response.status_code == 403, action
        assert "您没有权限进行此操作" in response.content.decode()
    response = client.post(f"/desk/entries/{entry.pk}/edit/", {"title": "改", "body": "改", "version": 0})
    assert response.status_code == 403 and "您没有权限进行此操作" in response.content.decode()
    response = client.post("/desk/combine/", {"ids": f"{entry.pk},{other.pk}", "title": "x", "body": "y"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.state == EntryState.NEW and entry.version == 0 and not entry.major_event
    assert not DeskEntry.objects.filter(source="combined").exists()
    # Reading still leaves a read mark, but does not start the work.
    assert EntryRead.objects.filter(entry=entry, user=getattr(net, persona)).exists()


# --- the inbox ---


def test_inbox_marks_unread_and_new_per_user(net, client_for):
    entry = _entry(net)
    editor = client_for("editor")
    page = editor.get("/desk/").content.decode()
    assert "未读" in page and ">新<" in page
    editor.get(f"/desk/entries/{entry.pk}/")
    entry.refresh_from_db()
    assert entry.state == EntryState.READ
    page = editor.get("/desk/").content.decode()
    assert 'unread-mark">未读' not in page and "处理中" in page
    # The desk chief has not opened it yet.
    assert 'unread-mark">未读' in client_for("desk_chief").get("/desk/").content.decode()
    assert entry.title not in editor.get("/desk/?unread=on").content.decode()


def test_state_tabs_count_and_filter(net, client_for):
    a = _opened(net)
    _entry(net, title="东城县第二条信息")
    desk_services.entry_preadopt(actor=net.editor, entry=a)
    client = client_for("editor")
    page = client.get("/desk/").content.decode()
    assert '待处理 <span class="tab-count">1</span>' in page and '预采用 <span class="tab-count">1</span>' in page
    assert '全部 <span class="tab-count">2</span>' in page
    page = client.get("/desk/?state=preadopted").content.decode()
    assert a.title in page and "东城县第二条信息" not in page


def test_inbox_filters(net, client_for):
    dept_reporter = make_user("dept_r", net.city_dept, "reporter")
    from xinxi.network.models import UnitClass

    cls = UnitClass.objects.create(name="市直部门")
    net.city_dept.unit_class = cls
    net.city_dept.save()
    services.item_submit(
        actor=dept_reporter,
        item=services.item_create(
            actor=dept_reporter,
            title="市应急局通报群众反映的隐患问题",
            body=BODY,
            category="problem",
            tone="problem",
            classification=1,
            urgency=2,
            tags=["安全生产"],
        ),
    )
    county_entry = _entry(net, title="东城县召开会议")
    desk_services.entry_assign(actor=net.editor, entry=county_entry, editor=net.desk_chief)
    client = client_for("desk_chief")

    def titles(query):
        page = client.get("/desk/?" + query).content.decode()
        return {t for t in ("市应急局通报群众反映的隐患问题", "东城县召开会议") if t in page}

    dept, county = {"市应急局通报群众反映的隐患问题"}, {"东城县召开会议"}
    assert titles("unit=应急") == dept
    assert titles("unit=东城") == county
    assert titles(f"unit_class={cls.pk}") == dept
    assert titles("category=problem") == dept
    assert titles("tone=positive") == county
    assert titles("classification=1") == dept
    assert titles("tag=安全生产") == dept
    assert titles("mine=on") == county
    assert titles("q=会议") == county
    today = timezone.localdate()
    assert titles(f"received_from={today:%Y-%m-%d}&received_to={today:%Y-%m-%d}") == dept | county
    assert titles(f"received_from={today + dt.timedelta(days=1):%Y-%m-%d}") == set()
    page = client.get("/desk/?sort=urgency").content.decode()
    assert page.index("市应急局通报") < page.index("东城县召开会议")
    page = client.get("/desk/?sort=unit").content.decode()
    assert page.index("东城县召开会议") < page.index("市应急局通报")
    bad = client.get(f"/desk/?received_from={today:%Y-%m-%d}&received_to=2000-01-01").content.decode()
    assert "结束日期不能早于开始日期" in bad


def test_inbox_counts_under_each_filter_equal_a_plain_count(net):
    """The tab counts (each index-served shape, the unit class summed per unit) equal counting by hand."""
    from collections import Counter

    from xinxi.items import filters, permissions
    from xinxi.network.models import UnitClass

    cls = UnitClass.objects.create(name="市直部门")
    net.city_dept.unit_class = cls
    net.city_dept.save()
    dept_reporter = make_user("dept_r", net.city_dept, "reporter", clearance=2)
    secret_reporter = make_user("secret_reporter", net.county, "reporter", clearance=2)
    a = _opened(net, category="problem", tone="problem")
    _entry(net, category="experience")
    submitted(dept_reporter, title="市应急局秘密级信息", category="problem", classification=2)
    submitted(dept_reporter, title="市应急局公开信息", tone="problem")
    submitted(secret_reporter, title="东城县秘密级信息", classification=2)
    desk_services.entry_preadopt(actor=net.editor, entry=a)
    duty = net.duty_officer
    for user in (net.editor, duty):
        visible = list(permissions.desk_entries(user).select_related("origin_unit"))
        for data in (
            {},
            {"category": "problem"},
            {"tone": "problem"},
            {"unit_class": cls},
            {"unit_class": cls, "tone": "problem"},
            {"state": "new", "unit_class": cls},
        ):
            result = filters.apply(permissions.desk_entries(user), data, user)
            wanted = [
                e
                for e in visible
                if all(getattr(e, k) == v for k, v in data.items() if k in {"category", "tone"})
                and ("unit_class" not in data or e.origin_unit.unit_class_id == cls.pk)
            ]
            assert result.state_counts == dict(Counter(e.state for e in wanted)), (user, data)
            shown = [e for e in wanted if e.state == data.get("state", e.state)]
            assert {e.pk for e in result.rows} == {e.pk for e in shown}, (user, data)
    # The duty officer, cleared below 秘密, never counts the classified ones.
    assert filters.apply(permissions.desk_entries(duty), {"unit_class": cls}, duty).state_counts == {"new": 1}


def test_inbox_pages_by_50(net, client_for):
    for n in range(51):
        submitted(net.reporter, title=f"东城县第{n}号信息标题")
    client = client_for("editor")
    first = client.get("/desk/").content.decode()
    assert "第 1 / 2 页，共 51 条" in first and "东城县第50号信息标题" in first and "东城县第0号信息标题" not in first
    second = client.get("/desk/?page=2").content.decode()
    assert "东城县第0号信息标题" in second and "东城县第50号信息标题" not in second


def test_inbox_queries_are_bounded(net, client_for, django_assert_max_num_queries):
    for n in range(60):
        item = services.item_create(
            actor=net.reporter,
            title=f"东城县第{n}项工作取得进展",
            body=f"{BODY}第{n}条。",
            tags=["安全生产", f"标签{n}"],
        )
        services.item_submit(actor=net.reporter, item=item)
    for entry in DeskEntry.objects.all()[:20]:
        desk_services.entry_open(actor=net.editor, entry=entry)
    client = client_for("editor")
    client.get("/desk/")  # warm the similarity cache of the page's texts
    # 16: the inbox's own, plus one each for the blocks other apps add (urgent entries, the
    # e-mail intake counts, the 约稿 badges of the page's rows): none grows with the rows
    with django_assert_max_num_queries(16):
        page = client.get("/desk/").content.decode()
    assert page.count('name="ids"') == 50 and "标签59" in page
    with django_assert_max_num_queries(16):
        client.get("/desk/?state=read&tag=安全生产&unread=on&sort=unit&unit=东城&page=1")


def test_near_duplicates_are_grouped_on_the_inbox(net, client_for):
    submitted(net.reporter, title="东城县排查企业126家发现隐患43处")
    submitted(
        make_user("town_r", net.town, "reporter"),
        title="东城镇配合县里排查企业126家",
        body="东城县召开安全生产专题会议，全县排查企业126家，发现隐患43处，已整改38处，5处限期12月前整改完毕。",
    )
    submitted(net.reporter, title="东城县新建污水处理厂投入运行", body="污水处理厂日处理能力2万吨，服务人口8万。")
    page = client_for("editor").get("/desk/").content.decode()
    assert "疑似同一事件：以下 2 条内容相近" in page
    assert page.count("tag similar") == 2 and "%</span>" in page


# --- the entry page ---


def test_entry_page_shows_text_original_metadata_and_history(net, client_for):
    entry = _entry(net, writer_phone="0531-12345678", tags=["安全生产"])
    desk_services.entry_edit(
        actor=net.desk_chief,
        entry=entry,
        version=0,
        title="东城县冬季安全生产大检查整改隐患38处",
        body=BODY,
        note="改标题",
    )
    page = client_for("editor").get(f"/desk/entries/{entry.pk}/").content.decode()
    assert "东城县冬季安全生产大检查整改隐患38处" in page  # current text
    assert "报送原稿" in page and "东城县排查企业126家整改隐患38处" in page  # the original
    assert entry.submission.receipt_no in page and "0531-12345678" in page
    assert "东城县委办公室" in page and "处理中" in page
    assert "收稿" in page and "编辑" in page and "保存第 1 版" in page  # history
    entry.refresh_from_db()
    assert entry.state == EntryState.READ
    assert EntryRead.objects.filter(entry=entry, user=net.editor).exists()


def test_entry_page_offers_only_what_the_workflow_allows(net, client_for):
    entry = _opened(net)
    client = client_for("editor")
    page = client.get(f"/desk/entries/{entry.pk}/").content.decode()
    for label in ("退回修改", "预采用", "不采用", "标记为重复", "发起核实", "记录采用", "转报东海省委办公厅"):
        assert label in page, label
    assert 'id="action-reconsider"' not in page
    desk_services.entry_not_adopt(actor=net.editor, entry=entry, reason="价值不大")
    page = client.get(f"/desk/entries/{entry.pk}/").content.decode()
    assert 'id="action-reconsider"' in page
    assert 'id="action-preadopt"' not in page and "<summary>退回修改</summary>" not in page
    assert 'id="act-forward"' not in page and 'id="action-edit"' in page


def test_entry_page_queries_are_bounded(net, client_for, django_assert_max_num_queries):
    entry = _opened(net)
    for n in range(8):
        desk_services.entry_edit(
            actor=net.editor, entry=DeskEntry.objects.get(pk=entry.pk), version=n, title=f"标题第{n}版", body=BODY
        )
        desk_services.verification_request(actor=net.editor, entry=entry, method="sender", question=f"问题{n}")
    for n in range(10):
        submitted(net.reporter, title=f"另一条信息{n}")
    client = client_for("editor")
    client.get(f"/desk/entries/{entry.pk}/")
    with django_assert_max_num_queries(40):
        page = client.get(f"/desk/entries/{entry.pk}/").content.decode()
    assert "标题第7版" in page and "问题7" in page


# --- every action through the page ---


def test_return_needs_a_reason_and_notifies(net, client_for):
    entry = _opened(net)
    client = client_for("editor")
    response = client.post(f"/desk/entries/{entry.pk}/return/", {"return-reason": "  "})
    assert response.status_code == 400
    assert "“退回修改”须填写理由" in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == EntryState.READ
    response = client.post(f"/desk/entries/{entry.pk}/return/", {"return-reason": "请补充整改时限"}, follow=True)
    assert "已退回修改" in response.content.decode() and "请补充整改时限" in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == EntryState.RETURNED and entry.item.state == ItemState.RETURNED


def test_a_forwarded_entry_cannot_be_returned_only_not_adopted(net, client_for):
    _, upper = _forwarded(net)
    make_user("sheng_bj", net.province, "editor")
    client = client_for("editor")
    client.force_login(type(net.editor).objects.get(username="sheng_bj"))
    page = client.get(f"/desk/entries/{upper.pk}/").content.decode()
    assert "<summary>退回修改</summary>" not in page and "<summary>不采用</summary>" in page


def test_preadopt_not_adopt_and_reconsider(net, client_for):
    entry = _opened(net)
    client = client_for("desk_chief")
    response = client.post(f"/desk/entries/{entry.pk}/preadopt/", follow=True)
    assert "已预采用" in response.content.decode()
    response = client.post(f"/desk/entries/{entry.pk}/not-adopt/", {"not_adopt-reason": ""})
    assert response.status_code == 400 and "“不采用”须填写理由" in response.content.decode()
    client.post(f"/desk/entries/{entry.pk}/not-adopt/", {"not_adopt-reason": "与本市无关"})
    entry.refresh_from_db()
    assert entry.state == EntryState.NOT_ADOPTED
    client.post(f"/desk/entries/{entry.pk}/reconsider/")
    entry.refresh_from_db()
    assert entry.state == EntryState.READ
    response = client.post(f"/desk/entries/{entry.pk}/reconsider/")
    assert response.status_code == 400 and "不能“重新处理”" in response.content.decode()


def test_assign_to_an_editor_of_the_desk(net, client_for):
    entry = _opened(net)
    client = client_for("desk_chief")
    response = client.post(f"/desk/entries/{entry.pk}/assign/", {"editor": net.editor.pk}, follow=True)
    assert "已分配给王编辑" in response.content.decode()
    entry.refresh_from_db()
    assert entry.assignee == net.editor
    response = client.post(f"/desk/entries/{entry.pk}/assign/", {"editor": net.duty_officer.pk})
    assert response.status_code == 400  # not an editor: not among the choices
    entry.refresh_from_db()
    assert entry.assignee == net.editor
    assert "王编辑" in client.get("/desk/?mine=").content.decode()


def test_mark_duplicate(net, client_for):
    first = _opened(net)
    second = _opened(net, title="东城县排查企业126家")
    elsewhere = entry_at(submitted(net.outsider, title="西山县信息"), net.other_city.desk)
    client = client_for("editor")
    response = client.post(f"/desk/entries/{second.pk}/duplicate/", {"of": elsewhere.pk})
    assert response.status_code == 400 and f"本科室没有编号为 {elsewhere.pk} 的信息" in response.content.decode()
    response = client.post(f"/desk/entries/{second.pk}/duplicate/", {"of": second.pk})
    assert response.status_code == 400 and "只能标记为本科室另一条信息的重复" in response.content.decode()
    response = client.post(f"/desk/entries/{second.pk}/duplicate/", {"of": first.pk}, follow=True)
    assert "已标记为与" in response.content.decode()
    second.refresh_from_db()
    assert second.state == EntryState.DUPLICATE and second.duplicate_of == first
    assert f'href="/desk/entries/{first.pk}/"' in client.get(f"/desk/entries/{second.pk}/").content.decode()


def test_similar_entries_on_the_entry_page(net, client_for):
    entry = _entry(net, title="东城县排查企业126家发现隐患43处")
    twin = entry_at(
        submitted(
            make_user("town_r", net.town, "reporter"),
            title="东城镇配合排查企业126家",
            body="东城县召开安全生产专题会议，全县排查企业126家，发现隐患43处，已整改38处，5处限期12月前整改完毕。",
        ),
        net.city.desk,
    )
    # The same event above the editor's clearance: never shown, not even as a count.
    above = net.editor.clearance + 1
    entry_at(
        submitted(
            make_user("town_secret", net.town, "reporter", clearance=above),
            title="东城镇涉密排查企业126家",
            body="东城县召开安全生产专题会议，全县排查企业126家，发现隐患43处，已整改38处，5处限期12月前整改完毕。",
            classification=above,
        ),
        net.city.desk,
    )
    page = client_for("editor").get(f"/desk/entries/{entry.pk}/").content.decode()
    assert 'id="similar"' in page and "东城镇配合排查企业126家" in page
    assert "标为重复" in page and f"/desk/combine/?ids={entry.pk},{twin.pk}" in page
    assert "%</span>" in page and "涉密排查" not in page
    assert page.count('class="tag similar"') == 1


def test_verification_request_and_close(net, client_for):
    entry = _opened(net)
    client = client_for("editor")
    response = client.post(f"/desk/entries/{entry.pk}/verify/", {"method": "related", "question": "口径？"})
    assert response.status_code == 400 and "向相关单位核实须选择单位" in response.content.decode()
    response = client.post(
        f"/desk/entries/{entry.pk}/verify/", {"method": "related", "question": "口径？", "related_unit": "不存在的单位"}
    )
    assert response.status_code == 400 and "没有找到单位“不存在的单位”" in response.content.decode()
    assert "口径？" in response.content.decode()  # the user's input is kept
    response = client.post(
        f"/desk/entries/{entry.pk}/verify/",
        {"method": "related", "question": "126家的口径？", "related_unit": "临江市应急管理局"},
        follow=True,
    )
    assert "已发起核实" in response.content.decode()
    verification = Verification.objects.get(entry=entry)
    assert verification.related_unit == net.city_dept
    assert "核实中" in client.get(f"/desk/entries/{entry.pk}/").content.decode()
    response = client.post(
        f"/desk/entries/{entry.pk}/verify-close/",
        {"verification": verification.pk, "outcome": "confirmed", "note": "应急局确认"},
        follow=True,
    )
    assert "核实已办结：属实" in response.content.decode()
    response = client.post(
        f"/desk/entries/{entry.pk}/verify-close/", {"verification": verification.pk, "outcome": "false", "note": ""}
    )
    assert response.status_code == 400 and "该核实已经办结" in response.content.decode()


def test_major_event_blocks_forwarding_while_verification_is_open(net, client_for):
    entry = _opened(net)
    client = client_for("editor")
    client.post(f"/desk/entries/{entry.pk}/major/", {"major": "1"})
    client.post(f"/desk/entries/{entry.pk}/verify/", {"method": "sender", "question": "伤亡数字？"})
    response = client.post(f"/desk/entries/{entry.pk}/forward/")
    assert response.status_code == 400 and "核实尚未完成，不能转报" in response.content.decode()
    assert not DeskEntry.objects.filter(desk=net.province.desk).exists()
    client.post(f"/desk/entries/{entry.pk}/major/", {"major": "0"})
    entry.refresh_from_db()
    assert not entry.major_event


def test_forward_once_and_the_parent_desk_sees_the_chain(net, client_for):
    entry = _opened(net)
    desk_services.entry_edit(actor=net.editor, entry=entry, version=0, title="临江编辑后的标题", body=BODY, note="精炼")
    client = client_for("editor")
    response = client.post(f"/desk/entries/{entry.pk}/forward/", {"forward-note": "请省办参阅"}, follow=True)
    assert "已转报东海省委办公厅信息科" in response.content.decode()
    upper = DeskEntry.objects.get(desk=net.province.desk)
    assert upper.title == "临江编辑后的标题" and upper.forwarded_from_id == entry.pk
    response = client.post(f"/desk/entries/{entry.pk}/forward/")
    assert response.status_code == 400 and "该信息已经转报过" in response.content.decode()
    assert DeskEntry.objects.filter(desk=net.province.desk).count() == 1
    sheng = make_user("sheng_bj", net.province, "editor")
    client.force_login(sheng)
    page = client.get(f"/desk/entries/{upper.pk}/").content.decode()
    chain = page[page.index('id="chain"') :]
    assert "东城县委办公室" in chain and "临江市委办公室信息科" in chain and "东海省委办公厅信息科" in chain
    assert "临江编辑后的标题" in chain and "精炼" in chain  # the lower desk's version
    assert "东城县排查企业126家整改隐患38处" in page  # the original
    # The lower desk sees the province entry's state as feedback, read only.
    client.force_login(net.editor)
    page = client.get(f"/desk/entries/{upper.pk}/").content.decode()
    assert "其他科室的收稿（只读）" in page and 'id="entry-actions"' not in page
    # Only the province's own staff open its entry (the province editor did, above).
    assert list(EntryRead.objects.filter(entry=upper).values_list("user__username", flat=True)) == ["sheng_bj"]


def test_record_adoption_and_external_adoption(net, client_for):
    _, upper = _forwarded(net)
    sheng = make_user("sheng_bj", net.province, "editor")
    client = client_for("editor")
    client.force_login(sheng)
    url = f"/desk/entries/{upper.pk}/adopt/"
    today = timezone.localdate()
    response = client.post(url, {"publication": "", "issue_no": "1", "adopted_on": f"{today:%Y-%m-%d}", "kind": "full"})
    assert response.status_code == 400 and "请填写采用刊物的名称" in response.content.decode()
    client.post(
        url,
        {
            "publication": "东海信息",
            "issue_no": "2026年第12期",
            "adopted_on": f"{today:%Y-%m-%d}",
            "kind": "full",
            "external_level": "",
        },
    )
    page = client.get(f"/desk/entries/{upper.pk}/").content.decode()
    assert "系统外采用：中办" in page and "系统外采用：国办" in page and "系统外采用：省级" not in page
    response = client.post(
        url,
        {
            "publication": "国办信息专报",
            "issue_no": "第3期",
            "adopted_on": f"{today:%Y-%m-%d}",
            "kind": "brief",
            "external_level": "guoban",
        },
        follow=True,
    )
    assert "已记录采用" in response.content.decode()
    assert Adoption.objects.filter(external=True, level="guoban", unit=net.county).exists()
    assert Adoption.objects.filter(external=False, level="province", publication="东海信息").exists()
    # The city desk sees the adoptions up the chain on its own entry.
    client.force_login(net.editor)
    page = client.get(f"/desk/entries/{upper.forwarded_from_id}/").content.decode()
    adoptions = page[page.index('id="adoptions"') :]
    assert "东海信息" in adoptions and "国办信息专报" in adoptions and "系统外" in adoptions


# --- editing ---


def test_edit_keeps_versions_and_shows_the_diff(net, client_for):
    entry = _opened(net)
    client = client_for("editor")
    response = client.post(
        f"/desk/entries/{entry.pk}/edit/",
        {
            "title": "东城县冬季排查企业126家整改隐患38处",
            "body": BODY.replace("43处", "四十三处"),
            "note": "数字",
            "version": 0,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "已保存第 1 版" in page and "王编辑" in page and "数字" in page
    assert "<ins>冬季</ins>" in page
    assert "<del>43</del>" in page and "<ins>四十三</ins>" in page
    entry.refresh_from_db()
    assert entry.version == 1 and entry.title == "东城县冬季排查企业126家整改隐患38处"
    # An old version against the original.
    desk_services.entry_edit(actor=net.editor, entry=entry, version=1, title="第二版标题", body=BODY)
    page = client.get(f"/desk/entries/{entry.pk}/edit/?diff=1").content.decode()
    assert "<ins>冬季</ins>" in page and "第 1 版 · 王编辑" in page


def test_a_stale_edit_fails_loudly_and_keeps_the_text(net, client_for):
    entry = _opened(net)
    desk_services.entry_edit(actor=net.desk_chief, entry=entry, version=0, title="科长先改的标题", body=BODY)
    response = client_for("editor").post(
        f"/desk/entries/{entry.pk}/edit/", {"title": "我的标题", "body": "我认真改写的正文。", "version": 0}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "保存失败：您编辑的不是最新版本" in page and "赵科长" in page
    assert "我认真改写的正文。" in page and 'value="我的标题"' in page  # nothing lost
    assert "科长先改的标题" in page and f'href="/desk/entries/{entry.pk}/edit/"' in page  # the latest
    entry.refresh_from_db()
    assert entry.title == "科长先改的标题" and entry.version == 1


def test_edit_refuses_an_empty_title_and_a_missing_version(net, client_for):
    entry = _opened(net)
    client = client_for("editor")
    response = client.post(f"/desk/entries/{entry.pk}/edit/", {"title": " ", "body": "正文", "version": 0})
    assert response.status_code == 400 and "标题不能为空" in response.content.decode()
    response = client.post(f"/desk/entries/{entry.pk}/edit/", {"title": "标题", "body": "正文"})
    assert response.status_code == 400 and "表单已过期" in response.content.decode()
    entry.refresh_from_db()
    assert entry.version == 0


def test_html_in_text_is_shown_escaped(net, client_for):
    evil = '<script>alert("x")</script><b>粗</b>'
    entry = _opened(net, title=f"标题{evil}", body=f"正文{evil}126家")
    client = client_for("editor")
    for url in (f"/desk/entries/{entry.pk}/", "/desk/", f"/desk/entries/{entry.pk}/edit/"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page, url
    client.post(f"/desk/entries/{entry.pk}/edit/", {"title": "改<i>过</i>", "body": "正文<img src=x>", "version": 0})
    page = client.get(f"/desk/entries/{entry.pk}/edit/").content.decode()
    assert "<img src=x>" not in page and "&lt;img src=x&gt;" in page and "<i>过</i>" not in page


def test_inbox_rows_escape_every_field_and_show_labels(net, client_for):
    """The rows are written in Python (``inbox_rows``): each value escaped, each label shown."""
    from django.utils import timezone

    from xinxi.items.models import Tag
    from xinxi.lib.choices import Classification, Urgency

    evil = '<img src=x onerror="alert(1)">'
    net.reporter.unit.__class__.objects.filter(pk=net.reporter.unit_id).update(name=f"东城县{evil}")
    net.editor.__class__.objects.filter(pk=net.editor.pk).update(full_name=f"编辑{evil}")
    entry = _entry(net, title=f"标题{evil}", urgency=Urgency.URGENT, classification=Classification.INTERNAL)
    entry.item.tags.add(Tag.objects.create(name="标签<i>斜</i>"))  # a tag holds 30 characters
    DeskEntry.objects.filter(pk=entry.pk).update(assignee=net.editor, major_event=True)
    page = client_for("editor").get("/desk/").content.decode()
    assert "<img src=x" not in page and page.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") >= 4
    assert "<i>斜" not in page and '<span class="tag">标签&lt;i&gt;斜&lt;/i&gt;</span>' in page
    row = page[page.index(f'data-entry="{entry.pk}"') :].split("</tr>")[0]
    assert f'href="/desk/entries/{entry.pk}/"' in row and f'name="ids" value="{entry.pk}"' in row
    assert '<span class="tag off">重大事件</span>' in row and '<span class="tag new-mark">新</span>' in row
    assert '<td data-label="密级·紧急">内部·加急</td>' in row
    assert '<td data-label="报送单位">东城县&lt;img' in row and '<td data-label="责任编辑">编辑&lt;img' in row
    assert timezone.localtime(entry.received_at).strftime("%m-%d %H:%M") in row
    assert 'class="desk-state ds-new">待处理</span>' in row
    # A reader at the desk gets no selection box.
    assert 'name="ids"' not in client_for("duty_officer").get("/desk/").content.decode()


def test_char_diff_marks_characters_and_escapes():
    from xinxi.items.desk_views import char_diff

    old, new = char_diff("共排查<企业>126家", "共排查<企业>128家，整改")
    assert old == "共排查&lt;企业&gt;12<del>6</del>家"
    assert new == "共排查&lt;企业&gt;12<ins>8</ins>家<ins>，整改</ins>"
    long_old = "\n".join(f"第{n}段内容" * 50 for n in range(200))
    left, right = char_diff(long_old, long_old.replace("第7段", "第七段"))
    assert right.count("<ins>") == 50 and "<del>7</del>" in left


# --- combining ---


def test_combine_from_the_inbox_selection(net, client_for):
    a = _opened(net)
    dept_reporter = make_user("dept_r", net.city_dept, "reporter")
    b = entry_at(submitted(dept_reporter, title="市应急局部署检查", body="全市检查企业500家。"), net.city.desk)
    client = client_for("editor")
    page = client.get(f"/desk/combine/?ids={a.pk}&ids={b.pk}").content.decode()
    assert "东城县委办公室" in page and "临江市应急管理局" in page
    assert "全市检查企业500家。" in page and BODY in page  # the body is pre-filled with both texts
    response = client.post(
        "/desk/combine/",
        {"ids": f"{a.pk},{b.pk}", "title": "我市扎实开展冬季安全生产大检查", "body": "综合正文626家。"},
        follow=True,
    )
    page = response.content.decode()
    combined = DeskEntry.objects.get(source="combined")
    assert response.redirect_chain[-1][0] == f"/desk/entries/{combined.pk}/"
    assert "已综合 2 条信息" in page
    sources = page[page.index('id="sources"') :]
    assert "东城县排查企业126家整改隐患38处" in sources and "市应急局部署检查" in sources
    assert "综合采用计分单位" in sources and "东城县委办公室" in sources and "临江市应急管理局" in sources
    for e in (a, b):
        e.refresh_from_db()
        assert e.state == EntryState.COMBINED
    assert "已综合进" in client.get(f"/desk/entries/{a.pk}/").content.decode()


def test_combine_with_one_entry_is_refused(net, client_for):
    a = _opened(net)
    client = client_for("editor")
    page = client.get(f"/desk/combine/?ids={a.pk}").content.decode()
    assert "综合信息至少需要两条来源信息" in page
    response = client.post("/desk/combine/", {"ids": f"{a.pk}", "title": "综合标题", "body": "我写的综合正文"})
    assert response.status_code == 400
    assert "综合信息至少需要两条来源信息" in response.content.decode()
    assert "我写的综合正文" in response.content.decode()
    assert not DeskEntry.objects.filter(source="combined").exists()


def test_forward_the_combined_item(net, client_for):
    a, b = _opened(net), _opened(net, title="东城县第二条")
    combined = desk_services.entry_combine(actor=net.editor, entries=[a, b], title="综合信息标题", body="综合正文。")
    client = client_for("editor")
    client.post(f"/desk/entries/{combined.pk}/forward/")
    upper = DeskEntry.objects.get(desk=net.province.desk)
    client.force_login(make_user("sheng_bj", net.province, "editor"))
    page = client.get(f"/desk/entries/{upper.pk}/").content.decode()
    assert "综合来源（2 条）" in page and "东城县第二条" in page and "本科室综合" in page
