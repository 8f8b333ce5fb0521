"""Builders for list tests, the access matrix and the fuzz test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xinxi.assignments import services_lists as services
from xinxi.assignments.models import SupervisionList, SupervisionRow


def row_fields(**extra: Any) -> dict[str, Any]:
    fields = {
        "kind": "media", "source": "临江日报", "date": timezone.localdate() - dt.timedelta(days=3),
        "summary": "报道东城县城区道路夜间施工噪声扰民，居民反映强烈。", "concerned": "东城县住房和城乡建设局",
        "suggestion": "建议调整施工时段。",
    }
    fields.update(extra)
    return fields


def sent_list(reporter: Any, *, month: dt.date | None = None, rows: int = 2) -> SupervisionList:
    lst = services.list_create(actor=reporter, month=month or timezone.localdate())
    for i in range(rows):
        services.list_add_row(actor=reporter, lst=lst, fields=row_fields(summary=f"群众反映第{i + 1}件事：路灯不亮。"))
    return services.list_send(actor=reporter, lst=lst)


def routed_row(lst: SupervisionList, editor: Any, unit: Any) -> SupervisionRow:
    row = lst.rows.order_by("position").first()
    assert row is not None
    return services.row_route(actor=editor, row=row, unit=unit, note="请核实处理")
