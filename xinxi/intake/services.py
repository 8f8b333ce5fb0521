"""E-mail intake services: taking a raw message in, accepting, rejecting, discarding; the mailbox.

``intake_ingest`` is the one way a mail enters: the IMAP sweep (``fetch.py``) and the demo
both feed raw RFC 822 bytes through it. It records the message (raw bytes included) in one
transaction, unique per (mailbox, UIDVALIDITY, UID) and per (desk, Message-ID), so a message
recorded once is never recorded again, whatever crashed in between.

Accepting is done by the editor *on behalf of the unit*: the unit has no one at the keyboard,
its mail is its submission and the desk's acceptance stands for the unit's sign-off. The items
services run with a stand-in of the editor (``_on_behalf``: the same user row, the chosen unit,
the unit roles) so the item is made, gets its attachments and is submitted by exactly the
normal paths (checks, receipt number, desk entry, notifications, hooks). The audit records
the editor as actor, with the unit, the sender and the message; the desk entry's history
gets a row "邮件收稿" naming the same.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from xinxi.accounts.models import Role, User
from xinxi.audit.services import audit_record
from xinxi.intake import parse as mail_parse
from xinxi.intake import permissions
from xinxi.intake.models import IntakeMessage, IntakeState, Mailbox, Security
from xinxi.items import services as item_services
from xinxi.items import text as item_text
from xinxi.items.models import DeskEntry, ItemEvent
from xinxi.items.workflow import record_event
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Desk, Unit

if TYPE_CHECKING:
    from xinxi.items.models import Item

logger = logging.getLogger(__name__)
NOT_ALLOWED = "您没有权限进行此操作。"


def _require(allowed: bool) -> None:
    if not allowed:
        raise ServiceError(NOT_ALLOWED, code="forbidden")


# --- taking a message in ---


def _sender_user(address: str) -> tuple[User | None, str]:
    """The one active user with this address, or None and why not."""
    if not address:
        return None, "邮件没有发件人地址。"
    users = list(User.objects.filter(email__iexact=address, is_active=True).select_related("unit")[:2])
    if not users:
        return None, f"发件人 {address} 不是本系统用户登记的邮箱，无法确定报送单位。"
    if len(users) > 1:
        return None, f"发件人 {address} 同时登记在多个用户名下，无法确定报送单位。"
    if users[0].unit is None:
        return None, f"发件人 {address} 的用户没有所属单位。"
    return users[0], ""


def intake_ingest(
    *, desk: Desk, raw: bytes, mailbox: Mailbox | None = None, uidvalidity: int | None = None,
    uid: int | None = None,
) -> IntakeMessage | None:
    """Record one raw message for ``desk``; None when it was already taken (same UID or Message-ID)."""
    if uid is not None and IntakeMessage.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid).exists():
        return None
    parsed = mail_parse.parse(raw)
    if parsed.message_id and IntakeMessage.objects.filter(desk=desk, message_id=parsed.message_id).exists():
        return None
    user, problem = _sender_user(parsed.sender)
    problems = ([problem] if problem else []) + parsed.problems
    unit: Unit | None = user.unit if user is not None else None
    if unit is not None and not permissions.reaches(unit, desk):
        problems.insert(0, f"发件人所在单位“{unit.name}”不向本科室报送信息，请核实后选择报送单位。")
        unit = None
    message = IntakeMessage(
        desk=desk, mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, message_id=parsed.message_id, raw=raw,
        sender=parsed.sender, sender_name=parsed.sender_name or (user.full_name if user else ""),
        sender_user=user, unit=unit, subject=parsed.subject, body=parsed.body[: item_text.BODY_MAX],
        body_from=parsed.body_from, sent_at=parsed.sent_at,
        attachments=[{"name": f.name, "size": len(f.data), "ok": f.ok, "reason": f.reason}
                     for f in parsed.attachments],
        state=IntakeState.QUARANTINED if problems else IntakeState.QUEUED,
        reason="；".join(dict.fromkeys(p.rstrip("。") for p in problems))[:500] + ("。" if problems else ""),
    )
    try:
        with transaction.atomic():
            message.save()
            audit_record(actor=None, actor_name="system", action="intake_receive", obj=message,
                         detail={"desk": desk.pk, "sender": parsed.sender, "state": message.state, "uid": uid})
    except IntegrityError:  # taken meanwhile by another worker
        return None
    return message


# --- deciding ---


def _on_behalf(editor: User, unit: Unit) -> User:
    """The editor as the items services should see them: same row, the unit's, with the unit roles."""
    proxy = User.objects.get(pk=editor.pk)  # a fresh instance: the request's user stays as it is
    proxy.unit = unit
    proxy.__dict__["roles"] = editor.roles | {Role.REPORTER, Role.APPROVER}
    return proxy


def _open_for(actor: User, message: IntakeMessage, version: int | None) -> IntakeMessage:
    _require(permissions.can_work(actor, message.desk))
    locked = IntakeMessage.objects.select_for_update().get(pk=message.pk)
    if not locked.is_open:
        raise ServiceError(f"该邮件{locked.get_state_display()}，不能再处理。")
    if version is not None and locked.version != version:
        raise ConflictError("该邮件已被他人处理或修改，请刷新后再试。")
    return locked


def _close(message: IntakeMessage, actor: User, state: str, reason: str = "", item: Item | None = None) -> None:
    message.state = state
    message.decision_reason = reason
    message.decided_by = actor
    message.decided_at = timezone.now()
    message.item = item
    message.version += 1
    message.save(update_fields=["state", "decision_reason", "decided_by", "decided_at", "item", "version", "unit"])


@transaction.atomic
def intake_accept(
    *, actor: User, message: IntakeMessage, unit: Unit | None, title: str | None = None, body: str | None = None,
    version: int | None = None,
) -> Item:
    """Make the item of ``unit`` from the message and submit it to the desk (the editor acting for the unit)."""
    message = _open_for(actor, message, version)
    if unit is None:
        raise ServiceError("请选择报送单位。")
    if not permissions.reaches(unit, message.desk):
        raise ServiceError(f"“{unit.name}”不向本科室报送信息，请选择本科室的下级单位或直报点。")
    title = item_text.clean_title(message.subject if title is None else title)
    body = item_text.clean_body(message.body if body is None else body)
    if not title:
        raise ServiceError("标题不能为空。")
    if not body:
        raise ServiceError("正文不能为空。")
    sender = message.sender_user
    writer = sender if sender is not None and sender.unit_id == unit.pk else None
    proxy = _on_behalf(actor, unit)
    item = item_services.item_create(
        actor=proxy, title=title, body=body,
        writer_name=writer.full_name if writer else message.sender_name[:50],
        writer_phone=writer.phone if writer else "",
    )
    for found in mail_parse.kept_attachments(bytes(message.raw))[:10]:
        item_services.attachment_add(actor=proxy, item=item, upload=found.upload())
    submission = item_services.item_submit(actor=proxy, item=item, idempotency_key=f"intake-{message.pk}")
    note = f"邮件收稿：{actor} 代{unit.name}录入并报送（发件人 {message.sender or '未知'}，来稿 #{message.pk}）"
    for entry in DeskEntry.objects.filter(submission=submission):
        record_event(entry, actor, "intake", entry.state, entry.state, note[:300])
    sent = ItemEvent.objects.filter(item=item, action="submit").order_by("-pk").first()
    if sent is not None:  # the item's own history says who sent it and for whom
        ItemEvent.objects.filter(pk=sent.pk).update(reason=f"{sent.reason}；{note}"[:500])
    message.unit = unit
    _close(message, actor, IntakeState.ACCEPTED, item=item)
    audit_record(
        actor=actor, action="intake_accept", obj=message,
        detail={"item": item.pk, "unit": unit.pk, "on_behalf_of": unit.name, "sender": message.sender,
                "receipt": submission.receipt_no, "released": bool(message.reason)},
    )
    return item


def _reply(message: IntakeMessage, reason: str) -> None:
    """Tell a known sender that the desk did not take the mail (the e-mail channel's mailer)."""
    from xinxi.notifications.email import body, subject

    address = message.sender_user.email if message.sender_user is not None else ""
    if not address:
        return
    text = f"您发送的来稿“{message.subject or '（无标题）'}”未被{message.desk.name}采用：{reason}"
    try:
        EmailMessage(subject(text), body(text, ""), settings.DEFAULT_FROM_EMAIL, [address]).send()
    except Exception:  # a mail server that cannot be reached must not undo the decision
        logger.exception("intake reply to %s failed", address)


@transaction.atomic
def intake_reject(*, actor: User, message: IntakeMessage, reason: str, version: int | None = None) -> IntakeMessage:
    """Refuse the message with a reason; a known sender is told by e-mail."""
    message = _open_for(actor, message, version)
    reason = item_text.clean_title(reason)[:300]
    if not reason:
        raise ServiceError("退回须填写理由。")
    _close(message, actor, IntakeState.REJECTED, reason)
    audit_record(actor=actor, action="intake_reject", obj=message, detail={"reason": reason, "sender": message.sender})
    transaction.on_commit(lambda: _reply(message, reason))
    return message


@transaction.atomic
def intake_discard(*, actor: User, message: IntakeMessage, version: int | None = None) -> IntakeMessage:
    """Drop a quarantined message (spam, a file that cannot be read); the raw mail stays recorded."""
    message = _open_for(actor, message, version)
    if message.state != IntakeState.QUARANTINED:
        raise ServiceError("只有已隔离的邮件可以丢弃；待处理的邮件请“退回”并说明理由。")
    _close(message, actor, IntakeState.DISCARDED)
    audit_record(actor=actor, action="intake_discard", obj=message, detail={"sender": message.sender})
    return message


# --- the mailbox ---


@transaction.atomic
def mailbox_save(*, actor: User, desk: Desk, values: dict[str, Any]) -> Mailbox:
    """Create or change the desk's mailbox; an empty password keeps the stored one."""
    _require(permissions.can_edit_mailbox(actor, desk))
    mailbox = Mailbox.objects.filter(desk=desk).first() or Mailbox(desk=desk)
    host = str(values.get("host") or "").strip()
    username = str(values.get("username") or "").strip()
    folder = str(values.get("folder") or "INBOX").strip() or "INBOX"
    port = values.get("port")
    security = str(values.get("security") or "")
    if not host or len(host) > 200 or any(c.isspace() for c in host):
        raise ServiceError("请填写正确的 IMAP 服务器地址。")
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ServiceError("端口应为 1 至 65535 之间的整数。")
    if security not in Security.values:
        raise ServiceError("未知的加密方式。")
    if not username or len(username) > 200:
        raise ServiceError("请填写邮箱用户名。")
    if len(folder) > 200:
        raise ServiceError("文件夹名称过长。")
    password = str(values.get("password") or "")
    if len(password) > 200:
        raise ServiceError("密码过长。")
    if not password and not mailbox.password:
        raise ServiceError("请填写邮箱密码。")
    if (mailbox.host, mailbox.username, mailbox.folder) != (host, username, folder):
        mailbox.uidvalidity = mailbox.last_uid = None  # another folder: its first sweep takes only the unseen
    mailbox.host, mailbox.port, mailbox.security = host, port, security
    mailbox.username, mailbox.folder = username, folder
    mailbox.active = bool(values.get("active", True))
    changed_password = bool(password)
    if password:
        mailbox.password = password
    mailbox.last_error = ""
    mailbox.save()
    audit_record(actor=actor, action="intake_mailbox_save", obj=mailbox,
                 detail={"desk": desk.pk, "host": host, "username": username, "password_changed": changed_password})
    return mailbox
