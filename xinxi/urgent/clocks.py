"""Clock arithmetic: every limit runs from the incident's occurred-at, around the clock.

Holidays, nights and weekends count like any other minute (unlike supervision due dates,
which use the working-day calendar): a limit of 120 minutes from 22:30 on 1 October is
00:30 on 2 October. The limits are data (``ClockLimit`` rows of the receiving desk, the
desk's own default fields when a severity has no row); the follow-up cadence is the
receiving desk's ``UrgentSettings``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from xinxi.lib.errors import ServiceError
from xinxi.network.models import Desk
from xinxi.urgent.models import Channel, ClockLimit, Severity, UrgentSettings


def settings_of(desk: Desk) -> UrgentSettings:
    """The desk's settings row, or the defaults (unsaved) when it has none."""
    found = UrgentSettings.objects.filter(desk=desk).first()
    return found if found is not None else UrgentSettings(desk=desk)


def limits(desk: Desk, severity: int) -> dict[str, int]:
    """Minutes from occurred-at for the phone and the written report to reach ``desk``."""
    found = {
        row.channel: row.minutes
        for row in ClockLimit.objects.filter(desk=desk, severity=severity)
    }
    return {
        Channel.PHONE: found.get(Channel.PHONE, desk.urgent_phone_limit_minutes),
        Channel.WRITTEN: found.get(Channel.WRITTEN, desk.urgent_written_limit_minutes),
    }


def due(occurred_at: dt.datetime, minutes: int) -> dt.datetime:
    """Occurred-at plus the limit: real minutes, holidays and nights included."""
    return occurred_at + dt.timedelta(minutes=minutes)


def parse_times(text: str) -> list[dt.time]:
    """"08:00,17:00" → [08:00, 17:00] (sorted, unique); a wrong entry is a Chinese error."""
    times: set[dt.time] = set()
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            hours, minutes = part.split(":")
            times.add(dt.time(int(hours), int(minutes)))
        except ValueError:
            raise ServiceError(f"续报时点“{part}”无效，应为“08:00,17:00”这样的 24 小时制时刻。") from None
    return sorted(times)


def parse_minutes(text: str) -> list[int]:
    """"30,10" → [30, 10] (descending, unique, each 1–1440)."""
    values: set[int] = set()
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 1440:
            raise ServiceError(f"提醒时间“{part}”无效，应为 1 至 1440 之间的分钟数，用逗号分隔。")
        values.add(int(part))
    return sorted(values, reverse=True)


def next_slot(after: dt.datetime, times: list[dt.time]) -> dt.datetime | None:
    """The first daily time point strictly after ``after`` (local time), or None without times."""
    if not times:
        return None
    local = timezone.localtime(after)
    tz = local.tzinfo
    day = local.date()
    for offset in range(0, 3):
        for t in times:
            candidate = dt.datetime.combine(day + dt.timedelta(days=offset), t, tzinfo=tz)
            if candidate > local:
                return candidate
    return None  # pragma: no cover - some time on one of the next two days always follows


@dataclass(frozen=True)
class SeveritySuggestion:
    severity: int
    reason: str


# 生产安全事故报告和调查处理条例 第三条: deaths (missing counted with them), serious injuries,
# direct loss in 万元.
_THRESHOLDS = [
    (Severity.I, 30, 100, Decimal(10000)),
    (Severity.II, 10, 50, Decimal(5000)),
    (Severity.III, 3, 10, Decimal(1000)),
]


def suggest_severity(*, deaths: int, injured: int, missing: int, loss: Decimal | int) -> SeveritySuggestion:
    """The production-accident grade the casualties and loss suggest; the duty officer confirms it."""
    dead = deaths + missing
    loss = Decimal(loss)
    for severity, death_min, injured_min, loss_min in _THRESHOLDS:
        reasons = []
        if dead >= death_min:
            reasons.append(f"死亡（含失踪）{dead} 人 ≥ {death_min}")
        if injured >= injured_min:
            reasons.append(f"受伤 {injured} 人 ≥ {injured_min}")
        if loss >= loss_min:
            reasons.append(f"直接经济损失 {loss} 万元 ≥ {loss_min}")
        if reasons:
            return SeveritySuggestion(severity, "；".join(reasons))
    return SeveritySuggestion(Severity.IV, "伤亡和损失在较大事故标准以下")


def remaining(due_at: dt.datetime, now: dt.datetime | None = None) -> dt.timedelta:
    return due_at - (now or timezone.now())


def colour(due_at: dt.datetime, met_at: dt.datetime | None, now: dt.datetime | None = None,
           amber_minutes: int = 30) -> str:
    """green (met in time or plenty left), amber (within ``amber_minutes``), red (passed)."""
    if met_at is not None:
        return "green" if met_at <= due_at else "red"
    left = remaining(due_at, now).total_seconds()
    if left < 0:
        return "red"
    if left <= amber_minutes * 60:
        return "amber"
    return "green"
