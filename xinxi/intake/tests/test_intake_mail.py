"""E-mail intake against a real IMAP server on loopback (dovecot): taking mail in, quarantine, accepting."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail as django_mail

from xinxi.audit.models import AuditEvent
from xinxi.intake import fetch, services
from xinxi.intake.models import IntakeMessage, IntakeState
from xinxi.intake.tests.mails import DOCX, docx_bytes, gbk_mail, mail
from xinxi.items.models import DeskEntry, EntryEvent, ItemState
from xinxi.lib.errors import ServiceError

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def sender(net: Any) -> Any:
    net.reporter.email = "reporter@county.example"
    net.reporter.save(update_fields=["email"])
    return net.reporter


def test_a_good_mail_is_queued_and_accepted_into_the_desk_inbox(imap: Any, mailbox: Any, sender: Any,
                                                               net: Any) -> None:
    imap.append("citydesk", mail(attachments=[("现场照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")]))
    assert fetch.sweep() == 1
    message = IntakeMessage.objects.get()
    assert message.state == IntakeState.QUEUED
    assert message.unit == net.county and message.sender_user == sender
    assert message.subject == "东城县开展冬季安全生产大检查"
    assert "隐患23处" in message.body
    assert bytes(message.raw).startswith(b"From:") or b"Message-ID" in bytes(message.raw)
    assert imap.unseen("citydesk") == []  # marked \Seen after recording

    item = services.intake_accept(actor=net.editor, message=message, unit=net.county)
    message.refresh_from_db()
    assert message.state == IntakeState.ACCEPTED and message.item == item
    assert item.unit == net.county and item.state == ItemState.SUBMITTED and item.created_by == net.editor
    assert item.writer_name == sender.full_name
    assert [a.name for a in item.attachments.all()] == ["现场照片.png"]
    entry = DeskEntry.objects.get(item=item)
    assert entry.desk.unit == net.city and entry.origin_unit == net.county
    assert EntryEvent.objects.filter(entry=entry, action="intake", actor=net.editor).exists()
    submit = item.events.get(action="submit")
    assert submit.actor == net.editor and "代东城县委办公室录入并报送" in submit.reason
    audit = AuditEvent.objects.get(action="intake_accept")
    assert audit.actor == net.editor and audit.detail["on_behalf_of"] == net.county.name


def test_the_inbox_page_lists_the_accepted_item(imap: Any, mailbox: Any, sender: Any, net: Any,
                                                client_for: Any) -> None:
    imap.append("citydesk", mail(subject="东城县邮件来稿一则"))
    fetch.sweep()
    services.intake_accept(actor=net.editor, message=IntakeMessage.objects.get(), unit=net.county)
    assert "东城县邮件来稿一则" in client_for("editor").get("/desk/").content.decode()


def test_an_unknown_sender_is_quarantined(imap: Any, mailbox: Any, net: Any) -> None:
    imap.append("citydesk", mail(sender="stranger@example.org"))
    fetch.sweep()
    message = IntakeMessage.objects.get()
    assert message.state == IntakeState.QUARANTINED and message.unit is None
    assert "不是本系统用户登记的邮箱" in message.reason
    with pytest.raises(ServiceError, match="请选择报送单位"):
        services.intake_accept(actor=net.editor, message=message, unit=None)
    with pytest.raises(ServiceError, match="不向本科室报送"):
        services.intake_accept(actor=net.editor, message=message, unit=net.other_county)
    item = services.intake_accept(actor=net.editor, message=message, unit=net.town)  # released to a unit
    assert item.unit == net.town


def test_a_corrupt_docx_is_quarantined(imap: Any, mailbox: Any, sender: Any) -> None:
    imap.append("citydesk", mail(body="见附件", attachments=[("情况报告.docx", b"PK\x03\x04garbage", DOCX)]))
    fetch.sweep()
    message = IntakeMessage.objects.get()
    assert message.state == IntakeState.QUARANTINED
    assert "情况报告.docx" in message.reason and "损坏" in message.reason
    assert message.attachments[0]["ok"] is False


def test_a_docx_is_taken_as_the_body_when_the_mail_says_only_see_attachment(imap: Any, mailbox: Any,
                                                                           sender: Any, net: Any) -> None:
    data = docx_bytes("东城县冬季安全生产情况", "全县共检查企业56家，发现隐患23处。")
    imap.append("citydesk", mail(body="见附件。", attachments=[("情况.docx", data, DOCX)]))
    fetch.sweep()
    message = IntakeMessage.objects.get()
    assert message.state == IntakeState.QUEUED
    assert "隐患23处" in message.body and message.body_from == "附件“情况.docx”"
    item = services.intake_accept(actor=net.editor, message=message, unit=net.county)
    assert "隐患23处" in item.body and item.attachments.count() == 1


def test_an_oversized_attachment_is_quarantined(imap: Any, mailbox: Any, sender: Any, settings: Any,
                                                net: Any) -> None:
    settings.XINXI_MAX_ATTACHMENT_BYTES = 1024
    imap.append("citydesk", mail(attachments=[("大图.png", b"\x89PNG\r\n\x1a\n" + b"0" * 5000, "image/png"),
                                              ("说明.exe", b"MZ", "application/octet-stream")]))
    fetch.sweep()
    message = IntakeMessage.objects.get()
    assert message.state == IntakeState.QUARANTINED
    assert "超过" in message.reason and "说明.exe" in message.reason
    item = services.intake_accept(actor=net.editor, message=message, unit=net.county)
    assert item.attachments.count() == 0  # the bad files are not kept


def test_an_empty_mail_is_quarantined_and_can_be_discarded(imap: Any, mailbox: Any, sender: Any,
                                                            net: Any) -> None:
    imap.append("citydesk", mail(subject="", body=""))
    fetch.sweep()
    message = IntakeMessage.objects.get()
    assert message.state == IntakeState.QUARANTINED and "没有正文" in message.reason
    services.intake_discard(actor=net.editor, message=message)
    message.refresh_from_db()
    assert message.state == IntakeState.DISCARDED


def test_a_gbk_mail_is_decoded(imap: Any, mailbox: Any, sender: Any) -> None:
    raw = gbk_mail(sender.email, "关于镕基石桥乡防汛工作的报告", "石桥乡组织干部群众300余人连夜加固堤坝。")
    imap.append("citydesk", raw)
    fetch.sweep()
    message = IntakeMessage.objects.get()
    assert message.state == IntakeState.QUEUED
    assert message.subject == "关于镕基石桥乡防汛工作的报告"
    assert "加固堤坝" in message.body and message.sender_name == "张信息"


def test_an_html_mail_is_stripped_safely(imap: Any, mailbox: Any, sender: Any) -> None:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["Subject"] = sender.email, "网页格式来稿"
    msg.set_content("<p>第一段<script>alert(1)</script></p><p>第二段 &amp; 更多内容，共计三十个字以上的正文。</p>",
                    subtype="html")
    imap.append("citydesk", bytes(msg))
    fetch.sweep()
    body = IntakeMessage.objects.get().body
    assert "第一段" in body and "第二段 & 更多" in body and "alert" not in body and "<" not in body


def test_a_message_is_never_taken_twice(imap: Any, mailbox: Any, sender: Any) -> None:
    raw = mail()
    imap.append("citydesk", raw)
    assert fetch.sweep() == 1
    assert fetch.sweep() == 0
    imap.append("citydesk", raw)  # the same message again (same Message-ID, new UID)
    assert fetch.sweep() == 0
    assert IntakeMessage.objects.count() == 1


def test_a_crash_between_recording_and_marking_seen_takes_nothing_twice(imap: Any, mailbox: Any, sender: Any,
                                                                        monkeypatch: Any) -> None:
    imap.append("citydesk", mail(message_id=""))
    imap.append("citydesk", mail(subject="第二封", message_id=""))

    def crash(conn: Any, uid: int) -> None:
        raise OSError("worker killed")

    monkeypatch.setattr(fetch, "_mark_seen", crash)
    fetch.sweep()  # records the first, "crashes" before \Seen
    mailbox.refresh_from_db()
    assert "worker killed" in mailbox.last_error
    assert IntakeMessage.objects.count() == 1 and len(imap.unseen("citydesk")) == 2
    monkeypatch.undo()
    assert fetch.sweep() == 1  # the first is skipped (its UID is recorded), the second taken
    assert IntakeMessage.objects.count() == 2 and imap.unseen("citydesk") == []


def test_mail_read_in_a_mail_client_is_still_taken_but_old_read_mail_is_not(imap: Any, mailbox: Any,
                                                                            sender: Any) -> None:
    imap.append("citydesk", mail(subject="早已读过的旧邮件"))
    imap.mark_all_seen("citydesk")  # before the desk set up its mailbox here
    assert fetch.sweep() == 0
    imap.append("citydesk", mail(subject="新来稿，被人先在邮件客户端里打开了"))
    imap.mark_all_seen("citydesk")
    assert fetch.sweep() == 1
    assert list(IntakeMessage.objects.values_list("subject", flat=True)) == ["新来稿，被人先在邮件客户端里打开了"]
    mailbox.refresh_from_db()
    assert mailbox.last_uid == IntakeMessage.objects.get().uid and mailbox.uidvalidity
    assert fetch.sweep() == 0


def test_reject_tells_the_sender(imap: Any, mailbox: Any, sender: Any, net: Any,
                                 django_capture_on_commit_callbacks: Any) -> None:
    imap.append("citydesk", mail())
    fetch.sweep()
    message = IntakeMessage.objects.get()
    with pytest.raises(ServiceError, match="理由"):
        services.intake_reject(actor=net.editor, message=message, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.intake_reject(actor=net.editor, message=message, reason="内容已由其他渠道报送")
    assert message.state == IntakeState.REJECTED
    assert django_mail.outbox and django_mail.outbox[-1].to == [sender.email]
    assert "内容已由其他渠道报送" in django_mail.outbox[-1].body
    with pytest.raises(ServiceError, match="不能再处理"):
        services.intake_accept(actor=net.editor, message=message, unit=net.county)


def test_a_wrong_password_is_noted_on_the_mailbox(imap: Any, mailbox: Any) -> None:
    mailbox.password = "wrong"
    mailbox.save()
    assert fetch.sweep() == 0
    mailbox.refresh_from_db()
    assert mailbox.last_error.startswith("收取失败")


def test_only_the_desk_editors_decide(imap: Any, mailbox: Any, sender: Any, net: Any) -> None:
    imap.append("citydesk", mail())
    fetch.sweep()
    message = IntakeMessage.objects.get()
    for persona in ("reporter", "duty_officer", "leader", "admin", "outsider"):
        with pytest.raises(ServiceError):
            services.intake_accept(actor=net.users[persona], message=message, unit=net.county)
