"""Builders for urgent-information tests (shared by the app's test files)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from xinxi.network.models import Desk
from xinxi.network.testing import Net
from xinxi.urgent import services
from xinxi.urgent.models import Incident

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def facts(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "东城镇煤矿透水事故",
        "incident_class": "accident",
        "subtype": "mine",
        "severity": 3,
        "occurred_at": at(2026, 12, 1, 8, 0),
        "place": "东城镇红星煤矿",
        "deaths": 3,
        "injured": 2,
        "missing": 0,
        "loss": 0,
        "summary": "井下透水，正在抢险。",
        "source": "phone",
    }
    data.update(overrides)
    return data


def city_desk(net: Net) -> Desk:
    return Desk.objects.get(unit=net.city)


def record(net: Net, actor: Any = None, units: list[Any] | None = None, **overrides: Any) -> Incident:
    return services.incident_record(
        actor=actor or net.duty_officer,
        desk=city_desk(net),
        units=units if units is not None else [net.county],
        **facts(**overrides),
    )
