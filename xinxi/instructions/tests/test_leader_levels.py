"""Leader levels (领导层级) are a table admins extend: the form, the API and its schema follow it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import ProtectedError
from django.utils import timezone
from rest_framework.test import APIClient

from xinxi.audit.models import AuditEvent
from xinxi.instructions.levels import DEFAULT_LEVELS
from xinxi.instructions.models import Instruction, LeaderLevel
from xinxi.instructions.tests.factories import instruction_on_item
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.network.testing import PERSONAS, Net

PUBLISHED = [
    "中央领导", "国务院领导", "省主要领导", "省领导", "市主要领导", "市领导", "市两办领导", "部门（局）领导", "县领导",
]


def api(net: Net, persona: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(net.users[persona])
    return client


def body(entry_id: int, level: str) -> dict[str, Any]:
    return {"entry": entry_id, "leader_name": "李副市长", "leader_title": "副市长", "level": level,
            "text": "请认真研究。", "instructed_on": str(timezone.localdate())}


def schema_levels(net: Net, enum: str) -> list[str]:
    schema = api(net, "editor").get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    return schema["components"]["schemas"][enum].get("enum", [])


def form_levels(net: Net, client_for: Any) -> list[str]:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    html = client_for("editor").get(f"/supervision/record/entry/{entry.pk}/").content.decode()
    select = html[html.index('name="level"'):]
    select = select[: select.index("</select>")]
    return [part.split("</option>")[0].split(">")[-1] for part in select.split("<option")[1:] if part.strip()]


def test_the_published_levels_are_offered_in_order(net, client_for):
    assert [name for _, name, _ in DEFAULT_LEVELS] == PUBLISHED
    assert form_levels(net, client_for)[-len(PUBLISHED):] == PUBLISHED
    assert schema_levels(net, "ActiveLeaderLevelEnum") == [code for code, _, _ in DEFAULT_LEVELS]


def test_a_level_an_admin_adds_is_offered_accepted_and_published(net, client_for):
    response = client_for("admin").post(
        "/admin/instructions/leaderlevel/add/", {"code": "district_main", "name": "区主要领导", "order": 55,
                                                 "active": "on"})
    assert response.status_code == 302
    added = LeaderLevel.objects.get(code="district_main")
    assert AuditEvent.objects.filter(action="admin_change", object_id=str(added.pk)).exists()
    assert form_levels(net, client_for).index("区主要领导") == PUBLISHED.index("市主要领导") + 1  # by its order
    assert "district_main" in schema_levels(net, "ActiveLeaderLevelEnum")
    entry = entry_at(submitted(net.reporter), net.city.desk)
    recorded = api(net, "editor").post("/api/v1/instructions/", body(entry.pk, "district_main"), format="json")
    assert recorded.status_code == 201, recorded.content
    assert (recorded.json()["level"], recorded.json()["level_label"]) == ("district_main", "区主要领导")
    listed = api(net, "editor").get("/api/v1/instructions/", {"level": "district_main"}).json()
    assert [row["id"] for row in listed["results"]] == [recorded.json()["id"]]


def test_an_inactive_level_stays_on_its_instructions_but_is_no_longer_offered(net, client_for):
    kept = instruction_on_item(net, level="city_office")
    LeaderLevel.objects.filter(code="city_office").update(active=False)
    assert "市两办领导" not in form_levels(net, client_for)
    assert "city_office" not in schema_levels(net, "ActiveLeaderLevelEnum")
    assert "city_office" in schema_levels(net, "LeaderLevelEnum")  # what recorded instructions may carry
    entry = entry_at(submitted(net.reporter), net.city.desk)
    refused = api(net, "editor").post("/api/v1/instructions/", body(entry.pk, "city_office"), format="json")
    assert refused.status_code == 400 and refused.json() == {"level": ["请选择批示领导的层级。"]}
    shown = api(net, "editor").get(f"/api/v1/instructions/{kept.pk}/").json()
    assert (shown["level"], shown["level_label"]) == ("city_office", "市两办领导")
    page = client_for("editor").get(f"/supervision/instructions/{kept.pk}/").content.decode()
    assert "市两办领导" in page


def test_a_level_in_use_cannot_be_deleted(net):
    instruction_on_item(net, level="county")
    with pytest.raises(ProtectedError):
        LeaderLevel.objects.get(code="county").delete()
    assert Instruction.objects.filter(level__code="county").count() == 1


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_only_admins_edit_the_table(net, client_for, persona):
    response = client_for(persona).get("/admin/instructions/leaderlevel/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_code_is_fixed_once_the_level_exists(net, client_for):
    level = LeaderLevel.objects.get(code="city")
    client = client_for("admin")
    response = client.post(f"/admin/instructions/leaderlevel/{level.pk}/change/",
                           {"code": "town", "name": "市领导（含副职）", "order": 60, "active": "on"})
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.code, level.name) == ("city", "市领导（含副职）")


def test_instructions_list_is_not_one_query_per_level(net, django_assert_max_num_queries):
    for code in ("city", "county", "province", "central"):
        instruction_on_item(net, level=code, instructed_on=timezone.localdate() - dt.timedelta(days=1))
    client = api(net, "editor")
    with django_assert_max_num_queries(3):
        rows = client.get("/api/v1/instructions/").json()["results"]
    assert {row["level_label"] for row in rows} == {"市领导", "县领导", "省领导", "中央领导"}
