"""Ledger API: /score-entries/ (filters, traces, clearance), /my-scores/, and withdrawing an adoption."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rest_framework.test import APIClient

from xinxi.audit.models import AuditEvent
from xinxi.items.models import Adoption
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.network.testing import make_user
from xinxi.scoring import services
from xinxi.scoring.models import EventKind, ScoreEntry
from xinxi.scoring.tests.factories import adopt, at_city, line, points, rules
from xinxi.scoring.tests.test_ledger_pages import world

D = Decimal


def api(net: Any, persona: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(net.users[persona])
    return client


def test_list_is_the_desks_ledger_with_traces(net):
    w = world(net)
    body = api(net, "editor").get("/api/v1/score-entries/").json()
    assert body["count"] == 3
    rows = {r["id"]: r for r in body["results"]}
    assert w["other"].pk not in rows
    adoption = next(r for r in rows.values() if r["item_title"] == "东城县秋粮收购进度过半")
    assert adoption["rule_line_label"] == "一般采用" and adoption["rule_set"] == w["rule_set"].pk
    assert adoption["points"] == "5.00" and adoption["posted_by_name"] == "王编辑"
    assert adoption["trace_url"] == f"/scoring/entries/{adoption['id']}/" and adoption["adoption"] is not None
    assert adoption["facts"]["kind"] == "adoption" and adoption["reversed_by"] is None
    penalty = rows[w["penalty"].pk]
    assert penalty["penalty"] is not None and penalty["kind"] == "false_item" and penalty["points"] == "-3.00"
    assert api(net, "reporter").get("/api/v1/score-entries/").json()["count"] == 0
    admin = api(net, "admin").get(f"/api/v1/score-entries/?desk={net.other_city.desk.pk}").json()
    assert [r["id"] for r in admin["results"]] == [w["other"].pk]


def test_filters_are_validated_and_applied(net):
    w = world(net)
    client = api(net, "desk_chief")

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/v1/score-entries/?{query}")
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids("kind=false_item") == {w["penalty"].pk}
    assert len(ids("on_from=2026-11-01&on_to=2026-11-30")) == 2
    assert ids(f"unit={net.other_county.pk}") == set()
    assert len(ids(f"rule_set={w['rule_set'].pk}")) == 3
    services.score_entry_reverse(actor=net.desk_chief, entry=w["penalty"], reason="误记")
    reversal = ScoreEntry.objects.get(reverses=w["penalty"])
    assert ids("status=reversed") == {w["penalty"].pk}
    assert ids("status=reversal") == {reversal.pk}
    assert len(ids("status=live")) == 2
    detail = client.get(f"/api/v1/score-entries/{w['penalty'].pk}/").json()
    assert detail["reversed_by"] == reversal.pk
    for query, name in [("status=nothing", "status"), ("kind=x", "kind"), ("on_from=2026-13-01", "on_from"),
                        ("unit=abc", "unit"), ("rule_set=", "rule_set"), ("desk=1.5", "desk")]:
        response = client.get(f"/api/v1/score-entries/?{query}")
        assert response.status_code == 400 and name in response.json(), query


def test_detail_of_another_desk_is_missing(net):
    w = world(net)
    assert api(net, "editor").get(f"/api/v1/score-entries/{w['other'].pk}/").status_code == 404
    assert api(net, "reporter").get(f"/api/v1/score-entries/{w['penalty'].pk}/").status_code == 404
    assert api(net, "admin").get(f"/api/v1/score-entries/{w['other'].pk}/").status_code == 200


def test_a_classified_item_is_not_named_above_the_users_clearance(net):
    rules(net, net.city.desk, [line("adoption", 5)])
    secret_reporter = make_user("secret_reporter", net.county, "reporter", clearance=Classification.SECRET)
    item = submitted(secret_reporter, title="秘密级信息标题", classification=Classification.SECRET)
    adopt(net.editor, entry_at(item, net.city.desk))
    entry = ScoreEntry.objects.get(item=item)
    cleared = api(net, "editor").get(f"/api/v1/score-entries/{entry.pk}/").json()
    assert cleared["item_title"] == "秘密级信息标题" and cleared["facts"]
    hidden = api(net, "duty_officer").get(f"/api/v1/score-entries/{entry.pk}/").json()
    assert hidden["item_title"] == "（涉密信息）" and hidden["facts"] == {} and hidden["reason"] == "（涉密信息）"
    listed = api(net, "duty_officer").get("/api/v1/score-entries/").content.decode()
    assert "秘密级信息标题" not in listed
    mine = api(net, "reporter").get("/api/v1/my-scores/?year=2026").content.decode()
    assert "秘密级信息标题" not in mine and "（涉密信息）" in mine


def test_list_keeps_a_bounded_number_of_queries(net, django_assert_max_num_queries):
    rule_set = rules(net, net.city.desk, [line("adoption", 5)])
    for n in range(40):
        ScoreEntry.objects.create(desk=net.city.desk, unit=net.county, on=dt.date(2026, 11, 1), points=D(1),
                                  kind=EventKind.BASE, key=f"base:{n}", rule_set=rule_set, posted_by=net.editor)
    client = api(net, "editor")
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/score-entries/").json()
    assert body["count"] == 40


def test_my_scores_are_the_units_own(net):
    w = world(net)
    body = api(net, "reporter").get("/api/v1/my-scores/?year=2026").json()
    assert body["unit"] == net.county.pk and body["year"] == 2026 and not body["entries_truncated"]
    [desk] = body["desks"]
    assert desk["desk"] == net.city.desk.pk and desk["total"] == "7.00"
    assert desk["months"][10] == "2.00" and desk["months"][11] == "5.00"
    assert len(body["entries"]) == 3
    titles = {e["item_title"] for e in body["entries"]}
    assert "东城县秋粮收购进度过半" in titles
    assert all("facts" not in e and "posted_by" not in e for e in body["entries"])
    penalty = next(e for e in body["entries"] if e["id"] == w["penalty"].pk)
    assert penalty["reason"] == "数字失实" and penalty["trace_url"] == f"/scoring/entries/{w['penalty'].pk}/"
    other = api(net, "outsider").get("/api/v1/my-scores/").json()
    assert [e["id"] for e in other["entries"]] == [w["other"].pk]
    assert api(net, "reporter").get(f"/api/v1/my-scores/?desk={net.other_city.desk.pk}").json()["entries"] == []
    assert api(net, "reporter").get("/api/v1/my-scores/?year=1999").status_code == 400
    assert "year" in api(net, "reporter").get("/api/v1/my-scores/?year=x").json()
    assert api(net, "editor").get("/api/v1/my-scores/").status_code == 403


def test_withdraw_an_adoption_through_the_api(net):
    rules(net, net.city.desk, [line("adoption", 5)])
    entry = at_city(net)
    [record] = adopt(net.editor, entry)
    client = api(net, "editor")
    url = f"/api/v1/entries/{entry.pk}/withdraw-adoption/"
    no_reason = client.post(url, {"adoption": record.pk, "reason": ""}, format="json")
    assert no_reason.status_code == 409 and "理由" in no_reason.json()["detail"]
    wrong_type = client.post(url, {"adoption": str(record.pk), "reason": "误录"}, format="json")
    assert wrong_type.status_code == 400 and "adoption" in wrong_type.json()
    refused = api(net, "duty_officer").post(url, {"adoption": record.pk, "reason": "误录"}, format="json")
    assert refused.status_code == 403
    done = client.post(url, {"adoption": record.pk, "reason": "误录"}, format="json")
    assert done.status_code == 200
    [row] = done.json()
    assert row["id"] == record.pk and row["withdrawn_reason"] == "误录" and row["withdrawn_at"]
    assert points(net.city.desk, net.county) == D(0)
    assert ScoreEntry.objects.filter(reverses__adoption=record, points=D(-5)).count() == 1
    assert AuditEvent.objects.filter(action="adoption_withdraw").count() == 1
    again = client.post(url, {"adoption": record.pk, "reason": "再撤"}, format="json")
    assert again.status_code == 409 and "已经撤销" in again.json()["detail"]
    listed = client.get(f"/api/v1/adoptions/{record.pk}/").json()
    assert listed["withdrawn_reason"] == "误录"
    other_entry = at_city(net, title="另一条")
    foreign = client.post(f"/api/v1/entries/{other_entry.pk}/withdraw-adoption/",
                          {"adoption": record.pk, "reason": "误录"}, format="json")
    assert foreign.status_code == 409 and "adoption" in foreign.json()
    assert Adoption.objects.filter(withdrawn_at__isnull=False).count() == 1
