"""The OpenAPI schema describes every endpoint truthfully; its docs page works offline."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from xinxi.network import services
from xinxi.network.models import CalendarDay, Desk, Quota, StaffMember
from xinxi.network.testing import Net

ENDPOINTS = {
    "/api/v1/auth/token/": {"post", "delete"},
    "/api/v1/me/": {"get"},
    "/api/v1/units/": {"get", "post"},
    "/api/v1/units/{id}/": {"get", "put", "patch"},
    "/api/v1/units/{id}/move/": {"post"},
    "/api/v1/units/{id}/deactivate/": {"post"},
    "/api/v1/units/{id}/reactivate/": {"post"},
    "/api/v1/desks/": {"get"},
    "/api/v1/desks/{id}/": {"get", "patch"},
    "/api/v1/points/": {"get", "post"},
    "/api/v1/points/{id}/": {"get"},
    "/api/v1/points/{id}/revoke/": {"post"},
    "/api/v1/staff/": {"get", "post"},
    "/api/v1/staff/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/quotas/": {"get"},
    "/api/v1/quotas/{id}/": {"get"},
    "/api/v1/calendar/days/": {"get"},
    "/api/v1/calendar/working-days/": {"get"},
    "/api/v1/items/": {"get", "post"},
    "/api/v1/items/{id}/": {"get", "patch", "delete"},
    "/api/v1/items/{id}/submit/": {"post"},
    "/api/v1/items/submit/": {"post"},
    "/api/v1/items/{id}/request-signoff/": {"post"},
    "/api/v1/items/{id}/signoff/": {"post"},
    "/api/v1/items/{id}/return-signoff/": {"post"},
    "/api/v1/items/{id}/attachments/": {"post"},
    "/api/v1/items/{id}/attachments/{attachment_id}/": {"delete"},
    "/api/v1/items/{id}/feedback/": {"get"},
    "/api/v1/entries/": {"get"},
    "/api/v1/entries/{id}/": {"get"},
    "/api/v1/entries/{id}/open/": {"post"},
    "/api/v1/entries/{id}/assign/": {"post"},
    "/api/v1/entries/{id}/return/": {"post"},
    "/api/v1/entries/{id}/preadopt/": {"post"},
    "/api/v1/entries/{id}/not-adopt/": {"post"},
    "/api/v1/entries/{id}/duplicate/": {"post"},
    "/api/v1/entries/{id}/reconsider/": {"post"},
    "/api/v1/entries/{id}/major-event/": {"post"},
    "/api/v1/entries/{id}/edit/": {"post"},
    "/api/v1/entries/{id}/versions/": {"get"},
    "/api/v1/entries/{id}/forward/": {"post"},
    "/api/v1/entries/{id}/adoptions/": {"post"},
    "/api/v1/entries/{id}/verifications/": {"post"},
    "/api/v1/entries/{id}/verifications/{verification_id}/close/": {"post"},
    "/api/v1/entries/combine/": {"post"},
    "/api/v1/adoptions/": {"get"},
    "/api/v1/adoptions/{id}/": {"get"},
    "/api/v1/notifications/": {"get"},
    "/api/v1/notifications/mark-read/": {"post"},
    "/api/v1/search/": {"get"},
    # --- periodicals and issues (xinxi/publications/api/) ---
    "/api/v1/periodicals/": {"get", "post"},
    "/api/v1/periodicals/{id}/": {"get", "patch"},
    "/api/v1/issues/": {"get", "post"},
    "/api/v1/issues/{id}/": {"get", "patch"},
    "/api/v1/issues/{id}/entries/": {"post"},
    "/api/v1/issues/{id}/items/{item_id}/": {"patch", "delete"},
    "/api/v1/issues/{id}/items/{item_id}/move/": {"post"},
    "/api/v1/issues/{id}/send/": {"post"},
    "/api/v1/issues/{id}/return/": {"post"},
    "/api/v1/issues/{id}/sign/": {"post"},
    "/api/v1/issues/{id}/read/": {"post"},
    "/api/v1/issues/{id}/reads/": {"get"},
    "/api/v1/issues/{id}/export/docx/": {"get"},
    "/api/v1/issues/{id}/export/pdf/": {"get"},
    # --- end of periodicals and issues ---
    # --- leader instructions and supervision (xinxi/instructions/api/) ---
    "/api/v1/instructions/": {"get", "post"},
    "/api/v1/instructions/{id}/": {"get"},
    "/api/v1/instructions/{id}/tasks/": {"post"},
    "/api/v1/supervision-tasks/": {"get"},
    "/api/v1/supervision-tasks/{id}/": {"get"},
    "/api/v1/supervision-tasks/{id}/reports/": {"post"},
    "/api/v1/supervision-tasks/{id}/accept/": {"post"},
    "/api/v1/supervision-tasks/{id}/return/": {"post"},
    "/api/v1/supervision-tasks/{id}/close/": {"post"},
    "/api/v1/supervision-tasks/{id}/extend/": {"post"},
    "/api/v1/supervision-tasks/{id}/reports/{report_id}/attachments/{attachment_id}/": {"get"},
    # --- end of leader instructions and supervision ---
    # --- scoring: rule sets, penalties, reversals (xinxi/scoring/api/rules.py) ---
    "/api/v1/rule-sets/": {"get", "post"},
    "/api/v1/rule-sets/{id}/": {"get", "patch"},
    "/api/v1/rule-sets/{id}/publish/": {"post"},
    "/api/v1/rule-sets/{id}/correct/": {"post"},
    "/api/v1/rule-sets/{id}/copy/": {"post"},
    "/api/v1/rule-sets/{id}/preview/": {"post"},
    "/api/v1/penalties/": {"get", "post"},
    "/api/v1/score-entries/{id}/reverse/": {"post"},
    # --- end of scoring: rule sets ---
    # --- scoring: ledger and 我的得分 (xinxi/scoring/api/ledger.py), 撤销采用 ---
    "/api/v1/score-entries/": {"get"},
    "/api/v1/score-entries/{id}/": {"get"},
    "/api/v1/my-scores/": {"get"},
    "/api/v1/entries/{id}/withdraw-adoption/": {"post"},
    # --- end of scoring: ledger ---
    # --- scoring: rankings (xinxi/scoring/api/rankings.py) ---
    "/api/v1/rankings/": {"get"},
    # --- end of scoring: rankings ---
    # --- scoring: appraisal (xinxi/scoring/api/appraisal.py) ---
    "/api/v1/appraisal/{desk}/": {"get"},
    "/api/v1/appraisal/{desk}/confirm/": {"post"},
    "/api/v1/appraisal/{desk}/export/xlsx/": {"get"},
    "/api/v1/appraisal/{desk}/export/docx/": {"get"},
    # --- end of scoring: appraisal ---
    # --- scoring: circulars (xinxi/scoring/api/circulars.py) ---
    "/api/v1/circulars/": {"get", "post"},
    "/api/v1/circulars/{id}/": {"get", "patch"},
    "/api/v1/circulars/{id}/submit/": {"post"},
    "/api/v1/circulars/{id}/return/": {"post"},
    "/api/v1/circulars/{id}/sign/": {"post"},
    "/api/v1/circulars/{id}/issue/": {"post"},
    "/api/v1/circulars/{id}/read/": {"post"},
    "/api/v1/circulars/{id}/reads/": {"get"},
    "/api/v1/circulars/{id}/export/docx/": {"get"},
    "/api/v1/circulars/{id}/export/xlsx/": {"get"},
    # --- end of scoring: circulars ---
    # --- urgent: findings and statistics (xinxi/urgent/api/findings.py) ---
    "/api/v1/urgent/findings/": {"get", "post"},
    "/api/v1/urgent/findings/{id}/": {"get"},
    "/api/v1/urgent/findings/{id}/confirm/": {"post"},
    "/api/v1/urgent/findings/{id}/dismiss/": {"post"},
    "/api/v1/urgent/findings/{id}/circular/": {"get"},
    "/api/v1/urgent/stats/": {"get"},
    "/api/v1/priorities/": {"get", "post"},
    "/api/v1/priorities/{id}/": {"get"},
    "/api/v1/priorities/{id}/publish/": {"post"},
    "/api/v1/priorities/{id}/coverage/": {"get"},
    "/api/v1/priorities/tag/": {"post"},
    "/api/v1/research/topics/": {"get", "post"},
    "/api/v1/research/quota/": {"get"},
    # --- end of urgent: findings and statistics ---
    # --- urgent information: incidents, the board, settings (xinxi/urgent/api/incidents.py, board.py) ---
    "/api/v1/incidents/": {"get", "post"},
    "/api/v1/incidents/{id}/": {"get"},
    "/api/v1/incidents/{id}/correct/": {"post"},
    "/api/v1/incidents/{id}/add-unit/": {"post"},
    "/api/v1/incidents/{id}/phone-reports/": {"post"},
    "/api/v1/incidents/{id}/reports/": {"post"},
    "/api/v1/phone-reports/": {"post"},
    "/api/v1/urgent-board/": {"get"},
    "/api/v1/urgent-settings/": {"get", "put"},
    # --- end of urgent information: incidents ---
    # --- assignments: commissions (xinxi/assignments/api/commissions.py) ---
    "/api/v1/commissions/": {"get", "post"},
    "/api/v1/commissions/{id}/": {"get"},
    "/api/v1/commissions/{id}/targets/": {"get"},
    "/api/v1/commissions/{id}/answer/": {"post"},
    "/api/v1/commissions/{id}/decline/": {"post"},
    # --- end of assignments: commissions ---
    # --- supervision lists and sentiment reports (xinxi/assignments/api/lists.py) ---
    "/api/v1/supervision-lists/": {"get", "post"},
    "/api/v1/supervision-lists/overview/": {"get"},
    "/api/v1/supervision-lists/{id}/": {"get"},
    "/api/v1/supervision-lists/{id}/rows/": {"post"},
    "/api/v1/supervision-lists/{id}/upload/": {"post"},
    "/api/v1/supervision-lists/{id}/send/": {"post"},
    "/api/v1/supervision-rows/": {"get"},
    "/api/v1/supervision-rows/{id}/": {"get"},
    "/api/v1/supervision-rows/{id}/route/": {"post"},
    "/api/v1/supervision-rows/{id}/reply/": {"post"},
    "/api/v1/sentiment-reports/": {"get", "post"},
    # --- end of supervision lists and sentiment reports ---
    # --- assignments: remarks and sharing (xinxi/assignments/api/remarks.py, sharing.py) ---
    "/api/v1/remarks/": {"get", "post"},
    "/api/v1/remarks/counts/": {"get"},
    "/api/v1/remarks/{id}/": {"get", "patch", "delete"},
    "/api/v1/shares/": {"get", "post"},
    "/api/v1/shares/{id}/": {"get"},
    "/api/v1/shares/{id}/read/": {"post"},
    # --- end of assignments: remarks and sharing ---
    # --- e-mail intake (xinxi/intake/api/views.py) ---
    "/api/v1/intake/messages/": {"get"},
    "/api/v1/intake/messages/{id}/": {"get"},
    "/api/v1/intake/messages/{id}/accept/": {"post"},
    "/api/v1/intake/messages/{id}/reject/": {"post"},
    "/api/v1/intake/messages/{id}/discard/": {"post"},
    "/api/v1/intake/mailbox/": {"get", "put"},
    # --- end of e-mail intake ---
}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "testserver"}


def signed_in(db: None) -> Client:
    from xinxi.network.testing import make_user

    client = Client()
    client.force_login(make_user("api_reader", None))
    return client


@pytest.fixture
def schema(db: None) -> dict[str, Any]:
    response = signed_in(db).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_schema_and_docs_need_a_login(db: None) -> None:
    assert Client().get("/api/v1/schema/").status_code == 403
    assert Client().get("/api/v1/docs/").status_code == 403


def test_schema_lists_every_endpoint_and_method(schema: dict[str, Any]) -> None:
    found = {path: set(ops) - {"parameters"} for path, ops in schema["paths"].items()}
    assert found == ENDPOINTS


def test_schema_generation_passes_validation_without_warnings(db: None, tmp_path: Any) -> None:
    # Raises (and fails the test) on any warning, e.g. a view whose serializer cannot be guessed.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/units/{id}/move/" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")


def test_refusals_are_documented(schema: dict[str, Any]) -> None:
    update = schema["paths"]["/api/v1/units/{id}/"]["patch"]["responses"]
    assert {"200", "400", "403", "404", "409"} <= set(update)
    assert set(schema["paths"]["/api/v1/units/"]["post"]["responses"]) >= {"201", "400", "403"}
    assert set(schema["paths"]["/api/v1/staff/{id}/"]["delete"]["responses"]) >= {"204", "403", "404"}
    # Logging in needs no credentials; logging out does.
    assert schema["paths"]["/api/v1/auth/token/"]["post"].get("security", []) in ([], [{}])
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/auth/token/"]["delete"]["security"]


def test_query_filters_are_documented(schema: dict[str, Any]) -> None:
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert {"parent", "level", "kind", "active", "unit_class", "region", "q", "page", "page_size"} <= set(params)
    assert params["parent"]["type"] == "integer"
    assert params["active"]["type"] == "boolean"
    days = {p["name"] for p in schema["paths"]["/api/v1/calendar/working-days/"]["get"]["parameters"]}
    assert days == {"start", "end"}


def _component(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]  # type: ignore[no-any-return]


@pytest.mark.parametrize("url", ["/api/v1/units/", "/api/v1/desks/", "/api/v1/points/", "/api/v1/staff/",
                                 "/api/v1/quotas/", "/api/v1/calendar/days/"])
def test_list_responses_match_their_schema(net: Net, schema: dict[str, Any], url: str) -> None:
    """Every field a list returns is documented, and every documented field is returned."""
    _fill(net)
    client = APIClient()
    client.force_authenticate(net.users["admin"])
    rows = client.get(url).json()["results"]
    assert rows
    page = _component(schema, schema["paths"][url]["get"]["responses"]["200"]["content"]["application/json"]
                      ["schema"]["$ref"])
    item = _component(schema, page["properties"]["results"]["items"]["$ref"])
    for row in rows:
        assert set(row) == set(item["properties"])


def _fill(net: Net) -> None:
    """One row for every list."""
    admin = net.users["admin"]
    province_desk = Desk.objects.get(unit=net.province)
    services.point_admit(actor=admin, unit=net.county, desk=province_desk, admitted_on=dt.date(2026, 1, 5), reason="好")
    StaffMember.objects.create(unit=net.county, name="张三", role="parttime")
    Quota.objects.create(desk=province_desk, unit=net.county, frequency="week", count=2, valid_from=dt.date(2026, 1, 1))
    CalendarDay.objects.create(date=dt.date(2030, 1, 1), kind="holiday", name="元旦")


def test_me_and_working_days_match_their_schema(net: Net, schema: dict[str, Any]) -> None:
    client = APIClient()
    client.force_authenticate(net.users["editor"])
    days = "/api/v1/calendar/working-days/"
    for path, query in [("/api/v1/me/", {}), (days, {"start": "2026-01-01", "end": "2026-01-09"})]:
        body = client.get(path, query).json()
        ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert set(body) == set(_component(schema, ref)["properties"])


# --- Swagger UI: every asset from this server ---


def _asset_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)


def test_docs_page_loads_only_local_assets(db: None) -> None:
    client = signed_in(db)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    for url in re.findall(r"https?://[^\s\"'<>)]+", html):
        assert urlsplit(url).hostname in LOCAL_HOSTS, f"文档页引用了外部地址：{url}"
    assets = _asset_urls(html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    # The start-up script is served by the docs view itself (no inline script under the CSP).
    script = next(a for a in assets if a.startswith("/api/v1/docs/?script"))
    assert 'url: "/api/v1/schema/"' in client.get(script).content.decode()
    assert "<script>" not in html
    for asset in (a for a in assets if a != script):
        assert asset.startswith("/static/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        body = b"".join(served.streaming_content) if served.streaming else served.content  # type: ignore[attr-defined]
        assert body, asset
        if asset.endswith(".css"):
            assert not re.search(rb"url\(\s*['\"]?(https?:)?//", body), f"{asset} 引用了外部资源"
            assert b"@import" not in body, asset


def test_docs_page_title_is_chinese(db: None) -> None:
    assert "<title>Xinxi 信息报送与采编 API</title>" in signed_in(db).get("/api/v1/docs/").content.decode()
