"""Rankings, extended: adoptions by kind and level, quotas on working days (调休), lateness, 不达标, periods."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps

from xinxi.items import desk_services
from xinxi.network.models import Quota, QuotaFrequency, UnitClass
from xinxi.scoring import figures, services
from xinxi.scoring.models import EventKind, ScoreEntry
from xinxi.scoring.tests.factories import adopt, at_city, line, province_editor, rules

D = Decimal
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
DEC = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
Q4 = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def _row(ranking: figures.Ranking, unit):  # type: ignore[no-untyped-def]
    return next(r for r in ranking.rows if r.unit == unit)


def test_adoptions_by_kind_and_by_reached_level(net):
    rules(net, net.city.desk, [line("adoption", 10), line("adoption_level", 20)])
    adopt(net.editor, at_city(net), kind="full")
    brief = at_city(net)
    [brief_adoption] = adopt(net.editor, brief, kind="brief")
    adopt(net.editor, at_city(net), kind="brief", issue_no="第2期")
    adopt(net.editor, at_city(net), "国务院办公厅信息", kind="full", external_level="guoban")
    adopt(net.editor, at_city(net), "中办信息", kind="full", external_level="zhongban")
    sent_up = desk_services.entry_forward(actor=net.editor, entry=at_city(net))
    adopt(province_editor(net), sent_up, "东海信息")  # the province desk: 省办 for the city desk
    desk_services.adoption_withdraw(actor=net.editor, entry=brief, adoption=brief_adoption, reason="重复")

    county = _row(figures.ranking(net.city.desk, *DEC), net.county)
    assert (county.adopted, county.adopted_full, county.adopted_combined, county.adopted_brief) == (2, 1, 0, 1)
    assert county.adopted_upper == 3
    assert (county.adopted_province, county.adopted_guoban, county.adopted_zhongban, county.adopted_upper_level) == (
        1, 1, 1, 0)
    assert county.points == D(10 + 10 + 20 * 3)
    assert county.submitted == 6 and county.rate == D("33.3")


def test_posting_copies_the_adoption_kind_and_reached_level_the_ranking_counts(net):
    """``ledger.post`` fills the columns the figures group by; a reversal carries them too."""
    rules(net, net.city.desk, [line("adoption", 10), line("adoption_level", 20)])
    brief = at_city(net)
    [adoption] = adopt(net.editor, brief, kind="brief")
    adopt(net.editor, at_city(net), "国务院办公厅信息", kind="combined", external_level="guoban")
    desk_services.adoption_withdraw(actor=net.editor, entry=brief, adoption=adoption, reason="重复")

    entries = ScoreEntry.objects.filter(desk=net.city.desk, unit=net.county).order_by("pk")
    assert [(e.kind, e.adoption_kind, e.reached_level, e.reverses_id is not None) for e in entries] == [
        (EventKind.ADOPTION, "brief", "own", False),
        (EventKind.ADOPTION_LEVEL, "combined", "guoban", False),
        (EventKind.ADOPTION, "brief", "own", True),
    ]
    county = _row(figures.ranking(net.city.desk, *DEC), net.county)
    assert (county.adopted, county.adopted_brief, county.adopted_upper, county.adopted_guoban) == (0, 0, 1, 1)


def test_the_migration_backfills_the_columns_from_facts(net):
    """Entries posted before migration 0006 get the columns from their ``facts``, and count in the splits again."""
    backfill = importlib.import_module("xinxi.scoring.migrations.0006_entry_splits").backfill
    old = [
        ScoreEntry.objects.create(
            desk=net.city.desk, unit=net.county, on=dt.date(2026, 12, 2), points=D(10), kind=kind, key=f"old:{n}",
            facts=facts,
        )
        for n, (kind, facts) in enumerate([
            (EventKind.ADOPTION, {"kind": "adoption", "adoption_kind": "full", "levels": ["own"]}),
            (EventKind.ADOPTION_LEVEL, {"kind": "adoption_level", "adoption_kind": "brief",
                                        "levels": ["province", "upper"]}),
            (EventKind.ADOPTION_LEVEL, {"kind": "adoption_level", "adoption_kind": "full", "levels": ["upper"]}),
            (EventKind.BASE, {"kind": "base", "adoption_kind": "", "levels": []}),
            (EventKind.INSTRUCTION, {}),
        ])
    ]
    county = _row(figures.ranking(net.city.desk, *DEC), net.county)
    assert (county.adopted_full, county.adopted_province, county.adopted_upper_level) == (0, 0, 0)

    backfill(django_apps, None)

    filled = ScoreEntry.objects.filter(pk__in=[e.pk for e in old]).order_by("pk")
    assert [(e.adoption_kind, e.reached_level) for e in filled] == [
        ("full", "own"), ("brief", "province"), ("full", "upper"), ("", ""), ("", "")]
    county = _row(figures.ranking(net.city.desk, *DEC), net.county)
    assert (county.adopted, county.adopted_full, county.adopted_upper) == (1, 1, 2)
    assert (county.adopted_province, county.adopted_upper_level) == (1, 1)


def test_quota_compliance_counts_official_working_days_with_the_make_up_day(net):
    """October 2026: 22 weekdays, 5 of them in the National Day holiday, plus Saturday 10 October (调休): 18."""
    towns = UnitClass.objects.create(name="乡镇")
    net.town.unit_class = towns
    net.town.save()
    Quota.objects.create(desk=net.city.desk, unit=net.county, frequency=QuotaFrequency.WORKING_DAY, count=1,
                         valid_from=dt.date(2026, 1, 1))
    Quota.objects.create(desk=net.city.desk, unit_class=towns, frequency=QuotaFrequency.MONTH, count=2,
                         valid_from=dt.date(2026, 1, 1))
    october = figures.ranking(net.city.desk, *OCT)
    assert _row(october, net.county).expected == 18
    assert _row(october, net.town).expected == 2
    assert _row(october, net.city_dept).expected is None and _row(october, net.city_dept).quota_met is None
    assert {r.unit for r in october.quota_short()} == {net.county, net.town}
    assert _row(october, net.county).shortfall == 18
    # 1–10 October: the holiday to the 7th, then Thursday 8, Friday 9 and the make-up Saturday 10.
    custom = figures.ranking(net.city.desk, dt.date(2026, 10, 1), dt.date(2026, 10, 10))
    assert _row(custom, net.county).expected == 3 and _row(custom, net.town).expected == 0
    at_city(net)
    december = figures.ranking(net.city.desk, *DEC)
    county = _row(december, net.county)
    assert (county.submitted, county.expected, county.quota_met, county.shortfall) == (1, 23, False, 22)
    assert _row(december, net.town).quota_met is False  # 0 of 2


def test_a_quota_row_valid_for_part_of_the_period_counts_that_part(net):
    Quota.objects.create(desk=net.city.desk, unit=net.county, frequency=QuotaFrequency.MONTH, count=4,
                         valid_from=dt.date(2026, 11, 1))
    assert _row(figures.ranking(net.city.desk, *Q4), net.county).expected == 8  # November and December


def test_lateness_penalties_and_the_floor_of_the_period(net):
    rules(net, net.city.desk, [line("adoption", 10), line("late_report", -2), line("missed_report", -5)],
          month_floor="15")
    adopt(net.editor, at_city(net))
    services.penalty_record(actor=net.desk_chief, desk=net.city.desk, unit=net.county, kind="late_report",
                            on=dt.date(2026, 12, 1), reason="迟报")
    services.penalty_record(actor=net.desk_chief, desk=net.city.desk, unit=net.town, kind="missed_report",
                            on=dt.date(2026, 12, 1), reason="漏报")
    december = figures.ranking(net.city.desk, *DEC)
    county, town = _row(december, net.county), _row(december, net.town)
    assert (county.points, county.late, county.missed, county.penalties) == (D(8), 1, 0, 1)
    assert (town.points, town.late, town.missed, town.penalties) == (D(-5), 0, 1, 1)
    assert december.floor == D(15)
    assert {r.unit for r in december.below_floor()} == {net.county, net.town, net.city_dept}
    assert figures.ranking(net.city.desk, *Q4).floor == D(45)  # three months
    assert figures.ranking(net.city.desk, dt.date(2026, 12, 1), dt.date(2026, 12, 10)).floor is None


def test_no_floor_without_a_rule_set_floor(net):
    rules(net, net.city.desk, [line("adoption", 10)])
    december = figures.ranking(net.city.desk, *DEC)
    assert december.floor is None and december.below_floor() == []


def test_a_unit_class_filter_ranks_and_shares_only_that_class(net):
    counties = UnitClass.objects.create(name="县（市、区）")
    for unit in (net.county, net.city_dept):
        unit.unit_class = counties
        unit.save()
    rules(net, net.city.desk, [line("adoption", 10)])
    adopt(net.editor, at_city(net))
    ranking = figures.ranking(net.city.desk, *DEC, unit_class=counties.pk)
    assert {r.unit for r in ranking.rows} == {net.county, net.city_dept}
    assert ranking.total == D(10) and sum(g.share for g in ranking.groups) == D(100)
    assert sum(r.desk_share for r in ranking.rows) == D(100)


def test_ranking_runs_a_bounded_number_of_queries(net, django_assert_max_num_queries):
    Quota.objects.create(desk=net.city.desk, unit=net.county, frequency=QuotaFrequency.WORKING_DAY, count=1,
                         valid_from=dt.date(2026, 1, 1))
    rules(net, net.city.desk, [line("adoption", 10)], month_floor="5")
    for _ in range(3):
        adopt(net.editor, at_city(net))
    with django_assert_max_num_queries(11):  # 10, and on PostgreSQL the SET LOCAL of figures._hashed
        ranking = figures.ranking(net.city.desk, *DEC)
        [r.unit.unit_class for r in ranking.rows]


def test_trend_fills_months_without_points(net):
    rules(net, net.city.desk, [line("adoption", 10)])
    adopt(net.editor, at_city(net), adopted_on=dt.date(2026, 10, 15))
    adopt(net.editor, at_city(net))
    series = figures.trend(net.city.desk, dt.date(2026, 12, 31), months=4)
    assert series == [(dt.date(2026, 9, 1), D(0)), (dt.date(2026, 10, 1), D(10)), (dt.date(2026, 11, 1), D(0)),
                      (dt.date(2026, 12, 1), D(10))]


def test_periods_by_name_and_by_dates():
    assert figures.parse_period("2026-11") == figures.Period("month", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert figures.parse_period("2026-q4") == figures.Period("quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert figures.parse_period("2026").end == dt.date(2026, 12, 31)
    assert figures.parse_period("2026-Q4").label == "2026年第四季度"
    assert figures.parse_period("2026-02").label == "2026年2月" and figures.parse_period("2026-02").end.day == 28
    assert figures.period_of(start="2026-04-01", end="2026-06-30").kind == "quarter"
    assert figures.period_of(start="2026-11-10", end="2026-11-19").label == "2026-11-10至2026-11-19"
    assert figures.period_of(today=dt.date(2026, 12, 1)) == figures.parse_period("2026-11")
    for kwargs, param in [
        ({"period": "2026-13"}, "period"),
        ({"period": "2026-Q5"}, "period"),
        ({"period": "明年"}, "period"),
        ({"start": "2026-11-01"}, "end"),
        ({"start": "2026-11-31", "end": "2026-12-01"}, "start"),
        ({"start": "2026-12-01", "end": "2026-11-01"}, "end"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "end"),
        ({"period": "2026", "start": "2026-01-01", "end": "2026-02-01"}, "period"),
    ]:
        with pytest.raises(figures.PeriodError) as caught:
            figures.period_of(**kwargs)
        assert caught.value.param == param, kwargs
