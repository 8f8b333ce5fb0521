"""Official working days (工作日): weekends, public holidays and make-up workdays (调休).

Years 2004–2026 come from ``chinese-calendar``. Later years are entered by an admin
(``CalendarYear`` plus ``CalendarDay`` rows) once the State Council publishes the
schedule. Asking about a year nobody has data for raises ``CalendarYearMissing``:
never a silent guess. ``CalendarDay`` rows also override the library (corrections).
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from xinxi.lib.errors import ServiceError
from xinxi.network.models import CalendarDay, CalendarDayKind, CalendarYear


class CalendarYearMissing(ServiceError):
    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year}年的节假日安排尚未维护，无法计算工作日。"
            f"请系统管理员在“节假日与调休”中录入{year}年的放假和调休安排并登记该年度。",
            code="calendar_year_missing",
        )
        self.year = year


def library_years() -> range:
    """The years the bundled ``chinese-calendar`` knows."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)


def year_has_data(year: int) -> bool:
    return year in library_years() or CalendarYear.objects.filter(year=year).exists()


def _check_years(years: set[int]) -> None:
    known = set(library_years()) | set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    missing = sorted(years - known)
    if missing:
        raise CalendarYearMissing(missing[0])


def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The working days from ``start`` to ``end``, both included."""
    if end < start:
        return []
    _check_years(set(range(start.year, end.year + 1)))
    overrides = dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind"))
    lib = library_years()
    days = []
    day = start
    while day <= end:
        kind = overrides.get(day)
        if kind is not None:
            is_work = kind == CalendarDayKind.WORKDAY
        elif day.year in lib:
            is_work = chinese_calendar.is_workday(day)
        else:
            is_work = day.weekday() < 5
        if is_work:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def is_working_day(day: dt.date) -> bool:
    return bool(working_days(day, day))


def count_working_days(start: dt.date, end: dt.date) -> int:
    return len(working_days(start, end))


def holiday_name(day: dt.date) -> str:
    """The holiday's Chinese name, or '' (admin rows first, then the library)."""
    row = CalendarDay.objects.filter(date=day).first()
    if row is not None:
        return row.name
    if day.year in library_years():
        on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
        if on_holiday and holiday is not None:
            return HOLIDAY_NAMES.get(holiday, str(holiday))
    return ""


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
