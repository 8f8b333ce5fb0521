"""Working days: the official calendar, admin-maintained years, and no silent guesses."""

import datetime as dt

import pytest

from xinxi.network import calendar, selectors
from xinxi.network.models import CalendarDay, CalendarYear, Quota, QuotaFrequency, UnitClass


def test_2026_national_day_and_make_up_workday(db):
    assert not calendar.is_working_day(dt.date(2026, 10, 1))  # National Day
    assert calendar.is_working_day(dt.date(2026, 10, 9)) is True  # Friday after the holiday
    assert calendar.holiday_name(dt.date(2026, 10, 2)) == "国庆节"
    # October 2026: 22 weekdays, 5 of them in the holiday, plus make-up Saturdays.
    days = calendar.working_days(dt.date(2026, 9, 28), dt.date(2026, 10, 11))
    assert dt.date(2026, 10, 5) not in days


def test_year_without_data_is_an_error(db):
    with pytest.raises(calendar.CalendarYearMissing) as info:
        calendar.count_working_days(dt.date(2026, 12, 1), dt.date(2027, 1, 31))
    assert "2027年的节假日安排尚未维护" in info.value.messages[0]


def test_admin_maintained_year(db):
    CalendarYear.objects.create(year=2027, note="国办发明电〔2026〕X号")
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    CalendarDay.objects.create(date=dt.date(2027, 1, 2), kind="holiday", name="元旦")
    assert not calendar.is_working_day(dt.date(2027, 1, 1))  # a Friday, made a holiday
    assert calendar.holiday_name(dt.date(2027, 1, 1)) == "元旦"
    assert calendar.is_working_day(dt.date(2027, 1, 4))
    CalendarDay.objects.create(date=dt.date(2027, 2, 6), kind="workday", name="春节调休")
    assert calendar.is_working_day(dt.date(2027, 2, 6))  # a Saturday worked


def test_override_beats_library(db):
    CalendarDay.objects.create(date=dt.date(2026, 11, 20), kind="holiday", name="临时调整")
    assert not calendar.is_working_day(dt.date(2026, 11, 20))


def test_calendar_page(net, client_for):
    page = client_for("reporter").get("/network/calendar/?year=2026").content.decode()
    assert "2026年工作日历" in page and "全年工作日" in page
    page = client_for("reporter").get("/network/calendar/?year=2030").content.decode()
    assert "2030年的节假日安排尚未维护" in page
    assert "录入节假日与调休" not in page  # the admin links are for admins
    page = client_for("admin").get("/network/calendar/?year=2030").content.decode()
    assert "录入节假日与调休" in page
    assert client_for("reporter").get("/network/calendar/?year=abc").status_code == 200


def test_quota_expectations(net):
    cls = UnitClass.objects.create(name="县（市、区）")
    net.county.unit_class = cls
    net.county.save()
    desk = net.city.desk
    Quota.objects.create(desk=desk, unit_class=cls, frequency=QuotaFrequency.WEEK, count=3,
                         valid_from=dt.date(2026, 1, 1))
    quota = selectors.quota_for(net.county, desk, dt.date(2026, 11, 21))
    assert quota is not None and quota.describe() == "每周 3 条"
    # November 2026 has 5 Sundays, so 5 full weeks end inside it.
    assert selectors.expected_items(quota, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == 15
    own = Quota.objects.create(desk=desk, unit=net.county, frequency=QuotaFrequency.WORKING_DAY, count=1,
                               valid_from=dt.date(2026, 6, 1))
    assert selectors.quota_for(net.county, desk, dt.date(2026, 11, 21)) == own
    assert selectors.quota_for(net.county, desk, dt.date(2026, 5, 1)) == quota
    assert selectors.expected_items(own, dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == \
        calendar.count_working_days(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    monthly = Quota(desk=desk, unit=net.town, frequency=QuotaFrequency.MONTH, count=6, valid_from=dt.date(2026, 1, 1))
    assert selectors.expected_items(monthly, dt.date(2026, 1, 1), dt.date(2026, 3, 31)) == 18
    yearly = Quota(desk=desk, unit=net.town, frequency=QuotaFrequency.YEAR, count=120, valid_from=dt.date(2026, 1, 1))
    assert selectors.expected_items(yearly, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 120


def test_unit_card_and_home_show_quota(net, client_for):
    desk = net.city.desk
    Quota.objects.create(desk=desk, unit=net.county, frequency=QuotaFrequency.WORKING_DAY, count=1,
                         valid_from=dt.date(2020, 1, 1), research_per_quarter=1)
    card = client_for("editor").get(f"/network/units/{net.county.pk}/").content.decode()
    assert "每个工作日，每季度调研 1 篇" in card and "本月应报" in card
    home = client_for("reporter").get("/").content.decode()
    assert "每个工作日" in home
