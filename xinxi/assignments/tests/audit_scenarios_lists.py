"""Audit scenarios for the list and sentiment services (see ``audit/testing.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from xinxi.assignments import services_lists as services
from xinxi.audit.testing import Call, exempt, scenario

S = "xinxi.assignments.services_lists"

exempt(f"{S}.month_start", f"{S}.quarter_of", f"{S}.quarter_bounds", f"{S}.row_fields", f"{S}.quarter_sentiment")


def _draft(net: Any) -> Any:
    return services.list_create(actor=net.reporter, month=dt.date(2026, 12, 1))


@scenario(f"{S}.list_create", "supervision_list_create")
def _create(net: Any) -> Call:
    return lambda: services.list_create(actor=net.reporter, month=dt.date(2026, 12, 1))


@scenario(f"{S}.list_add_row", "supervision_row_add")
def _add(net: Any) -> Call:
    from xinxi.assignments.tests.helpers_lists import row_fields

    lst = _draft(net)
    return lambda: services.list_add_row(actor=net.reporter, lst=lst, fields=row_fields())


@scenario(f"{S}.list_remove_row", "supervision_row_remove")
def _remove(net: Any) -> Call:
    from xinxi.assignments.tests.helpers_lists import row_fields

    lst = _draft(net)
    row = services.list_add_row(actor=net.reporter, lst=lst, fields=row_fields())
    return lambda: services.list_remove_row(actor=net.reporter, row=row)


@scenario(f"{S}.list_upload", "supervision_list_upload")
def _upload(net: Any) -> Call:
    lst = _draft(net)
    data = (
        "类型,来源（媒体名称/渠道）,日期,内容摘要,涉及单位,意见建议\n"
        "舆论监督,临江日报,2026-11-30,报道路灯不亮,城管局,\n"
    )
    upload = SimpleUploadedFile("清单.csv", data.encode("gbk"))
    return lambda: services.list_upload(actor=net.reporter, lst=lst, upload=upload)


@scenario(f"{S}.list_send", "supervision_list_send")
def _send(net: Any) -> Call:
    lst = _draft(net)
    return lambda: services.list_send(actor=net.reporter, lst=lst)


@scenario(f"{S}.row_route", "supervision_row_route")
def _route(net: Any) -> Call:
    from xinxi.assignments.tests.helpers_lists import sent_list

    row = sent_list(net.reporter, rows=1).rows.get()
    return lambda: services.row_route(actor=net.editor, row=row, unit=net.county)


@scenario(f"{S}.row_reply", "supervision_row_reply")
def _reply(net: Any) -> Call:
    from xinxi.assignments.tests.helpers_lists import routed_row, sent_list

    row = routed_row(sent_list(net.reporter, rows=1), net.editor, net.county)
    return lambda: services.row_reply(actor=net.reporter, row=row, result="已办结")


@scenario(f"{S}.remind_overdue", "supervision_row_overdue")
def _overdue(net: Any) -> Call:
    from xinxi.assignments.tests.helpers_lists import routed_row, sent_list

    routed_row(sent_list(net.reporter, rows=1), net.editor, net.county)
    return lambda: services.remind_overdue(today=dt.date(2027, 1, 31))


@scenario(f"{S}.sentiment_compile", "sentiment_compile")
def _compile(net: Any) -> Call:
    from xinxi.assignments.tests.test_sentiment import sentiment_entries

    entries = sentiment_entries(net)
    return lambda: services.sentiment_compile(actor=net.editor, year=2026, quarter=4, entries=entries,
                                              title="第四季度社情民意综合", body="综合")
