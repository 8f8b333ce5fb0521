"""What the sentiment reports add to the pages of ``items`` (registered in ``apps.py``).

``sentiment_panel``: on the page of a combined item or entry that is a desk's 社情民意 quarterly
report, which quarter it reports on (linked to the quarter's page for that desk's staff). One query.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.html import format_html

from xinxi.assignments import permissions_lists
from xinxi.assignments.models import SentimentReport
from xinxi.items.models import DeskEntry, EntrySource


def sentiment_panel(user: Any, obj: Any) -> str:
    if isinstance(obj, DeskEntry):
        if obj.source != EntrySource.COMBINED:
            return ""  # only a desk's own combined entry can be a report: no query for the rest
        item_id = obj.item_id
    elif getattr(obj, "combined_at_id", None) is None:
        return ""
    else:
        item_id = obj.pk
    report = SentimentReport.objects.filter(entry__item_id=item_id).only("year", "quarter", "desk_id").first()
    if report is None:
        return ""
    label = f"社情民意季度综合报告：{report.year}年第{report.quarter}季度"
    desk = permissions_lists.desk_of(user)
    if desk is not None and desk.pk == report.desk_id:
        url = reverse("assignments:sentiment") + f"?quarter={report.year}-Q{report.quarter}"
        return format_html('<p class="panel" id="sentiment-report"><a href="{}">{}</a></p>', url, label)
    return format_html('<p class="panel" id="sentiment-report">{}</p>', label)
