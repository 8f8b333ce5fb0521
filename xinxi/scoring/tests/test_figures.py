"""Rankings: counts, points, shared ranks, roll-up shares that add up, the previous period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from xinxi.items import desk_services
from xinxi.network import services as network_services
from xinxi.scoring import figures
from xinxi.scoring.tests.factories import adopt, at_city, line, province_editor, rules

D = Decimal
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
DEC = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))  # the tests' clock stands at 2026-12-01


@given(st.lists(st.decimals(min_value=-50, max_value=10_000, places=2), min_size=1, max_size=40))
def test_shares_add_up_to_exactly_100_or_are_all_zero(values):
    parts = figures.shares(values)
    assert all(p >= 0 for p in parts)
    if any(v > 0 for v in values):
        assert sum(parts) == D(100)
    else:
        assert parts == [D(0)] * len(values)


def test_previous_period_of_a_month_quarter_year_and_custom_range():
    assert figures.previous_period(dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == (
        dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert figures.previous_period(dt.date(2026, 4, 1), dt.date(2026, 6, 30)) == (
        dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert figures.previous_period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == (
        dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert figures.previous_period(dt.date(2026, 11, 10), dt.date(2026, 11, 19)) == (
        dt.date(2026, 10, 31), dt.date(2026, 11, 9))


def test_city_ranking_counts_points_and_names_the_zero_units(net):
    rules(net, net.city.desk, [line("adoption", 10)])
    adopt(net.editor, at_city(net))
    at_city(net, tone="problem")
    ranking = figures.ranking(net.city.desk, *DEC)
    by_unit = {r.unit: r for r in ranking.rows}
    county = by_unit[net.county]
    assert (county.submitted, county.problems, county.adopted, county.points) == (2, 1, 1, D(10))
    assert county.rate == D("50.0") and county.rank == 1 and county.desk_share == D(100)
    assert by_unit[net.city_dept].rank == 2 and by_unit[net.town].rank == 2  # ties share a rank
    assert net.town in by_unit  # no desk at the county: the town reports to the city
    assert net.other_county not in by_unit and net.other_city not in by_unit
    assert {r.unit for r in ranking.zero()} == {net.city_dept, net.town}
    assert ranking.no_problems() == []


def test_province_roll_up_a_city_is_its_office_plus_its_direct_points(net):
    chief = province_editor(net)
    rules(net, net.province.desk, [line("adoption", 10)])
    from xinxi.network.testing import make_user

    province_chief = make_user("sheng_kz", net.province, "desk_chief", "editor", clearance=3)
    forwarded = desk_services.entry_forward(actor=net.editor, entry=at_city(net))
    adopt(chief, forwarded, "东海信息")  # the city office's 10
    network_services.point_admit(actor=province_chief, unit=net.county, desk=net.province.desk,
                                 admitted_on=dt.date(2026, 1, 5), reason="直报点")
    direct = at_city(net)  # a direct point: it reached the province too
    from xinxi.items.models import DeskEntry

    at_province = DeskEntry.objects.get(item=direct.item, desk=net.province.desk)
    adopt(chief, at_province, "东海信息", issue_no="第2期")
    adopt(chief, DeskEntry.objects.get(item=at_city(net).item, desk=net.province.desk), "东海信息", issue_no="第3期")
    ranking = figures.ranking(net.province.desk, *DEC)
    [city_group] = [g for g in ranking.groups if g.unit == net.city]
    assert city_group.points == D(30) and city_group.share == D(100)
    shares = {r.unit: r.share for r in city_group.rows}
    assert shares == {net.city: D("33.3"), net.county: D("66.7")}
    assert sum(shares.values()) == D(100)
    other = [g for g in ranking.groups if g.unit == net.other_city]
    assert other and other[0].points == 0 and other[0].rank == 2


def test_change_against_the_previous_month(net):
    rules(net, net.city.desk, [line("adoption", 10)])
    adopt(net.editor, at_city(net), adopted_on=dt.date(2026, 10, 15))
    adopt(net.editor, at_city(net), adopted_on=dt.date(2026, 11, 15))
    adopt(net.editor, at_city(net), adopted_on=dt.date(2026, 11, 16))
    county = next(r for r in figures.ranking(net.city.desk, *NOV).rows if r.unit == net.county)
    assert (county.points, county.previous_points, county.change, county.change_pct) == (D(20), D(10), D(10), D(100))
