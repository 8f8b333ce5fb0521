"""Read helpers for the network that are more than a filter: quotas and trees."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from xinxi.network import calendar
from xinxi.network.models import Desk, Quota, QuotaFrequency, Unit


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def quota_for(unit: Unit, desk: Desk, on: dt.date) -> Quota | None:
    """The quota valid on a day: the unit's own row beats its class's row."""
    valid = Quota.objects.filter(desk=desk, valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    own = valid.filter(unit=unit).order_by("-valid_from").first()
    if own is not None or unit.unit_class_id is None:
        return own
    return valid.filter(unit_class_id=unit.unit_class_id).order_by("-valid_from").first()


def unit_quotas(unit: Unit, on: dt.date) -> list[Quota]:
    """The quota of every desk the unit reports to (its parent desk and point desks)."""
    from xinxi.network.services import parent_desk

    desks: list[Desk] = []
    parent = parent_desk(unit)
    if parent is not None:
        desks.append(parent)
    desks += list(
        Desk.objects.filter(points__unit=unit, points__revoked_on__isnull=True).exclude(pk__in=[d.pk for d in desks])
    )
    found = []
    for desk in desks:
        quota = quota_for(unit, desk, on)
        if quota is not None:
            found.append(quota)
    return found


def expected_items(quota: Quota, start: dt.date, end: dt.date) -> int:
    """Items the quota asks for between two days (both included).

    Working-day quotas count official working days (raises ``CalendarYearMissing``
    for a year without data); weekly, monthly and yearly quotas count the periods
    that end inside the range, so a month asked about in full counts once.
    """
    if quota.frequency == QuotaFrequency.WORKING_DAY:
        return quota.count * calendar.count_working_days(start, end)
    if quota.frequency == QuotaFrequency.WEEK:
        periods = sum(1 for n in range((end - start).days + 1) if (start + dt.timedelta(days=n)).weekday() == 6)
    elif quota.frequency == QuotaFrequency.MONTH:
        periods = sum(1 for n in range((end - start).days + 1) if (start + dt.timedelta(days=n + 1)).day == 1)
    else:
        periods = sum(
            1 for n in range((end - start).days + 1) if (start + dt.timedelta(days=n)).timetuple()[1:3] == (12, 31)
        )
    return quota.count * periods
