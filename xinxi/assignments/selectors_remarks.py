"""Remark counts per reporter for staff appraisal (点评统计), and their XLSX.

One aggregate query over the desk's remarks in the period (by the time the remark was
written, local days), grouped by reporter (the item's creating user) and unit, with the
count per rating. Remarks on entries above the reader's clearance are not counted.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from xinxi.assignments.models import Remark, RemarkRating
from xinxi.items.permissions import desk_of
from xinxi.scoring import figures

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD_PATTERN = r"^(19[7-9][0-9]|20[0-9]{2})(-(0?[1-9]|1[0-2])|-[Qq][1-4])?$"
PERIOD_MESSAGE = "统计周期格式不正确：月份如 2026-11，季度如 2026-Q4，年度如 2026（1970—2099 年）。"
HEADERS = ["报送人", "单位", "点评数", *[r.label for r in RemarkRating], "未评级"]


@dataclass(frozen=True)
class ReporterCount:
    reporter_id: int
    reporter: str
    unit: str
    total: int
    by_rating: dict[str, int]
    unrated: int

    def values(self) -> list[int]:
        return [self.total, *[self.by_rating[r] for r in RemarkRating.values], self.unrated]


def read_period(value: str | None) -> figures.Period:
    """``period`` (2026-11, 2026-Q4, 2026), the current month when not given."""
    if value is None or not value.strip():
        return figures.parse_period(f"{timezone.localdate():%Y-%m}")
    if not re.fullmatch(PERIOD_PATTERN, value.strip()):
        raise figures.PeriodError("period", PERIOD_MESSAGE)
    return figures.parse_period(value)


def _bounds(period: figures.Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def reporter_counts(user: Any, period: figures.Period) -> list[ReporterCount]:
    desk = desk_of(user)
    if desk is None:
        return []
    start, end = _bounds(period)
    ratings = {r: Count("pk", filter=Q(rating=r)) for r in RemarkRating.values}
    rows: Any = (
        Remark.objects.filter(desk=desk, created_at__gte=start, created_at__lt=end,
                              entry__classification__lte=user.clearance)
        .values("reporter_id", "reporter__full_name", "reporter__username", "unit__name")
        .annotate(total=Count("pk"), unrated=Count("pk", filter=Q(rating="")), **ratings)
        .order_by("-total", "unit__name", "reporter_id")
    )
    return [
        ReporterCount(
            reporter_id=row["reporter_id"], reporter=row["reporter__full_name"] or row["reporter__username"],
            unit=row["unit__name"], total=row["total"], by_rating={r: row[r] for r in RemarkRating.values},
            unrated=row["unrated"],
        )
        for row in rows
    ]


def counts_xlsx(rows: list[ReporterCount], label: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("点评统计")

    def text(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell

    sheet.append([text(f"信息点评统计（{label}）")])
    sheet.append([text(h) for h in HEADERS])
    for row in rows:
        sheet.append([text(row.reporter), text(row.unit), *row.values()])
    sheet.append([text("合计"), text(""), *[sum(col) for col in zip(*(r.values() for r in rows), strict=True)]]
                 if rows else [text("合计"), text(""), *([0] * (len(HEADERS) - 2))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
