"""Pages of the ledger: 台账 (a desk's entries), the trace of one entry, and 我的得分.

Who: a desk's staff and admins read the desk's ledger (``permissions.scoring_desks``;
admins choose the desk with ``?desk=``); a unit's reporters and approvers read their own
unit's entries (我的得分) and their traces, without other units' titles or rule
internals. Another desk's entry is 404. Filters follow ``lib/listing.py``: a value that
cannot be read is ignored. Views only read; corrections go through the reversal page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xinxi.lib.charts import LineChart, Series
from xinxi.lib.http import AuthedRequest
from xinxi.lib.listing import choice_param, int_param, paginate, query_without
from xinxi.scoring import permissions
from xinxi.scoring import selectors_ledger as selectors
from xinxi.scoring.models import CircularState, ScoreEntry
from xinxi.scoring.permissions_circulars import visible_circulars
from xinxi.scoring.views_rules import _forbidden, chosen_desk

PAGE_SIZE = 50
MINE_PAGE_SIZE = 50
MINE_CIRCULARS = 10
MONTHS = [f"{m}月" for m in range(1, 13)]
FACT_LABELS = {
    "kind": "事项", "periodical": "刊物编号", "column": "栏目", "adoption_kind": "采用方式", "issue_kind": "正刊/增刊",
    "levels": "采用层级", "leader_level": "批示领导层级", "category": "信息类别", "commissioned": "约稿信息",
    "sources": "计分单位数", "share": "本单位序号", "count": "条数", "levels_up": "高出几级",
    "upper_desk": "采用科室编号", "full": "未封顶时的分值", "capped": "按只计最高分处理",
}


def date_param(request: HttpRequest, name: str) -> dt.date | None:
    """A date filter (YYYY-MM-DD), or None when absent or not a date."""
    try:
        return dt.date.fromisoformat(request.GET.get(name, "").strip())
    except ValueError:
        return None


def ledger_filter(request: HttpRequest) -> selectors.LedgerFilter:
    return selectors.LedgerFilter(
        start=date_param(request, "start"),
        end=date_param(request, "end"),
        unit=int_param(request, "unit"),
        kind=choice_param(request, "kind", [k for k, _ in selectors.KIND_CHOICES]),
        status=choice_param(request, "status", [k for k, _ in selectors.Status.CHOICES]),
        rule_set=int_param(request, "rule_set"),
    )


@login_required
def ledger_list(request: AuthedRequest) -> HttpResponse:
    desk = chosen_desk(request)
    wanted = ledger_filter(request)
    rows = selectors.filtered(selectors.desk_ledger(request.user, desk), wanted)
    totals = selectors.totals(rows)
    page = paginate(request, selectors.for_listing(rows), PAGE_SIZE, count=totals["count"])
    shown = [(e, selectors.item_label(e, request.user)) for e in page.object_list]
    context = {
        "desk": desk,
        "desks": permissions.scoring_desks(request.user).select_related("unit").order_by("unit__path", "pk"),
        "is_admin": request.user.is_admin,
        "f": wanted,
        "units": selectors.desk_units(desk),
        "rule_sets": selectors.desk_rule_sets(desk),
        "kinds": selectors.KIND_CHOICES,
        "statuses": selectors.Status.CHOICES,
        "page": page,
        "rows": shown,
        "totals": totals,
        "can_manage": permissions.can_manage_rules(request.user, desk),
        "page_query": query_without(request, "page"),
    }
    return render(request, "scoring/ledger/list.html", context)


@login_required
def entry_trace(request: AuthedRequest, pk: int) -> HttpResponse:
    trace = selectors.trace_entry(request.user, pk)
    entry = trace.entry
    unit = None if trace.full else entry.unit
    readable = selectors.readable(entry, request.user)
    reversal = getattr(entry, "reversal", None) if _has_reversal(entry) else None
    context = {
        "entry": entry,
        "full": trace.full,
        "readable": readable,
        "item_label": selectors.item_label(entry, request.user, unit=unit),
        "own_item": entry.item is not None and entry.item.unit_id == entry.unit_id,
        "reversal": reversal,
        "can_reverse": trace.full and permissions.can_manage_rules(request.user, entry.desk)
        and entry.reverses_id is None and reversal is None,
        "facts": _facts(entry) if trace.full and readable else [],
    }
    return render(request, "scoring/ledger/trace.html", context)


def _facts(entry: ScoreEntry) -> list[tuple[str, Any]]:
    shown = [(FACT_LABELS.get(k, k), v) for k, v in entry.facts.items() if v not in ("", None, [], False)]
    return [(k, "、".join(map(str, v)) if isinstance(v, list) else v) for k, v in shown]


def _has_reversal(entry: ScoreEntry) -> bool:
    try:
        entry.reversal  # noqa: B018 - loaded by select_related; missing raises
    except ScoreEntry.DoesNotExist:
        return False
    return True


def _year(request: HttpRequest) -> int:
    year = int_param(request, "year")
    today = timezone.localdate()
    return year if year is not None and 2000 <= year <= today.year + 1 else today.year


@login_required
def my_scores(request: AuthedRequest) -> HttpResponse:
    unit = selectors.scored_unit(request.user)
    if unit is None:
        return _forbidden(request, "“我的得分”供报送单位的信息员和签发人查看本单位的得分。")
    year = _year(request)
    desks = list(selectors.unit_desks(unit))
    desk_id = int_param(request, "desk")
    rows = selectors.unit_entries(request.user).filter(on__year=year)
    if desk_id is not None:
        rows = rows.filter(desk_id=desk_id)
    page = paginate(request, rows.select_related("desk", "rule_line", "item", "reversal").order_by("-on", "-id"),
                    MINE_PAGE_SIZE)
    shown = [(e, selectors.item_label(e, request.user, unit=unit)) for e in page.object_list]
    per_desk = selectors.monthly(unit, year, desks)
    context: dict[str, Any] = {
        "unit": unit,
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
        "desks": desks,
        "desk_id": desk_id,
        "per_desk": per_desk,
        "months": MONTHS,
        "page": page,
        "rows": shown,
        "chart": _chart(per_desk, year),
        # The issued circulars sent to the unit (通报), newest first.
        "circulars": list(
            visible_circulars(request.user).filter(state=CircularState.ISSUED, recipients=unit)
            .select_related("desk__unit").order_by("-issued_at", "-pk")[:MINE_CIRCULARS]
        ),
    }
    return render(request, "scoring/ledger/mine.html", context)


def _chart(per_desk: list[selectors.DeskYear], year: int) -> LineChart | None:
    """The month trend beside the table: a line per desk (none without any entry)."""
    if not per_desk:
        return None
    series = [Series(row.desk.name, row.months) for row in per_desk]
    return LineChart(f"{year}年各月得分", MONTHS, series)
