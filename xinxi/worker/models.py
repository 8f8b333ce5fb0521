"""The record of periodic sweeps: one row per (sweep, period) ever enqueued."""

from __future__ import annotations

from django.db import models


class SweepRun(models.Model):
    """A periodic sweep enqueued for one period (e.g. the hour "2026-11-22T09").

    The unique (name, period) pair is what makes a period's sweep start once, however
    many workers tick and however often; the task it enqueued does the work.
    """

    name = models.CharField("例行任务", max_length=50)
    period = models.CharField("周期", max_length=20)
    enqueued_at = models.DateTimeField("入队时间", auto_now_add=True)
    task_id = models.CharField("任务编号", max_length=64, blank=True)

    class Meta:
        ordering = ["-enqueued_at", "-id"]
        verbose_name = "例行任务记录"
        verbose_name_plural = "例行任务记录"
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="sweep_once_per_period")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.period}"
