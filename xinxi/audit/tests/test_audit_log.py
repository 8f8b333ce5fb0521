"""The audit log page and its XLSX export: access, every filter, bounded queries, the workbook."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from xinxi.audit.models import AuditEvent
from xinxi.audit.services import audit_record
from xinxi.network.testing import PERSONAS, Net

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai: the days of the period filter are local days


def event(actor: Any, action: str, at: dt.datetime, **extra: Any) -> AuditEvent:
    row = audit_record(actor=actor, action=action, **extra)
    AuditEvent.objects.filter(pk=row.pk).update(at=at)
    row.refresh_from_db()
    return row


@pytest.fixture
def admin(client_for: Any) -> Client:
    return client_for("admin")


@pytest.fixture
def log(net: Net, admin: Client) -> dict[str, AuditEvent]:
    AuditEvent.objects.all().delete()  # logging the admin in wrote a row; the tests start from these
    return {
        "editor_before": event(net.editor, "entry_return", dt.datetime(2026, 3, 1, 23, 59, tzinfo=TZ)),
        "editor_first": event(net.editor, "entry_preadopt", dt.datetime(2026, 3, 2, 0, 0, tzinfo=TZ)),
        "chief_mid": event(net.desk_chief, "issue_sign_off", dt.datetime(2026, 3, 3, 12, 0, tzinfo=TZ)),
        "reporter_last": event(net.reporter, "item_submit", dt.datetime(2026, 3, 4, 23, 59, 59, tzinfo=TZ)),
        "reporter_after": event(net.reporter, "item_submit", dt.datetime(2026, 3, 5, 0, 0, tzinfo=TZ)),
    }


def shown(client: Client, query: str = "") -> list[int]:
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200
    return [e.pk for e in response.context["page"]]


def ids(log: dict[str, AuditEvent], *names: str) -> list[int]:
    return [log[name].pk for name in names]


# --- access ---


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
@pytest.mark.parametrize("url", ["/audit/", "/audit/export.xlsx"])
def test_only_administrators_find_the_audit_log(client_for: Any, persona: str, url: str) -> None:
    assert client_for(persona).get(url).status_code == 404


@pytest.mark.parametrize("url", ["/audit/", "/audit/export.xlsx"])
def test_anonymous_visitors_are_sent_to_log_in(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_admin_sees_the_log_newest_first_with_chinese_labels(admin: Client, log: dict[str, AuditEvent]) -> None:
    response = admin.get("/audit/")
    assert response.status_code == 200
    assert [e.pk for e in response.context["page"]] == ids(
        log, "reporter_after", "reporter_last", "chief_mid", "editor_first", "editor_before"
    )
    page = response.content.decode()
    assert "刊物签发印发" in page and "报送信息" in page
    assert 'href="/audit/export.xlsx"' in page


# --- filters ---


def test_person_filter_matches_part_of_the_account_name(admin: Client, log: dict[str, AuditEvent]) -> None:
    assert shown(admin, "who=report") == ids(log, "reporter_after", "reporter_last")
    assert shown(admin, "who=DESK_chief") == ids(log, "chief_mid")
    assert shown(admin, "who=nobody") == []


def test_action_filter(admin: Client, log: dict[str, AuditEvent]) -> None:
    assert shown(admin, "action=item_submit") == ids(log, "reporter_after", "reporter_last")
    assert shown(admin, "action=entry_preadopt") == ids(log, "editor_first")
    assert shown(admin, "action=login") == []


def test_period_filter_takes_whole_local_days(admin: Client, log: dict[str, AuditEvent]) -> None:
    assert shown(admin, "date_from=2026-03-02&date_to=2026-03-04") == ids(
        log, "reporter_last", "chief_mid", "editor_first"
    )
    assert shown(admin, "date_from=2026-03-05") == ids(log, "reporter_after")
    assert shown(admin, "date_to=2026-03-01") == ids(log, "editor_before")
    assert shown(admin, "date_from=2026-03-03&date_to=2026-03-03") == ids(log, "chief_mid")


def test_filters_combine(admin: Client, log: dict[str, AuditEvent]) -> None:
    assert shown(admin, "who=reporter&action=item_submit&date_to=2026-03-04") == ids(log, "reporter_last")
    assert shown(admin, "who=editor&action=item_submit") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-13-40", "开始日期应为 年-月-日。"),
        ("date_to=昨天", "结束日期应为 年-月-日。"),
        ("date_from=2026-03-05&date_to=2026-03-01", "开始日期不能晚于结束日期。"),
        ("action=drop_table", "没有这种操作。"),
    ],
)
@pytest.mark.parametrize("url", ["/audit/", "/audit/export.xlsx"])
def test_bad_filters_are_refused_in_chinese_and_show_nothing(
    admin: Client, log: dict[str, AuditEvent], query: str, message: str, url: str
) -> None:
    response = admin.get(f"{url}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(response.context["page"]) == []
    assert not AuditEvent.objects.filter(action="audit_export").exists()


def test_the_filters_stay_filled_in_and_travel_to_the_export_link(admin: Client, log: dict[str, AuditEvent]) -> None:
    page = admin.get("/audit/?who=reporter&action=item_submit&date_from=2026-03-02").content.decode()
    assert 'value="reporter"' in page and 'value="2026-03-02"' in page
    assert '<option value="item_submit" selected>' in page
    assert 'href="/audit/export.xlsx?who=reporter&amp;action=item_submit&amp;date_from=2026-03-02"' in page


def test_the_page_costs_a_bounded_number_of_queries(
    admin: Client, net: Net, django_assert_max_num_queries: Any
) -> None:
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    for n in range(120):
        event(net.users["editor" if n % 2 else "reporter"], "item_submit", at + dt.timedelta(minutes=n))
    with django_assert_max_num_queries(10):
        response = admin.get("/audit/?page=2&who=e")
    assert len(response.context["page"]) == 50
    with django_assert_max_num_queries(10):
        admin.get("/audit/export.xlsx?action=item_submit")


# --- the XLSX export ---


def workbook_rows(response: Any) -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["审计日志"].iter_rows(values_only=True))
    about = {str(row[0]): row[1] for row in book["说明"].iter_rows(values_only=True)}
    return rows, about


def test_export_has_chinese_headers_and_the_rows_of_the_page(admin: Client, log: dict[str, AuditEvent]) -> None:
    response = admin.get("/audit/export.xlsx?who=reporter&date_from=2026-03-02&date_to=2026-03-04")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows, about = workbook_rows(response)
    assert rows[0] == ("时间", "操作人账号", "操作", "操作代码", "对象类型", "对象编号", "对象", "IP 地址", "详情")
    empty = None  # Excel has no empty strings: an empty cell reads back as None
    assert rows[1:] == [
        (dt.datetime(2026, 3, 4, 23, 59, 59), "reporter", "报送信息", "item_submit", empty, empty, empty, empty, "{}")
    ]
    assert about["记录条数"] == 1
    assert about["筛选条件"] == "操作人含“reporter”；时间 2026-03-02 至 2026-03-04"


def test_export_without_filters_has_every_row_newest_first(admin: Client, log: dict[str, AuditEvent]) -> None:
    rows, about = workbook_rows(admin.get("/audit/export.xlsx"))
    assert [r[2] for r in rows[1:]] == ["报送信息", "报送信息", "刊物签发印发", "预采用", "退回修改"]
    assert about["筛选条件"] == "全部记录"


def test_the_export_is_itself_audited_with_its_filters(admin: Client, net: Net, log: dict[str, AuditEvent]) -> None:
    admin.get("/audit/export.xlsx?action=item_submit&date_from=2026-03-05")
    taken = AuditEvent.objects.get(action="audit_export")
    assert taken.actor == net.admin
    assert taken.detail == {"filters": {"action": "item_submit", "date_from": "2026-03-05"}, "rows": 1}
    assert shown(admin, "action=audit_export") == [taken.pk]


def test_export_cells_are_text_never_formulas(admin: Client, net: Net) -> None:
    formula = '=HYPERLINK("http://x")'
    audit_record(actor=None, actor_name=formula, action="login_failed", detail={"reason": "password"})
    rows, _about = workbook_rows(admin.get("/audit/export.xlsx?action=login_failed"))
    assert rows[1][1] == formula
    assert rows[1][8] == '{"reason": "password"}'
    book = load_workbook(io.BytesIO(admin.get("/audit/export.xlsx?action=login_failed").content))
    assert book["审计日志"]["B2"].data_type == "s"


def test_times_in_the_export_are_local_times(admin: Client, net: Net) -> None:
    event(net.editor, "entry_return", dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC))
    rows, _about = workbook_rows(admin.get("/audit/export.xlsx?action=entry_return"))
    assert rows[1][0] == dt.datetime(2026, 3, 2, 0, 30)


# --- a batch: the records of a request that runs several services, in one insert ---


def test_a_batch_writes_its_records_in_one_insert_at_its_end(
    net: Net, django_assert_num_queries: Any
) -> None:
    from django.db import transaction

    from xinxi.audit.services import audit_batch, audit_system_records

    before = AuditEvent.objects.count()
    with transaction.atomic():
        with django_assert_num_queries(1) as captured, audit_batch():
            first = audit_record(actor=net.reporter, action="item_create", obj=net.county)
            with audit_batch():  # an inner batch leaves the writing to the outer one
                audit_record(actor=net.reporter, action="item_submit", obj=net.county)
            audit_system_records(action="notify", details=[{"kind": "item_received"}])
            assert first.pk is None  # nothing written yet
        assert captured.captured_queries[0]["sql"].startswith("INSERT")
    assert AuditEvent.objects.count() == before + 3
    rows = list(AuditEvent.objects.order_by("-id")[:3])
    assert [r.action for r in reversed(rows)] == ["item_create", "item_submit", "notify"]
    assert rows[-1].actor == net.reporter and rows[-1].object_repr == str(net.county)


def test_a_batch_that_raises_writes_nothing(net: Net) -> None:
    from xinxi.audit.services import audit_batch

    before = AuditEvent.objects.count()
    with pytest.raises(ValueError), audit_batch():
        audit_record(actor=net.reporter, action="item_create", obj=net.county)
        raise ValueError
    assert AuditEvent.objects.count() == before
    audit_record(actor=net.reporter, action="item_create", obj=net.county)  # outside a batch: written at once
    assert AuditEvent.objects.count() == before + 1
