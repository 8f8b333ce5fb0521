"""Properties of the working-day calendar over generated ranges and admin overrides.

Bounded and deterministic (``derandomize``): the same examples every run, no example database.
Each example's override rows are removed before the next one.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinxi.network.calendar import count_working_days, is_working_day, working_days
from xinxi.network.models import CalendarDay, CalendarDayKind

pytestmark = pytest.mark.django_db

BOUNDED = settings(
    max_examples=40, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# Years the bundled holiday calendar covers, across a turn of the year and a Spring Festival.
days = st.dates(min_value=dt.date(2024, 12, 1), max_value=dt.date(2026, 3, 31))
ranges = st.tuples(days, st.integers(min_value=0, max_value=120)).map(lambda t: (t[0], t[0] + dt.timedelta(t[1])))
overrides = st.dictionaries(days, st.sampled_from(list(CalendarDayKind)), max_size=6)


def with_overrides(rows: dict[dt.date, str]) -> None:
    CalendarDay.objects.all().delete()
    CalendarDay.objects.bulk_create([CalendarDay(date=d, kind=k, name="测试") for d, k in rows.items()])


@BOUNDED
@given(span=ranges, cut=st.integers(min_value=0, max_value=120), rows=overrides)
def test_a_range_is_the_sum_of_its_parts(span, cut, rows):
    with_overrides(rows)
    start, end = span
    middle = min(start + dt.timedelta(cut), end)
    whole = working_days(start, end)
    assert whole == working_days(start, middle) + working_days(middle + dt.timedelta(1), end)
    assert count_working_days(start, end) == len(whole) == len(set(whole))
    assert whole == sorted(whole) and all(start <= d <= end for d in whole)


@BOUNDED
@given(span=ranges, rows=overrides)
def test_a_range_holds_exactly_its_working_days_and_overrides_win(span, rows):
    with_overrides(rows)
    start, end = span
    whole = set(working_days(start, end))
    day = start
    while day <= end:
        assert (day in whole) == is_working_day(day)
        day += dt.timedelta(1)
    for date, kind in rows.items():
        if start <= date <= end:
            assert (date in whole) == (kind == CalendarDayKind.WORKDAY)


@BOUNDED
@given(span=ranges)
def test_a_reversed_range_is_empty(span):
    start, end = span
    if start < end:
        assert working_days(end, start) == []
