"""Sharing (共享 / 转送): a desk passes its edited version of an item down or sideways.

``Share`` keeps the text as the desk shared it (its version at that moment), its
classification and the original sender (credited on the shared view); ``ShareRecipient``
names each receiving unit (a desk is chosen by its unit); ``ShareRead`` is one row per
user who opened it, which the sharing desk sees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xinxi.lib.choices import Classification


class Share(models.Model):
    entry = models.ForeignKey(
        "items.DeskEntry", verbose_name="科室收稿", on_delete=models.PROTECT, related_name="shares"
    )
    desk = models.ForeignKey("network.Desk", verbose_name="共享科室", on_delete=models.PROTECT, related_name="+")
    origin_unit = models.ForeignKey("network.Unit", verbose_name="原报单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    classification = models.PositiveSmallIntegerField("密级", choices=Classification.choices)
    note = models.CharField("共享说明", max_length=500, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="共享人", on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField("共享时间")

    class Meta:
        ordering = ["-shared_at", "-id"]
        verbose_name = "共享信息"
        verbose_name_plural = "共享信息"
        indexes = [models.Index(fields=["desk", "-shared_at"])]

    def __str__(self) -> str:
        return f"共享 #{self.pk}"


class ShareRecipient(models.Model):
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey("network.Unit", verbose_name="接收单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["share", "id"]
        verbose_name = "共享接收单位"
        verbose_name_plural = "共享接收单位"
        constraints = [models.UniqueConstraint(fields=["share", "unit"], name="share_recipient_unique")]
        indexes = [models.Index(fields=["unit", "share"])]

    def __str__(self) -> str:
        return f"{self.share_id} → {self.unit_id}"


class ShareRead(models.Model):
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="阅读人", on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField("阅读时间")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "共享阅读记录"
        verbose_name_plural = "共享阅读记录"
        constraints = [models.UniqueConstraint(fields=["share", "user"], name="share_read_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} 已读 {self.share_id}"
