"""Builders for scoring tests: rule sets, adopted and forwarded items, sums of the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from xinxi.accounts.models import Role
from xinxi.items import desk_services
from xinxi.items.models import Adoption, DeskEntry
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.network.models import Desk, Unit
from xinxi.network.testing import Net, make_user
from xinxi.scoring import services
from xinxi.scoring.models import RuleSet, ScoreEntry

ON = dt.date(2026, 12, 1)  # today on the tests' fixed clock


def chief_of(desk: Desk, name: str) -> Any:
    """The desk chief of a desk (made on first use)."""
    from xinxi.accounts.models import User

    found = User.objects.filter(unit=desk.unit, role_grants__role=Role.DESK_CHIEF).first()
    return found or make_user(name, desk.unit, Role.DESK_CHIEF, Role.EDITOR, clearance=3)


def rules(
    net: Net,
    desk: Desk,
    lines: list[dict[str, Any]],
    *,
    valid_from: dt.date = dt.date(2026, 1, 1),
    multipliers: list[dict[str, Any]] | None = None,
    **policies: Any,
) -> RuleSet:
    """A published rule set for the desk."""
    chief = net.desk_chief if desk == net.city.desk else chief_of(desk, f"chief{desk.pk}")
    made = services.rule_set_create(
        actor=chief, desk=desk, name="计分办法", valid_from=valid_from, lines=lines,
        multipliers=multipliers or [], **policies,
    )
    return services.rule_set_publish(actor=chief, rule_set=made)


def line(kind: str, points: Any, **conditions: Any) -> dict[str, Any]:
    return {"kind": kind, "points": str(points), **conditions}


def adopt(actor: Any, entry: DeskEntry, publication: str = "临江信息", **extra: Any) -> list[Adoption]:
    fields: dict[str, Any] = {"issue_no": "2026年第1期", "adopted_on": ON, "kind": "full", **extra}
    return desk_services.adoption_record(actor=actor, entry=entry, publication=publication, **fields)


def points(desk: Desk, unit: Unit, **filters: Any) -> Decimal:
    total = ScoreEntry.objects.filter(desk=desk, unit=unit, **filters).aggregate(s=Sum("points"))["s"]
    return total if total is not None else Decimal(0)


def at_city(net: Net, **extra: Any) -> DeskEntry:
    """A county item submitted to the city desk, opened by the editor."""
    item = submitted(net.reporter, **extra)
    entry = entry_at(item, net.city.desk)
    desk_services.entry_open(actor=net.editor, entry=entry)
    return entry


def province_editor(net: Net) -> Any:
    from xinxi.accounts.models import User

    found = User.objects.filter(username="sheng_bj").first()
    return found or make_user("sheng_bj", net.province, Role.EDITOR, clearance=3)
