"""The demo commissions: an open one partly answered, a closed one answered late, the late unit's points drop."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from xinxi.assignments import demo_commissions as demo
from xinxi.assignments.models import Commission, TargetStatus
from xinxi.instructions.levels import seed_default_levels
from xinxi.network.models import Desk, Unit
from xinxi.scoring import figures
from xinxi.scoring.models import EventKind, ScoreEntry


@pytest.fixture(autouse=True)
def _rule_tables(db: None) -> None:
    seed_default_levels()


def test_the_demo_commissions_and_the_ranking(db: None) -> None:
    call_command("load_demo", verbosity=0, stdout=StringIO())
    call_command("load_demo_items", stdout=StringIO())
    call_command("load_demo_scores", stdout=StringIO())
    desk = Desk.objects.get(unit__name=demo.CITY)
    today = timezone.localdate()
    before = {r.unit.name: r.points for r in figures.ranking(desk, today, today).rows}
    out = StringIO()
    call_command("load_demo_assignments", stdout=out)
    assert "新建 2 项" in out.getvalue()

    open_one = Commission.objects.get(desk=desk, topic=demo.OPEN_TOPIC)
    statuses = dict(open_one.targets.values_list("unit__name", "status"))
    assert statuses.pop("西城区委办公室") == TargetStatus.ANSWERED
    assert statuses and set(statuses.values()) == {TargetStatus.PENDING}
    assert "东城区委办公室" in statuses and "柳河县委办公室" in statuses
    assert open_one.due_at > timezone.now()

    closed = Commission.objects.get(desk=desk, topic=demo.CLOSED_TOPIC)
    rows = {t.unit.name: t for t in closed.targets.select_related("unit", "commission")}
    assert rows["东城区委办公室"].status == TargetStatus.ANSWERED
    assert rows["柳河县委办公室"].status == TargetStatus.LATE and rows["柳河县委办公室"].late_by

    ranking = figures.ranking(desk, today, today)
    gained = {r.unit.name: r.points - before.get(r.unit.name, Decimal(0)) for r in ranking.rows}
    assert gained["东城区委办公室"] == Decimal(3) and gained["西城区委办公室"] == Decimal(3)
    assert gained["柳河县委办公室"] == Decimal(-1)  # late: the late unit's points drop
    late = ScoreEntry.objects.get(kind=EventKind.COMMISSION_LATE, unit=Unit.objects.get(name="柳河县委办公室"))
    assert late.points == Decimal(-1) and "逾期" in late.reason
    assert next(r for r in ranking.rows if r.unit.name == "柳河县委办公室").late == 1

    again = StringIO()
    call_command("load_demo_assignments", stdout=again)
    assert "已存在" in again.getvalue() and Commission.objects.count() == 2
