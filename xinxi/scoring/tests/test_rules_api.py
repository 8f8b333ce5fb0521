"""The rule set API: drafts with nested lines, publish / correct / copy, preview, penalties, reversal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from xinxi.scoring import services
from xinxi.scoring.models import Penalty, RuleSet, RuleSetState, ScoreEntry
from xinxi.scoring.tests.factories import ON, adopt, at_city, line, points, rules

D = Decimal


@pytest.fixture
def api_for(net: Any) -> Any:
    def make(persona: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(net.users[persona])
        return client

    return make


def body(net: Any, **extra: Any) -> dict[str, Any]:
    return {"desk": net.city.desk.pk, "name": "2027年计分办法", "valid_from": "2026-12-01",
            "lines": [{"kind": "adoption", "points": "5"}, {"kind": "false_item", "points": "-3"}], **extra}


def test_create_update_publish_a_draft(net, api_for):
    client = api_for("desk_chief")
    made = client.post("/api/v1/rule-sets/", body(net, multi_adoption="highest",
                                                  multipliers=[{"target": "research", "factor": "2"}]), format="json")
    assert made.status_code == 201, made.json()
    data = made.json()
    assert data["state"] == "draft" and data["multi_adoption"] == "highest"
    assert [(ln["kind"], ln["points"]) for ln in data["lines"]] == [("adoption", "5.00"), ("false_item", "-3.00")]
    assert data["multipliers"] == [{"target": "research", "target_label": "类别：调研", "factor": "2.00"}]
    pk = data["id"]
    changed = client.patch(f"/api/v1/rule-sets/{pk}/", {"version": data["version"], "name": "改名",
                                                         "lines": [{"kind": "adoption", "points": "7"}]}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "改名"
    assert len(changed.json()["lines"]) == 1
    stale = client.patch(f"/api/v1/rule-sets/{pk}/", {"version": data["version"], "name": "又改"}, format="json")
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    published = client.post(f"/api/v1/rule-sets/{pk}/publish/")
    assert published.status_code == 200 and published.json()["state"] == "active"
    locked = client.patch(f"/api/v1/rule-sets/{pk}/", {"version": published.json()["version"], "name": "x"},
                          format="json")
    assert locked.status_code == 409


def test_validation_400_and_rules_409(net, api_for):
    client = api_for("desk_chief")
    assert client.post("/api/v1/rule-sets/", body(net, lines=[{"kind": "nope", "points": "1"}]),
                       format="json").status_code == 400
    assert client.post("/api/v1/rule-sets/", body(net, name=""), format="json").status_code == 400
    positive = client.post("/api/v1/rule-sets/", body(net, lines=[{"kind": "false_item", "points": "5"}]),
                           format="json")
    assert positive.status_code == 409 and "扣分事项" in positive.json()["detail"]
    other = client.post("/api/v1/rule-sets/", body(net, desk=net.other_city.desk.pk), format="json")
    assert other.status_code == 409 and "desk" in other.json()
    assert not RuleSet.objects.exists()


def test_editor_reads_but_may_not_write(net, api_for):
    made = rules(net, net.city.desk, [line("adoption", 5)])
    client = api_for("editor")
    assert [r["id"] for r in client.get("/api/v1/rule-sets/").json()["results"]] == [made.pk]
    assert client.post("/api/v1/rule-sets/", body(net), format="json").status_code == 403
    assert client.post(f"/api/v1/rule-sets/{made.pk}/correct/").status_code == 403
    assert api_for("outsider").get(f"/api/v1/rule-sets/{made.pk}/").status_code == 404
    assert api_for("reporter").get("/api/v1/rule-sets/").json()["results"] == []


def test_correct_and_copy(net, api_for):
    active = rules(net, net.city.desk, [line("adoption", 5)])
    adopt(net.editor, at_city(net))
    client = api_for("desk_chief")
    corrected = client.post(f"/api/v1/rule-sets/{active.pk}/correct/").json()
    assert corrected["supersedes"] == active.pk and corrected["state"] == "draft"
    client.patch(f"/api/v1/rule-sets/{corrected['id']}/", {"version": corrected["version"],
                                                          "lines": [{"kind": "adoption", "points": "9"}]},
                 format="json")
    client.post(f"/api/v1/rule-sets/{corrected['id']}/publish/")
    assert points(net.city.desk, net.county) == D(9)
    assert RuleSet.objects.get(pk=active.pk).state == RuleSetState.SUPERSEDED
    copy = client.post(f"/api/v1/rule-sets/{active.pk}/copy/", {"valid_from": "2027-01-01"}, format="json")
    assert copy.status_code == 201 and copy.json()["valid_from"] == "2027-01-01"
    assert client.post(f"/api/v1/rule-sets/{active.pk}/copy/", {"valid_from": "x"}, format="json").status_code == 400


def test_preview_returns_line_by_line_and_writes_nothing(net, api_for):
    rules(net, net.city.desk, [line("adoption", 5)])
    [adoption] = adopt(net.editor, at_city(net))
    made = services.rule_set_create(
        actor=net.desk_chief, desk=net.city.desk, name="草稿", valid_from=ON,
        lines=[line("adoption", 10), line("adoption_level", 30, level="province")], upward="level_lines",
    )
    before = ScoreEntry.objects.count()
    response = api_for("editor").post(f"/api/v1/rule-sets/{made.pk}/preview/", {
        "events": [{"unit": net.town.pk, "kind": "adoption_level", "level": "province"},
                   {"unit": net.town.pk, "kind": "adoption", "sources": 2}],
        "adoptions": [adoption.pk],
    }, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert [(r["unit"], r["points"]) for r in data["rows"]] == [
        (net.town.pk, "30.00"), (net.town.pk, "10.00"), (net.county.pk, "10.00")
    ]
    assert data["totals"] == [
        {"unit": net.town.pk, "unit_name": net.town.name, "points": "40.00"},
        {"unit": net.county.pk, "unit_name": net.county.name, "points": "10.00"},
    ]
    assert ScoreEntry.objects.count() == before
    outside = api_for("editor").post(f"/api/v1/rule-sets/{made.pk}/preview/", {
        "events": [{"unit": net.other_county.pk, "kind": "adoption"}]}, format="json")
    assert outside.status_code == 409
    wrong = api_for("editor").post(f"/api/v1/rule-sets/{made.pk}/preview/", {"adoptions": [999999]}, format="json")
    assert wrong.status_code == 409


def test_penalties_list_create_and_reverse(net, api_for):
    rules(net, net.city.desk, [line("false_item", -5)])
    client = api_for("desk_chief")
    made = client.post("/api/v1/penalties/", {"desk": net.city.desk.pk, "unit": net.county.pk, "kind": "false_item",
                                              "on": "2026-11-20", "reason": "失实"}, format="json")
    assert made.status_code == 201 and made.json()["points"] == "-5.00"
    assert api_for("editor").post("/api/v1/penalties/", {
        "desk": net.city.desk.pk, "unit": net.county.pk, "kind": "false_item", "on": "2026-11-20",
        "reason": "失实"}, format="json").status_code == 403
    assert [p["reason"] for p in api_for("editor").get("/api/v1/penalties/").json()["results"]] == ["失实"]
    assert api_for("outsider").get("/api/v1/penalties/").json()["results"] == []
    entry = ScoreEntry.objects.get(penalty_id=made.json()["id"])
    assert api_for("editor").post(f"/api/v1/score-entries/{entry.pk}/reverse/", {"reason": "错"},
                                  format="json").status_code == 403
    assert api_for("outsider").post(f"/api/v1/score-entries/{entry.pk}/reverse/", {"reason": "错"},
                                    format="json").status_code == 404
    assert client.post(f"/api/v1/score-entries/{entry.pk}/reverse/", {}, format="json").status_code == 400
    done = client.post(f"/api/v1/score-entries/{entry.pk}/reverse/", {"reason": "核实无误"}, format="json")
    assert done.status_code == 201 and done.json()["points"] == "5.00" and done.json()["reverses"] == entry.pk
    assert points(net.city.desk, net.county) == D(0)
    again = client.post(f"/api/v1/score-entries/{entry.pk}/reverse/", {"reason": "再"}, format="json")
    assert again.status_code == 409
    assert Penalty.objects.count() == 1
