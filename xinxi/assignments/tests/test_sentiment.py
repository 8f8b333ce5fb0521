"""社情民意: the quarter's received entries, and the quarterly report compiled from them with credits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xinxi.assignments import services_lists as services
from xinxi.assignments.models import SentimentReport
from xinxi.items.desk_services import credited_items
from xinxi.items.models import Category, CombinedSource, DeskEntry, EntryState
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.errors import ServiceError
from xinxi.network.testing import Net, make_user


def sentiment_entries(net: Net) -> list[DeskEntry]:
    dept = make_user("yj_reporter", net.city_dept, "reporter")
    first = submitted(net.reporter, title="东城县群众关注冬季供暖收费标准", category=Category.SENTIMENT)
    second = submitted(dept, title="临江市民反映应急避难场所标识不清", category=Category.SENTIMENT)
    return [entry_at(first, net.city.desk), entry_at(second, net.city.desk)]


def test_compilation_credits_every_source_and_records_the_quarter(net: Net, client_for: Any) -> None:
    entries = sentiment_entries(net)
    other = entry_at(submitted(net.reporter, title="东城县动态"), net.city.desk)
    page = client_for("editor").get("/assignments/sentiment/")
    html = page.content.decode()
    assert page.status_code == 200 and "冬季供暖" in html and "应急避难场所" in html and "东城县动态" not in html
    answer = client_for("editor").post("/assignments/sentiment/", {
        "quarter": "2026-Q4", "ids": [str(e.pk) for e in entries],
        "title": "2026年第四季度社情民意综合报告", "body": "一、供暖收费……\n二、避难场所标识……"})
    assert answer.status_code == 302
    report = SentimentReport.objects.get()
    assert (report.year, report.quarter, report.desk) == (2026, 4, net.city.desk)
    assert set(CombinedSource.objects.filter(combined=report.entry).values_list("source_id", flat=True)) == {
        e.pk for e in entries}
    assert {unit.name for _, unit in credited_items(report.entry)} == {"东城县委办公室", "临江市应急管理局"}
    assert all(DeskEntry.objects.get(pk=e.pk).state == EntryState.COMBINED for e in entries)
    again = client_for("editor").get("/assignments/sentiment/?quarter=2026-Q4").content.decode()
    assert "已汇编" in again
    entry_page = client_for("editor").get(f"/desk/entries/{report.entry_id}/")
    assert entry_page.status_code == 200 and "社情民意季度综合报告：2026年第4季度" in entry_page.content.decode()
    with pytest.raises(ServiceError, match="已经汇编"):
        services.sentiment_compile(actor=net.editor, year=2026, quarter=4, entries=[other, entries[0]],
                                   title="再来", body="再来")
    assert answer["Location"] == f"/desk/entries/{report.entry_id}/" or str(report.entry_id) in answer["Location"]


def test_only_the_quarter_sentiment_entries(net: Net, client_for: Any) -> None:
    entries = sentiment_entries(net)
    other = entry_at(submitted(net.reporter, title="东城县动态"), net.city.desk)
    with pytest.raises(ServiceError, match="第4季度收到的社情民意"):
        services.sentiment_compile(actor=net.editor, year=2026, quarter=4, entries=[entries[0], other],
                                   title="综合", body="综合")
    with pytest.raises(ServiceError, match="第3季度收到的社情民意"):
        services.sentiment_compile(actor=net.editor, year=2026, quarter=3, entries=entries, title="综合", body="综合")
    with pytest.raises(ServiceError, match="权限"):
        services.sentiment_compile(actor=net.duty_officer, year=2026, quarter=4, entries=entries, title="综", body="综")
    assert not SentimentReport.objects.exists()
    assert client_for("editor").get("/assignments/sentiment/?quarter=2026-Q9").status_code == 400
    assert client_for("reporter").get("/assignments/sentiment/").status_code == 404
    assert client_for("duty_officer").post("/assignments/sentiment/", {"quarter": "2026-Q4"}).status_code == 403
    assert services.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))
