"""Period sweeps, hand-computed: base points, quota shortfall, 合格未采用, rate floor, threshold, zeroing.

The tests' clock is 2026-12-01, so November 2026 is the last finished month.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from xinxi.audit.models import AuditEvent
from xinxi.items import desk_services
from xinxi.items.models import DeskEntry
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.errors import ServiceError
from xinxi.network.models import CalendarYear, Quota, QuotaFrequency
from xinxi.scoring import figures, ledger, services, sweeps
from xinxi.scoring.models import EventKind, PeriodKind, PeriodSweep, ScoreEntry
from xinxi.scoring.tests.factories import adopt, line, points, rules

D = Decimal
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOV = dt.date(2026, 11, 30)


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI), tick=False)


def send(net, day: dt.date, n: int, *, adopt_first: int = 0) -> list[DeskEntry]:
    """``n`` county items received by the city desk on ``day``; the first ``adopt_first`` adopted that day."""
    entries = []
    with at(day):
        for i in range(n):
            item = submitted(net.reporter, title=f"东城县{day:%m%d}第{i + 1}条信息的标题")
            entry = entry_at(item, net.city.desk)
            desk_services.entry_open(actor=net.editor, entry=entry)
            if i < adopt_first:
                adopt(net.editor, entry, adopted_on=day, issue_no=f"第{day:%m%d}{i}期")
            entries.append(entry)
    return entries


def kind_points(net, kind: str, unit=None) -> Decimal:
    return points(net.city.desk, unit or net.county, kind=kind)


def test_periods_are_parsed_and_listed_in_order():
    assert sweeps.parse_period("2026-01") == sweeps.month(2026, 1)
    assert sweeps.parse_period("2026-q3").end == dt.date(2026, 9, 30)
    assert sweeps.parse_period("2025").label == "2025年"
    for bad in ("2026-13", "26-01", "2026-Q5", "上月"):
        with pytest.raises(ServiceError, match="周期"):
            sweeps.parse_period(bad)
    codes = [p.code for p in sweeps.periods_between(dt.date(2025, 11, 15), dt.date(2026, 3, 31))]
    assert codes == ["2025-11", "2025-12", "2025-Q4", "2025", "2026-01", "2026-02", "2026-03", "2026-Q1"]


def test_monthly_base_points_catch_up_and_post_once(net):
    rules(net, net.city.desk, [line("adoption", 5)], valid_from=dt.date(2026, 9, 1), base_points="10",
          base_period="month")
    units = [net.county, net.town, net.city_dept]
    first = sweeps.run()  # the worker was never run: September, October, November (and Q3)
    assert first.posted == {EventKind.BASE: 9}
    for unit in units:
        assert kind_points(net, EventKind.BASE, unit) == D(30)
    assert set(ScoreEntry.objects.filter(kind=EventKind.BASE).values_list("on", flat=True)) == {
        dt.date(2026, 9, 30), dt.date(2026, 10, 31), NOV
    }
    assert {(p.kind, p.start) for p in PeriodSweep.objects.all()} == {
        ("month", dt.date(2026, 9, 1)), ("month", dt.date(2026, 10, 1)), ("month", dt.date(2026, 11, 1)),
        ("quarter", dt.date(2026, 7, 1)),
    }
    assert sweeps.run().total == 0  # settled periods are not swept again
    again = services.period_sweep(actor=None, desk=net.city.desk, period=sweeps.month(2026, 11))
    assert again.total == 0  # and sweeping one again posts nothing twice
    assert ScoreEntry.objects.filter(kind=EventKind.BASE).count() == 9
    event = AuditEvent.objects.filter(action="period_sweep").first()
    assert event is not None and event.actor is None and event.actor_name == "系统（周期结算）"


def test_quarterly_base_points_and_a_chiefs_reversal_sticks(net):
    rules(net, net.city.desk, [line("adoption", 5)], valid_from=dt.date(2026, 7, 1), base_points="30",
          base_period="quarter")
    sweeps.run()
    assert kind_points(net, EventKind.BASE) == D(30)  # Q3 only: Q4 has not ended
    assert ScoreEntry.objects.filter(kind=EventKind.BASE).count() == 3
    wrong = ScoreEntry.objects.get(kind=EventKind.BASE, unit=net.town)
    services.score_entry_reverse(actor=net.desk_chief, entry=wrong, reason="该单位不计基础分")
    services.period_sweep(actor=net.desk_chief, desk=net.city.desk, period=sweeps.quarter(2026, 3))
    assert kind_points(net, EventKind.BASE, net.town) == D(0)  # not posted again


def test_quota_shortfall_counts_working_days_and_the_items_received(net):
    rules(net, net.city.desk, [line("quota_shortfall", "-1"), line("adoption", 5)], valid_from=dt.date(2026, 11, 1))
    Quota.objects.create(desk=net.city.desk, unit=net.county, frequency=QuotaFrequency.MONTH, count=5,
                         valid_from=dt.date(2026, 1, 1))
    Quota.objects.create(desk=net.city.desk, unit=net.city_dept, frequency=QuotaFrequency.WORKING_DAY, count=1,
                         valid_from=dt.date(2026, 1, 1))
    send(net, dt.date(2026, 11, 10), 2)
    send(net, dt.date(2026, 10, 30), 4)  # October's items do not count for November
    sweeps.run()
    assert kind_points(net, EventKind.QUOTA_SHORTFALL) == D(-3)  # 5 asked, 2 sent
    # November 2026 has 21 working days (30 days, 9 of them weekend, no holiday).
    assert kind_points(net, EventKind.QUOTA_SHORTFALL, net.city_dept) == D(-21)
    assert kind_points(net, EventKind.QUOTA_SHORTFALL, net.town) == D(0)  # no quota
    entry = ScoreEntry.objects.get(kind=EventKind.QUOTA_SHORTFALL, unit=net.county)
    assert "应报 5 条" in entry.reason and "实报 2 条" in entry.reason and "× 3条" in entry.reason
    assert entry.facts["count"] == 3 and entry.rule_line is not None


def test_a_year_without_calendar_data_is_not_settled_and_retried(net):
    rules(net, net.city.desk, [line("quota_shortfall", "-1")], valid_from=dt.date(2027, 1, 1))
    Quota.objects.create(desk=net.city.desk, unit=net.city_dept, frequency=QuotaFrequency.WORKING_DAY, count=1,
                         valid_from=dt.date(2026, 1, 1))
    with at(dt.date(2027, 2, 1)):
        result = sweeps.run()
        assert result.total == 0 and "2027年的节假日安排尚未维护" in result.warnings[0]
        assert not PeriodSweep.objects.exists()
        CalendarYear.objects.create(year=2027)  # an admin entered the year (no exceptions: Mon–Fri)
        assert sweeps.run().total == 1
    assert kind_points(net, EventKind.QUOTA_SHORTFALL, net.city_dept) == D(-21)  # January 2027: 21 weekdays


def test_qualified_but_unadopted_items(net):
    rules(net, net.city.desk, [line("unadopted", "0.5"), line("adoption", 5)], valid_from=dt.date(2026, 11, 1))
    entries = send(net, dt.date(2026, 11, 12), 3, adopt_first=1)
    desk_services.entry_not_adopt(actor=net.editor, entry=entries[1], reason="角度一般")
    desk_services.entry_return(actor=net.editor, entry=entries[2], reason="请补充数据")  # returned: not qualified
    sweeps.run()
    assert kind_points(net, EventKind.UNADOPTED) == D("0.5")
    assert points(net.city.desk, net.county) == D("5.5")
    assert ScoreEntry.objects.get(kind=EventKind.UNADOPTED).entry_id == entries[1].pk


def test_adoption_rate_under_the_floor_in_a_quarter(net):
    rules(net, net.city.desk, [line("rate_floor", "-2"), line("adoption", 5)], valid_from=dt.date(2026, 7, 1),
          rate_floor="50")
    send(net, dt.date(2026, 8, 20), 4, adopt_first=1)  # 1 of 4: 25 % < 50 %
    sweeps.run()
    assert kind_points(net, EventKind.RATE_FLOOR) == D(-2)
    assert points(net.city.desk, net.county) == D(3)
    assert kind_points(net, EventKind.RATE_FLOOR, net.city_dept) == D(0)  # sent nothing: no rate
    entry = ScoreEntry.objects.get(kind=EventKind.RATE_FLOOR)
    assert entry.on == dt.date(2026, 9, 30) and "采用率 25.0%，低于 50%" in entry.reason


def test_a_rate_at_the_floor_is_not_penalised(net):
    rules(net, net.city.desk, [line("rate_floor", "-2"), line("adoption", 5)], valid_from=dt.date(2026, 7, 1),
          rate_floor="50")
    send(net, dt.date(2026, 8, 20), 2, adopt_first=1)  # 50 %
    sweeps.run()
    assert kind_points(net, EventKind.RATE_FLOOR) == D(0)


def test_yearly_threshold_then_zeroing_for_missed_commissions(net):
    rules(net, net.city.desk, [line("adoption", 10)], valid_from=dt.date(2025, 1, 1),
          threshold_items=2, threshold_points="20", zeroing_misses=2)
    entries = send(net, dt.date(2025, 6, 10), 2, adopt_first=2)
    with at(dt.date(2025, 6, 11)):
        adopt(net.editor, entries[0], adopted_on=dt.date(2025, 6, 11), issue_no="第二次采用")  # same item: one item
    dept_entry = entries[0]
    del dept_entry
    year = sweeps.year(2025)
    result = services.period_sweep(actor=None, desk=net.city.desk, period=year)
    assert result.posted == {EventKind.THRESHOLD: 1}
    assert kind_points(net, EventKind.THRESHOLD) == D(20)  # 2 items adopted (3 adoptions) ≥ 2
    assert points(net.city.desk, net.county) == D(50)
    # Two missed commissions in 2025 (the assignments issue posts these) zero the county's year.
    for n in (1, 2):
        ledger.post(desk=net.city.desk, unit=net.county, on=dt.date(2025, 9, n), points=D(-3),
                    kind=EventKind.COMMISSION_MISSED, key=f"commission:{n}:unit:{net.county.pk}")
    result = services.period_sweep(actor=None, desk=net.city.desk, period=year)
    assert result.posted == {EventKind.ZEROING: 1}
    zeroing = ScoreEntry.objects.get(kind=EventKind.ZEROING)
    assert zeroing.points == D(-44) and zeroing.on == dt.date(2025, 12, 31)  # 10 + 10 + 10 + 20 − 3 − 3
    assert points(net.city.desk, net.county, on__year=2025) == D(0)
    assert "约稿未报送 2 次" in zeroing.reason


def test_below_the_threshold_and_one_miss_post_nothing(net):
    rules(net, net.city.desk, [line("adoption", 10)], valid_from=dt.date(2025, 1, 1),
          threshold_items=3, threshold_points="20", zeroing_misses=2)
    send(net, dt.date(2025, 6, 10), 2, adopt_first=2)
    ledger.post(desk=net.city.desk, unit=net.county, on=dt.date(2025, 9, 1), points=D(-3),
                kind=EventKind.COMMISSION_MISSED, key="commission:1")
    assert services.period_sweep(actor=None, desk=net.city.desk, period=sweeps.year(2025)).total == 0
    assert points(net.city.desk, net.county) == D(17)


def test_a_closed_period_lands_its_sweep_after_it(net):
    rules(net, net.city.desk, [line("adoption", 5)], valid_from=dt.date(2026, 10, 1), base_points="10",
          base_period="month")
    services.period_close(actor=net.desk_chief, desk=net.city.desk, kind="month", start=dt.date(2026, 10, 1),
                          end=dt.date(2026, 10, 31))
    sweeps.run()
    october = ScoreEntry.objects.filter(kind=EventKind.BASE, reason__startswith="2026年10月")
    assert october.count() == 3
    assert {e.on for e in october} == {dt.date(2026, 11, 1)} and "已关账" in october[0].reason


def test_month_floor_marks_units_not_up_to_standard(net):
    rules(net, net.city.desk, [line("adoption", 10)], valid_from=dt.date(2026, 11, 1), base_points="10",
          base_period="month", month_floor="15")
    send(net, dt.date(2026, 11, 5), 1, adopt_first=1)
    sweeps.run()
    november = figures.ranking(net.city.desk, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert {r.unit.pk: r.points for r in november.below_floor()} == {net.town.pk: D(10), net.city_dept.pk: D(10)}
    # the county has 20


def test_an_unfinished_period_is_refused(net):
    with pytest.raises(ServiceError, match="尚未结束"):
        services.period_sweep(actor=None, desk=net.city.desk, period=sweeps.month(2026, 12))
    with pytest.raises(ServiceError, match="权限"):
        services.period_sweep(actor=net.reporter, desk=net.city.desk, period=sweeps.month(2026, 11))


def test_the_command_sweeps_with_options_and_explains_bad_input(net):
    rules(net, net.city.desk, [line("adoption", 5)], valid_from=dt.date(2026, 9, 1), base_points="10",
          base_period="month")
    out = StringIO()
    call_command("scoring_sweep", desk="临江市委办公室", until="2026-10-31", stdout=out)
    assert "记账 6 条（基础分 6 条）" in out.getvalue()
    assert not ScoreEntry.objects.filter(on=NOV).exists()
    call_command("scoring_sweep", period="2026-11", stdout=out)
    assert ScoreEntry.objects.filter(on=NOV, kind=EventKind.BASE).count() == 3
    call_command("scoring_sweep", stdout=out)  # the daily run: Q3 left, nothing to post
    assert ScoreEntry.objects.filter(kind=EventKind.BASE).count() == 9
    assert PeriodSweep.objects.filter(kind=PeriodKind.QUARTER).count() == 1
    for options, message in [
        ({"period": "2026-12"}, "尚未结束"),
        ({"period": "去年"}, "周期"),
        ({"desk": "不存在的办公室"}, "没有找到科室"),
        ({"until": "2026-13-01"}, "日期"),
        ({"until": "2026-12-05"}, "不能晚于昨天"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("scoring_sweep", stdout=out, **options)


@pytest.mark.django_db(transaction=True)
def test_the_worker_settles_finished_months_daily_and_catches_up(net):
    rules(net, net.city.desk, [line("adoption", 5)], valid_from=dt.date(2026, 11, 1), base_points="10",
          base_period="month")
    out = StringIO()
    call_command("worker", once=True, stdout=out)  # 1 December: November is finished
    assert "计分周期结算" in out.getvalue()
    assert ScoreEntry.objects.filter(kind=EventKind.BASE).count() == 3
    with at(dt.date(2027, 2, 3)):  # stopped for two months: December and January are settled on restart
        CalendarYear.objects.create(year=2027)
        call_command("worker", once=True, stdout=out)
    assert ScoreEntry.objects.filter(kind=EventKind.BASE).count() == 9
    assert "周期结算记账 6 条" in out.getvalue()


def test_a_period_without_rules_is_not_settled_and_later_rules_catch_it_up(net):
    assert services.period_sweep(actor=None, desk=net.city.desk, period=sweeps.month(2026, 10)).total == 0
    assert not PeriodSweep.objects.exists()
    rules(net, net.city.desk, [line("adoption", 5)], valid_from=dt.date(2026, 10, 1), base_points="10",
          base_period="month")  # published in December, valid from October
    assert sweeps.run().posted == {EventKind.BASE: 6}


def _correct(net, rule_set, **policies):
    """Publish a correction of ``rule_set`` with the policies changed (lines kept)."""
    draft = services.rule_set_correct(actor=net.desk_chief, rule_set=rule_set)
    draft = services.rule_set_update(actor=net.desk_chief, rule_set=draft, version=draft.version, **policies)
    return services.rule_set_publish(actor=net.desk_chief, rule_set=draft)


def test_a_corrected_version_resettles_the_base_points_of_settled_months(net):
    first = rules(net, net.city.desk, [line("adoption", 5)], valid_from=dt.date(2026, 9, 1), base_points="10",
                  base_period="month")
    sweeps.run()
    assert kind_points(net, EventKind.BASE) == D(30)  # September, October, November
    corrected = _correct(net, first, base_points="12")
    assert kind_points(net, EventKind.BASE) == D(36)
    # Each month's entry was reversed and posted again under the same key, never edited.
    county = ScoreEntry.objects.filter(kind=EventKind.BASE, unit=net.county)
    assert county.count() == 9 and county.filter(reverses__isnull=False).count() == 3
    assert set(county.filter(reverses__isnull=True, reversal__isnull=True).values_list("rule_set", flat=True)) == {
        corrected.pk
    }
    assert sweeps.run().total == 0  # nothing posted twice afterwards
    _correct(net, corrected, base_points="0", base_period="none")
    assert kind_points(net, EventKind.BASE) == D(0)


def test_a_correction_lowering_the_threshold_pays_the_units_that_now_reach_it(net):
    first = rules(net, net.city.desk, [line("adoption", 10)], valid_from=dt.date(2025, 1, 1),
                  threshold_items=3, threshold_points="20")
    send(net, dt.date(2025, 6, 10), 2, adopt_first=2)
    services.period_sweep(actor=None, desk=net.city.desk, period=sweeps.year(2025))
    assert kind_points(net, EventKind.THRESHOLD) == D(0)
    _correct(net, first, threshold_items=2)
    threshold = ScoreEntry.objects.get(kind=EventKind.THRESHOLD)
    assert threshold.points == D(20) and threshold.on == dt.date(2025, 12, 31)
    assert points(net.city.desk, net.county) == D(40)


def test_zeroing_follows_a_corrected_line(net):
    first = rules(net, net.city.desk, [line("adoption", 10)], valid_from=dt.date(2025, 1, 1), zeroing_misses=2)
    send(net, dt.date(2025, 6, 10), 2, adopt_first=2)
    for n in (1, 2):
        ledger.post(desk=net.city.desk, unit=net.county, on=dt.date(2025, 9, n), points=D(-3),
                    kind=EventKind.COMMISSION_MISSED, key=f"commission:{n}:unit:{net.county.pk}")
    services.period_sweep(actor=None, desk=net.city.desk, period=sweeps.year(2025))
    assert kind_points(net, EventKind.ZEROING) == D(-14)  # 10 + 10 − 3 − 3
    draft = services.rule_set_correct(actor=net.desk_chief, rule_set=first)
    draft = services.rule_set_update(
        actor=net.desk_chief, rule_set=draft, version=draft.version, lines=[line("adoption", 15)]
    )
    services.rule_set_publish(actor=net.desk_chief, rule_set=draft)
    # The adoptions are worth 15 now, and the year is still zeroed: 15 + 15 − 3 − 3 − 24.
    assert kind_points(net, EventKind.ZEROING) == D(-24)
    assert points(net.city.desk, net.county, on__year=2025) == D(0)
