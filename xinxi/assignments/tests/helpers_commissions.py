"""Builders for commission tests (shared by the area's test files)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from xinxi.accounts.models import Role
from xinxi.assignments import services_commissions as services
from xinxi.assignments.models import Commission, CommissionTarget
from xinxi.items import services as item_services
from xinxi.items.models import Item
from xinxi.items.tests.factories import draft
from xinxi.network.testing import Net, make_user

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DUE = dt.datetime(2026, 12, 3, 17, 0, tzinfo=TZ)


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def dept_reporter(net: Net) -> Any:
    """A reporter of 临江市应急管理局: in the city desk's network, but not targeted by ``commission``."""
    from xinxi.accounts.models import User

    found = User.objects.filter(username="dept_reporter").first()
    return found or make_user("dept_reporter", net.city_dept, Role.REPORTER, full_name="陈部门")


def commission(net: Net, *, units: list[Any] | None = None, scored: bool = True, due: dt.datetime = DUE,
               **extra: Any) -> Commission:
    """The city desk asks 东城县 (by default) about the winter safety inspection."""
    return services.commission_create(
        actor=net.editor, topic="冬季安全生产大检查进展", requirements="请报送排查整改的做法和数据。",
        due_at=due, scored=scored, units=units if units is not None else [net.county], **extra,
    )


def target(c: Commission, unit: Any) -> CommissionTarget:
    return CommissionTarget.objects.get(commission=c, unit=unit)


def answer(net: Net, c: Commission, user: Any = None, **extra: Any) -> Item:
    """A draft of the user's unit linked to the commission and submitted (now)."""
    user = user or net.reporter
    item = draft(user, **extra)
    services.commission_link(actor=user, commission=c, item=item)
    item_services.item_submit(actor=user, item=item)
    item.refresh_from_db()
    return item
