"""E-mail intake (邮件收稿): a desk's mailbox and the messages read from it.

- ``Mailbox``: one per desk, the IMAP account the worker reads (host, port, security, user,
  password, folder). The password is stored encrypted (``lib.sealed``) and never shown back.
- ``IntakeMessage``: one mail taken from a mailbox (or fed in by the demo), with its raw
  RFC 822 bytes kept, so nothing is lost. ``(mailbox, uidvalidity, uid)`` is unique, and so is
  ``(desk, message_id)`` for a message that has one: a message is never taken twice. A known
  sender's mail waits as ``queued`` (待处理) until an editor accepts it (an item of the unit is
  created and submitted to the desk) or rejects it; unknown senders and bad files wait as
  ``quarantined`` (隔离) with a Chinese ``reason``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinxi.lib.sealed import SealedField


class Security(models.TextChoices):
    SSL = "ssl", "SSL/TLS（993 端口）"
    STARTTLS = "starttls", "STARTTLS（143 端口）"
    PLAIN = "plain", "不加密（仅限内网测试）"


class Mailbox(models.Model):
    desk = models.OneToOneField("network.Desk", verbose_name="信息科室", on_delete=models.CASCADE,
                                related_name="intake_mailbox")
    host = models.CharField("IMAP 服务器", max_length=200)
    port = models.PositiveIntegerField("端口", default=993)
    security = models.CharField("加密方式", max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField("用户名", max_length=200)
    password = SealedField("密码", blank=True)  # encrypted in the database; reads as "" if it cannot be opened
    folder = models.CharField("文件夹", max_length=200, default="INBOX")
    active = models.BooleanField("启用", default=True)
    # Where the sweep got to in the folder: its UIDVALIDITY and the highest UID taken (or skipped as a
    # duplicate). Later mail is taken even if someone read it in a mail client meanwhile.
    uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(null=True, blank=True, editable=False)
    checked_at = models.DateTimeField("上次收取时间", null=True, blank=True)
    last_error = models.CharField("上次收取错误", max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "收稿邮箱"
        verbose_name_plural = "收稿邮箱"

    def __str__(self) -> str:
        return f"{self.username}@{self.host}"


class IntakeState(models.TextChoices):
    QUEUED = "queued", "待处理"
    QUARANTINED = "quarantined", "已隔离"
    ACCEPTED = "accepted", "已采用"
    REJECTED = "rejected", "已退回"
    DISCARDED = "discarded", "已丢弃"


OPEN_STATES = (IntakeState.QUEUED, IntakeState.QUARANTINED)


class IntakeMessage(models.Model):
    desk = models.ForeignKey("network.Desk", verbose_name="信息科室", on_delete=models.PROTECT,
                             related_name="intake_messages")
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    message_id = models.CharField("Message-ID", max_length=500, blank=True)
    raw = models.BinaryField("原始邮件")
    sender = models.CharField("发件人地址", max_length=254, blank=True)
    sender_name = models.CharField("发件人", max_length=200, blank=True)
    sender_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    unit = models.ForeignKey("network.Unit", verbose_name="报送单位", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    subject = models.CharField("标题", max_length=200, blank=True)
    body = models.TextField("正文", blank=True)
    body_from = models.CharField("正文来源", max_length=200, blank=True)
    # [{"name", "size", "ok", "reason"}]: the attachments found; the kept ones are re-read from ``raw``.
    attachments = models.JSONField("附件", default=list, blank=True)
    sent_at = models.DateTimeField("发信时间", null=True, blank=True)
    received_at = models.DateTimeField("收取时间", auto_now_add=True)
    state = models.CharField("状态", max_length=20, choices=IntakeState.choices, default=IntakeState.QUEUED)
    reason = models.CharField("隔离原因", max_length=500, blank=True)
    decision_reason = models.CharField("处理说明", max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    item = models.ForeignKey("items.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "来稿邮件"
        verbose_name_plural = "来稿邮件"
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "uidvalidity", "uid"], name="intake_uid_once",
                                    condition=Q(uid__isnull=False)),
            models.UniqueConstraint(fields=["desk", "message_id"], name="intake_message_id_once",
                                    condition=~Q(message_id="")),
        ]
        indexes = [models.Index(fields=["desk", "state", "-received_at"])]

    def __str__(self) -> str:
        return self.subject or "（无标题）"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES
