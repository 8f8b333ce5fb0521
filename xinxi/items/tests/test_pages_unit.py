"""A reporting unit's item pages: 我的信息, drafting, sign-off, submission and feedback.

Access: the pages are the unit's own. Reporters and approvers of the county see them;
another unit's reporter (outsider) gets 404 on the county's items and an empty 我的信息
of their own; desk staff and admins have no 我的信息 at all (404 on every /items/ page:
they read items in their desk inbox instead).
"""

import datetime as dt
import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xinxi.items import desk_services, services
from xinxi.items.models import Attachment, DeskEntry, EntryState, Item, ItemState, Submission
from xinxi.items.tests.factories import BODY, draft, entry_at, submitted
from xinxi.network.testing import PERSONAS, make_user

ALL = set(PERSONAS)
UNIT = {"reporter", "approver", "no_clearance"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CITY_DESK = "临江市委办公室信息科"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="现场照片说明.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def form_data(item=None, **overrides):
    data = {
        "title": "东城县排查企业126家整改隐患38处",
        "body": BODY,
        "category": "news",
        "tone": "positive",
        "classification": "0",
        "urgency": "0",
        "writer_name": "张信息",
        "writer_phone": "0531-88880000",
        "event_time": "2026-11-20T09:30",
        "tags": "安全生产、冬季",
        "action": "save",
        "idempotency_key": "key-1",
    }
    if item is not None:
        data["version"] = str(item.version)
    data.update(overrides)
    return data


def text_of(response):
    return response.content.decode()


def body_box(page):
    """What the body textarea shows, as the user sees it."""
    found = re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', page, re.S)
    assert found, "no body textarea"
    return html.unescape(found.group(1))


# --- access ---


@pytest.mark.parametrize("persona", sorted(ALL - UNIT))
def test_writes_refused_to_everyone_outside_the_unit(net, client_for, persona):
    item = draft(net.reporter, title="原标题")
    net.county.requires_signoff = True
    net.county.save()
    pending = draft(net.reporter, title="待签发")
    services.item_request_signoff(actor=net.reporter, item=pending)
    client = client_for(persona)
    posts = {
        f"/items/{item.pk}/edit/": form_data(item, title="被改了", action="submit"),
        f"/items/{item.pk}/autosave/": form_data(item, title="被改了"),
        f"/items/{item.pk}/discard/": {},
        f"/items/{pending.pk}/signoff/": {"action": "approve", "idempotency_key": "x"},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code == 404, f"{persona} {url}: {response.status_code}"
    item.refresh_from_db()
    pending.refresh_from_db()
    assert item.title == "原标题" and pending.state == ItemState.PENDING_SIGNOFF
    assert not Submission.objects.exists()
    hints = client.post("/items/hints/", {"title": "x", "body": ""})
    assert hints.status_code == (200 if persona == "outsider" else 404)


def test_a_reporter_cannot_sign_off(net, client_for):
    net.county.requires_signoff = True
    net.county.save()
    item = draft(net.reporter)
    services.item_request_signoff(actor=net.reporter, item=item)
    response = client_for("reporter").post(f"/items/{item.pk}/signoff/", {"action": "approve"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.state == ItemState.PENDING_SIGNOFF


# --- 我的信息 ---


def test_my_items_shows_states_and_where_each_item_stands(net, client_for):
    draft(net.reporter, title="还在写的草稿")
    sent = submitted(net.reporter, title="报出去的信息")
    draft(net.outsider, title="别的县的信息")
    page = text_of(client_for("reporter").get("/items/"))
    assert "还在写的草稿" in page and "报出去的信息" in page and "别的县的信息" not in page
    assert "草稿" in page and "已报送" in page
    assert CITY_DESK in page and "待处理" in page
    assert "写信息" in page
    desk_services.entry_return(actor=net.editor, entry=entry_at(sent, net.city.desk), reason="请补充数字")
    filtered = text_of(client_for("reporter").get("/items/?state=returned"))
    assert "报出去的信息" in filtered and "还在写的草稿" not in filtered
    by_category = text_of(client_for("reporter").get("/items/?category=experience"))
    assert "报出去的信息" not in by_category and "没有符合条件的信息" in by_category


def test_my_items_hides_items_above_clearance(net, client_for):
    draft(net.reporter, title="内部的信息", classification=1)
    assert "内部的信息" not in text_of(client_for("no_clearance").get("/items/"))
    assert "内部的信息" in text_of(client_for("approver").get("/items/"))


def test_my_items_is_paginated_with_bounded_queries(net, client_for, django_assert_max_num_queries):
    for n in range(23):
        item = draft(net.reporter, title=f"第{n}条信息，排查企业{n}家")
        if n % 2:
            services.item_submit(actor=net.reporter, item=item)
    client = client_for("approver")
    client.get("/items/")
    # 12, plus one per ``panels.ROW`` function (remarks' 已点评 marks: one query for the page).
    with django_assert_max_num_queries(13):
        first = client.get("/items/")
    assert "第 1 / 2 页，共 23 条" in text_of(first)
    with django_assert_max_num_queries(13):
        second = client.get("/items/?page=2")
    assert text_of(second).count('class="my-row"') == 3


# --- drafting ---


def test_new_draft_is_saved_and_shows_the_cleaned_text(net, client_for):
    client = client_for("reporter")
    pasted = "\u3000\u3000东城县召开安全生产专题会议\u200b。\r\n\r\n\r\n\r\n全县共排查企业126家。  "
    data = form_data(title=" 东城县排查企业\u200b126家 ", body=pasted, tags="安全生产，冬季、 检查")
    response = client.post("/items/new/", data)
    item = Item.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/items/{item.pk}/edit/"
    assert item.title == "东城县排查企业126家"
    assert item.body == "东城县召开安全生产专题会议。\n\n全县共排查企业126家。"
    assert sorted(t.name for t in item.tags.all()) == ["冬季", "安全生产", "检查"]
    page = text_of(client.get(response["Location"]))
    assert "草稿已保存" in page
    assert body_box(page) == "东城县召开安全生产专题会议。\n\n全县共排查企业126家。"
    assert item.event_time == dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.UTC)


def test_classification_offered_only_up_to_the_users_clearance(net, client_for):
    client = client_for("no_clearance")
    page = text_of(client.get("/items/new/"))
    assert '<option value="0" selected>公开</option>' in page and "内部</option>" not in page
    response = client.post("/items/new/", form_data(classification="1"))
    assert response.status_code == 200 and "1 不在可用的选项中" in text_of(response)
    assert not Item.objects.exists()


def test_empty_title_is_saved_as_a_draft_but_cannot_be_submitted(net, client_for):
    client = client_for("reporter")
    response = client.post("/items/new/", form_data(title="", action="submit"))
    assert response.status_code == 200
    page = text_of(response)
    assert "标题不能为空" in page
    item = Item.objects.get()
    assert item.state == ItemState.DRAFT and item.body == BODY
    assert not Submission.objects.exists()
    # The page now works on the saved draft: saving again is not a conflict.
    assert f'action="/items/{item.pk}/edit/"' in page
    assert f'name="version" value="{item.version}"' in page


def test_oversized_body_is_refused_with_nothing_lost(net, client_for):
    client = client_for("reporter")
    body = "全县排查企业126家。" * 2001  # 22,011 characters
    response = client.post("/items/new/", form_data(title="一条写得太长的信息", body=body))
    page = text_of(response)
    assert response.status_code == 200
    assert "正文不能超过 20000 个字（现有 22011 个字）" in page
    assert 'value="一条写得太长的信息"' in page and body_box(page) == body and "0531-88880000" in page
    assert not Item.objects.exists()


def test_oversized_title_is_refused_on_an_existing_draft(net, client_for):
    item = draft(net.reporter)
    response = client_for("reporter").post(f"/items/{item.pk}/edit/", form_data(item, title="长" * 201, body="新正文"))
    page = text_of(response)
    assert "标题不能超过 200 个字" in page and body_box(page) == "新正文"
    item.refresh_from_db()
    assert item.body == BODY


def test_html_in_title_and_body_is_shown_as_text(net, client_for):
    item = submitted(
        net.reporter, title="<script>alert(1)</script>标题", body="<b>加粗</b>正文<img src=x onerror=alert(1)>"
    )
    client = client_for("reporter")
    for url in ("/items/", f"/items/{item.pk}/"):
        page = text_of(client.get(url))
        assert "<script>alert(1)</script>" not in page and "<b>加粗</b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;标题" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in text_of(client.get(f"/items/{item.pk}/"))


def test_hints_refresh_as_the_user_types(net, client_for):
    response = client_for("reporter").post("/items/hints/", {"title": "会议", "body": "开会了"})
    page = text_of(response)
    assert "标题只有 2 个字" in page and "正文 3 字，偏短" in page and "正文没有数字" in page
    edit = text_of(client_for("reporter").get("/items/new/"))
    assert 'hx-post="/items/hints/"' in edit and 'hx-trigger="keyup changed delay:600ms"' in edit


def test_autosave_keeps_the_version_and_refuses_a_stale_one(net, client_for):
    item = draft(net.reporter)
    client = client_for("reporter")
    first = client.post(f"/items/{item.pk}/autosave/", form_data(item, body=BODY + "补充一句。"))
    assert first.status_code == 200
    reply = first.json()
    assert reply["ok"] and reply["version"] == item.version + 1 and len(reply["saved_at"]) == 8
    stale = client.post(f"/items/{item.pk}/autosave/", form_data(item, body="旧页面上的内容"))
    assert stale.status_code == 409
    assert "已在别处修改" in stale.json()["error"]
    item.refresh_from_db()
    assert item.body == BODY + "补充一句。" and item.version == reply["version"]


def test_a_stale_manual_save_shows_the_conflict_and_keeps_the_text(net, client_for):
    item = draft(net.reporter)
    stale_version = item.version
    services.item_update(actor=net.approver, item=item, version=item.version, body="签发人改过")
    item.version = stale_version
    response = client_for("reporter").post(f"/items/{item.pk}/edit/", form_data(item, body="我的新写法"))
    page = text_of(response)
    assert "已在别处修改" in page and body_box(page) == "我的新写法"
    item.refresh_from_db()
    assert item.body == "签发人改过"


def test_autosave_of_a_new_page_creates_the_draft(net, client_for):
    response = client_for("reporter").post("/items/autosave/", form_data(title="刚开始写"))
    reply = response.json()
    item = Item.objects.get()
    assert reply["id"] == item.pk and reply["edit_url"] == f"/items/{item.pk}/edit/"
    assert item.title == "刚开始写" and item.created_by == net.reporter


def test_import_a_gbk_text_file_into_the_body(net, client_for):
    text = "东城县开展冬季安全生产大检查，排查企业126家。"
    upload = SimpleUploadedFile("正文.txt", text.encode("gbk"), content_type="text/plain")
    response = client_for("reporter").post(
        "/items/new/", {**form_data(body=""), "action": "import", "import_file": upload}
    )
    page = text_of(response)
    assert response.status_code == 200
    assert body_box(page) == text and "请检查后保存" in page
    assert not Item.objects.exists()  # the user still saves


def test_import_a_docx_appends_to_what_was_typed(net, client_for):
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("第一段：排查企业126家。")
    document.add_paragraph("第二段：整改隐患38处。")
    document.save(buffer)
    upload = SimpleUploadedFile("材料.docx", buffer.getvalue())
    data = {**form_data(body="已经写好的开头。"), "action": "import", "import_file": upload}
    page = text_of(client_for("reporter").post("/items/new/", data))
    assert body_box(page) == "已经写好的开头。\n\n第一段：排查企业126家。\n第二段：整改隐患38处。"


def test_import_of_a_corrupt_file_is_refused_in_chinese(net, client_for):
    upload = SimpleUploadedFile("材料.docx", b"PK\x03\x04 this is not really a docx")
    data = {**form_data(body="写到一半的正文"), "action": "import", "import_file": upload}
    page = text_of(client_for("reporter").post("/items/new/", data))
    assert "内容与扩展名不符或文件已损坏" in page and body_box(page) == "写到一半的正文"


def test_attachments_upload_list_download_and_remove(net, client_for):
    item = draft(net.reporter)
    client = client_for("reporter")
    response = client.post(
        f"/items/{item.pk}/edit/", {**form_data(item), "action": "upload", "attachment": pdf()}, follow=True
    )
    page = text_of(response)
    assert "已上传附件“现场照片说明.pdf”" in page
    attachment = Attachment.objects.get(item=item)
    download = client.get(f"/items/{item.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    item.refresh_from_db()
    client.post(f"/items/{item.pk}/edit/", {**form_data(item), "action": f"remove-{attachment.pk}"})
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("现场照片.pdf", b"GIF89a not a pdf", "内容与扩展名不符或文件已损坏"),
        ("程序.exe", b"MZ\x90\x00", "附件只能是 DOCX、PDF、JPG、PNG"),
        ("空.png", b"", "是空文件"),
    ],
)
def test_a_wrong_or_corrupt_attachment_gets_a_chinese_error(net, client_for, name, data, message):
    item = draft(net.reporter)
    upload = SimpleUploadedFile(name, data)
    response = client_for("reporter").post(
        f"/items/{item.pk}/edit/", {**form_data(item, body="附件前改的正文"), "action": "upload", "attachment": upload}
    )
    page = text_of(response)
    assert message in page and body_box(page) == "附件前改的正文"
    assert not Attachment.objects.exists()
    item.refresh_from_db()
    assert item.body == "附件前改的正文"  # the draft itself was saved


def test_an_oversized_attachment_is_refused(net, client_for, settings):
    settings.XINXI_MAX_ATTACHMENT_BYTES = 1024 * 1024
    item = draft(net.reporter)
    upload = pdf(data=PDF + b"0" * 1_250_000)
    page = text_of(
        client_for("reporter").post(
            f"/items/{item.pk}/edit/", {**form_data(item), "action": "upload", "attachment": upload}
        )
    )
    assert "“现场照片说明.pdf”有 1.2 MB，超过 1.0 MB 的上限" in page
    assert not Attachment.objects.exists()


def test_discard_a_draft(net, client_for):
    item = draft(net.reporter)
    response = client_for("reporter").post(f"/items/{item.pk}/discard/", follow=True)
    assert "已删除草稿" in text_of(response) and not Item.objects.exists()


# --- submission ---


def test_submit_shows_the_receipt_and_the_desks(net, client_for):
    item = draft(net.reporter)
    response = client_for("reporter").post(f"/items/{item.pk}/edit/", form_data(item, action="submit"), follow=True)
    submission = Submission.objects.get()
    assert f"已报送，回执号 {submission.receipt_no}，报送至：{CITY_DESK}。" in text_of(response)
    assert entry_at(item, net.city.desk).state == EntryState.NEW


def test_double_submit_with_the_same_key_makes_one_submission(net, client_for):
    item = draft(net.reporter)
    client = client_for("reporter")
    data = form_data(item, action="submit", idempotency_key="double-click-1")
    first = client.post(f"/items/{item.pk}/edit/", data)
    second = client.post(f"/items/{item.pk}/edit/", data, follow=True)
    assert first.status_code == 302
    assert Submission.objects.count() == 1 and DeskEntry.objects.count() == 1
    assert f"回执号 {Submission.objects.get().receipt_no}" in text_of(second)


def test_double_submit_of_a_new_page_makes_one_item(net, client_for):
    client = client_for("reporter")
    data = form_data(action="submit", idempotency_key="new-page-1")
    client.post("/items/new/", data)
    second = client.post("/items/new/", data, follow=True)
    assert Item.objects.count() == 1 and Submission.objects.count() == 1
    assert "已报送，回执号" in text_of(second)


def test_a_submitted_item_cannot_be_edited(net, client_for):
    item = submitted(net.reporter)
    response = client_for("reporter").get(f"/items/{item.pk}/edit/", follow=True)
    assert "该信息已报送，不能修改" in text_of(response)


# --- sign-off ---


def test_signoff_required_send_return_and_sign(net, client_for):
    net.county.requires_signoff = True
    net.county.save()
    item = draft(net.reporter)
    reporter, approver = client_for("reporter"), client_for("approver")
    edit = text_of(reporter.get(f"/items/{item.pk}/edit/"))
    assert 'value="signoff"' in edit and 'value="submit"' not in edit
    reporter.post(f"/items/{item.pk}/edit/", form_data(item, action="signoff"))
    item.refresh_from_db()
    assert item.state == ItemState.PENDING_SIGNOFF
    queue = text_of(approver.get("/items/signoff/"))
    assert item.title in queue and "签发并报送" in queue
    # A return needs a reason.
    page = text_of(approver.post(f"/items/{item.pk}/signoff/", {"action": "return", "reason": ""}, follow=True))
    assert "退回须填写理由" in page
    approver.post(f"/items/{item.pk}/signoff/", {"action": "return", "reason": "数字需核实"})
    item.refresh_from_db()
    assert item.state == ItemState.SIGNOFF_RETURNED
    assert "签发人退回：数字需核实" in text_of(reporter.get(f"/items/{item.pk}/edit/"))
    reporter.post(f"/items/{item.pk}/edit/", form_data(item, body=BODY + "（已核实）", action="signoff"))
    signed = approver.post(f"/items/{item.pk}/signoff/", {"action": "approve", "idempotency_key": "s-1"}, follow=True)
    submission = Submission.objects.get()
    assert submission.signed_off_by == net.approver and submission.body.endswith("（已核实）")
    assert f"已签发并报送，回执号 {submission.receipt_no}，报送至：{CITY_DESK}。" in text_of(signed)
    approver.post(f"/items/{item.pk}/signoff/", {"action": "approve", "idempotency_key": "s-1"})
    assert Submission.objects.count() == 1
    detail = text_of(reporter.get(f"/items/{item.pk}/"))
    assert "签发人 李签发" in detail


def test_signoff_queue_is_bounded(net, client_for, django_assert_max_num_queries):
    net.county.requires_signoff = True
    net.county.save()
    for n in range(5):
        services.item_request_signoff(actor=net.reporter, item=draft(net.reporter, title=f"送签信息{n}号"))
    client = client_for("approver")
    client.get("/items/signoff/")
    with django_assert_max_num_queries(12):
        page = text_of(client.get("/items/signoff/"))
    assert page.count('class="card signoff-item"') == 5


# --- feedback ---


def test_feedback_shows_every_round_and_every_desk_up_the_chain(net, client_for):
    item = submitted(net.reporter)
    other = submitted(net.reporter, title="东城镇排查隐患12处", body="东城镇排查隐患12处，已整改10处。")
    entry = entry_at(item, net.city.desk)
    desk_services.entry_return(actor=net.editor, entry=entry, reason="请补充整改时限")
    reporter = client_for("reporter")
    page = text_of(reporter.get(f"/items/{item.pk}/"))
    assert CITY_DESK in page and "退回修改：请补充整改时限" in page
    item.refresh_from_db()
    services.item_update(actor=net.reporter, item=item, version=item.version, body=BODY + "整改时限为12月31日。")
    services.item_submit(actor=net.reporter, item=item)
    entry.refresh_from_db()
    desk_services.entry_open(actor=net.editor, entry=entry)
    desk_services.entry_edit(
        actor=net.editor,
        entry=entry,
        version=entry.version,
        title="东城县冬季安全生产大检查整改隐患38处",
        body=entry.body.replace("共排查", "累计排查"),
    )
    entry.refresh_from_db()
    combined = desk_services.entry_combine(
        actor=net.editor,
        entries=[entry, entry_at(other, net.city.desk)],
        title="我市冬季安全生产大检查成效明显",
        body="综合正文：两地排查企业126家，隐患55处。",
    )
    province_editor = make_user("sheng_bj", net.province, "editor")
    upper = desk_services.entry_forward(actor=net.editor, entry=combined)
    desk_services.adoption_record(
        actor=province_editor,
        entry=upper,
        publication="东海信息",
        issue_no="2026年第12期",
        adopted_on=dt.date(2026, 11, 20),
        kind="full",
    )
    page = text_of(reporter.get(f"/items/{item.pk}/"))
    assert "共 2 轮" in page and page.index("第 2 轮") < page.index("第 1 轮")
    assert "整改时限为12月31日。" in page
    assert "东海省委办公厅信息科" in page and "综合信息（含本信息）" in page
    assert "已综合进综合信息“我市冬季安全生产大检查成效明显”" in page
    assert "东海信息" in page and "2026年第12期" in page and "综合采用" in page and "省级" in page
    assert "查看修改" in page
    diff = text_of(reporter.get(f"/items/{item.pk}/entries/{entry.pk}/diff/"))
    assert "<del>共</del>" in diff and "<ins>累计</ins>" in diff
    assert "<ins>冬季安全生产大检查</ins>" in diff


def test_feedback_hides_entries_above_the_users_clearance(net, client_for):
    item = submitted(net.reporter)
    entry = entry_at(item, net.city.desk)
    desk_services.entry_open(actor=net.editor, entry=entry)
    secret = services.item_create(actor=net.reporter, title="内部信息", body="内部正文12处", classification=1)
    services.item_submit(actor=net.reporter, item=secret)
    combined = desk_services.entry_combine(
        actor=net.editor, entries=[entry, entry_at(secret, net.city.desk)], title="内部综合信息", body="综合正文3处。"
    )
    assert combined.classification == 1
    assert "内部综合信息" in text_of(client_for("reporter").get(f"/items/{item.pk}/"))
    page = text_of(client_for("no_clearance").get(f"/items/{item.pk}/"))
    assert "内部综合信息" not in page and CITY_DESK in page
    assert client_for("no_clearance").get(f"/items/{item.pk}/entries/{combined.pk}/diff/").status_code == 404


def test_feedback_of_a_desk_persona_is_404(net, client_for):
    item = submitted(net.reporter)
    for persona in ("editor", "desk_chief", "duty_officer", "leader", "outsider", "admin"):
        assert client_for(persona).get(f"/items/{item.pk}/").status_code == 404
