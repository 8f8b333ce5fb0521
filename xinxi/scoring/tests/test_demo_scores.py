"""The demo scoring: rule sets, three months of history, a January ranking with shares and change."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from xinxi.instructions.levels import seed_default_levels
from xinxi.network.models import Desk
from xinxi.scoring import figures
from xinxi.scoring.models import EventKind, PeriodSweep, RuleSet, ScoreEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rule_tables(db):
    seed_default_levels()


def test_demo_scores_load_twice_and_rank_the_cities_in_january():
    call_command("load_demo", verbosity=0, stdout=StringIO())
    call_command("load_demo_items", stdout=StringIO())
    started = time.monotonic()
    out = StringIO()
    call_command("load_demo_scores", stdout=out)
    assert time.monotonic() - started < 60
    assert "2026年1月" in out.getvalue()  # the tests' today is 2026-12-01
    counts = (ScoreEntry.objects.count(), RuleSet.objects.count(), PeriodSweep.objects.count())
    call_command("load_demo_scores", stdout=out)
    assert "已存在" in out.getvalue()
    assert (ScoreEntry.objects.count(), RuleSet.objects.count(), PeriodSweep.objects.count()) == counts

    province = Desk.objects.get(unit__name="东海省委办公厅")
    january = figures.ranking(province, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    groups = {g.unit.name: g for g in january.groups}
    cities = ["临江市委办公室", "青山市委办公室", "白河市委办公室"]
    assert set(cities) <= set(groups)
    for name in cities:
        group = groups[name]
        assert group.points > 0 and group.share > 0, name
        before = sum((r.previous_points for r in group.rows), Decimal(0))
        assert before > 0 and before != group.points, name  # a change against December
    assert sum((g.share for g in january.groups), Decimal(0)) == Decimal(100)
    assert january.zero()  # named zero units for the circular

    city = Desk.objects.get(unit__name="临江市委办公室")
    kinds = set(ScoreEntry.objects.filter(desk=city).values_list("kind", flat=True))
    assert {EventKind.ADOPTION, EventKind.ADOPTION_LEVEL, EventKind.INSTRUCTION, EventKind.FALSE_ITEM,
            EventKind.BASE, EventKind.QUOTA_SHORTFALL, EventKind.UNADOPTED, EventKind.RATE_FLOOR} <= kinds
    assert ScoreEntry.objects.filter(desk=city, reverses__isnull=False, reason__contains="撤销采用").exists()
    assert ScoreEntry.objects.filter(desk=province, kind=EventKind.THRESHOLD).exists()
    assert ScoreEntry.objects.filter(desk=province, kind=EventKind.ADOPTION_LEVEL).exists()  # 国办采用
