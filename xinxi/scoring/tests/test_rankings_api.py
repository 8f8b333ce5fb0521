"""GET /api/v1/rankings/: the figures, groups and named lists; validated parameters; another desk 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from xinxi.network.models import UnitClass
from xinxi.scoring.tests.factories import adopt, at_city, line, rules

URL = "/api/v1/rankings/"


def api_for(net, persona):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(net.users[persona])
    return client


def test_the_ranking_of_the_own_desk(net):
    rules(net, net.city.desk, [line("adoption", 10)])
    adopt(net.editor, at_city(net))
    adopt(net.editor, at_city(net), kind="brief", issue_no="第2期")
    body = api_for(net, "editor").get(URL, {"period": "2026-12"}).json()
    assert body["desk"] == {"id": net.city.desk.pk, "name": net.city.desk.name}
    assert body["period"] == {"kind": "month", "label": "2026年12月", "start": "2026-12-01", "end": "2026-12-31"}
    assert body["previous"]["start"] == "2026-11-01" and body["previous"]["kind"] == "month"
    assert (body["total"], body["submitted"], body["adopted"], body["floor"]) == ("20.00", 2, 2, None)
    first = body["rows"][0]
    assert first["unit"] == {"id": net.county.pk, "name": net.county.name}
    assert (first["rank"], first["adopted_full"], first["adopted_brief"], first["rate"], first["desk_share"]) == (
        1, 1, 1, "100.0", "100.0")
    assert first["ledger"] == (f"/scoring/ledger/?desk={net.city.desk.pk}&start=2026-12-01&end=2026-12-31"
                               f"&unit={net.county.pk}")
    tied = [r["rank"] for r in body["rows"][1:]]
    assert tied == [2] * len(tied)
    assert sum(Decimal(g["share"]) for g in body["groups"]) == 100
    assert net.county.pk in body["groups"][0]["members"]
    assert set(body["lists"]) == {"zero", "declining", "no_problems", "below_floor", "quota_short"}
    assert net.town.pk in body["lists"]["zero"] and net.county.pk in body["lists"]["no_problems"]
    assert len(body["trend"]) == 12 and body["trend"][-1] == {"month": "2026-12", "points": "20.00"}


def test_the_last_month_by_default_and_a_custom_range(net):
    client = api_for(net, "desk_chief")
    assert client.get(URL).json()["period"]["label"] == "2026年11月"
    custom = client.get(URL, {"start": "2026-11-10", "end": "2026-11-19"}).json()
    assert custom["period"]["kind"] == "custom"
    assert (custom["previous"]["start"], custom["previous"]["end"]) == ("2026-10-31", "2026-11-09")


def test_the_unit_class_filter(net):
    cities = UnitClass.objects.create(name="市直部门")
    net.city_dept.unit_class = cities
    net.city_dept.save()
    body = api_for(net, "editor").get(URL, {"period": "2026", "unit_class": cities.pk}).json()
    assert [r["unit"]["id"] for r in body["rows"]] == [net.city_dept.pk]


@pytest.mark.parametrize(("query", "param"), [
    ({"period": "2026-13"}, "period"),
    ({"period": ""}, "period"),
    ({"desk": "x"}, "desk"),
    ({"desk": ""}, "desk"),
    ({"period": "1969"}, "period"),
    ({"start": "12/01/2026", "end": "2026-12-31"}, "start"),
    ({"unit_class": "0"}, "unit_class"),
])
def test_a_bad_parameter_is_400_naming_it(net, query, param):
    response = api_for(net, "editor").get(URL, query)
    assert response.status_code == 400
    assert param in response.json(), response.json()


@pytest.mark.parametrize(("query", "start", "end"), [
    ({"start": "2026-11-01"}, "2026-11-01", "2026-12-01"),  # to today
    ({"end": "2026-11-30"}, "2026-01-01", "2026-11-30"),  # from the first day of end's year
    ({"start": "2026-11-30", "end": "2026-11-01"}, "2026-11-01", "2026-11-30"),  # either order
    ({"start": "1900-01-01", "end": "2026-11-30"}, "2023-11-28", "2026-11-30"),  # the last 3 × 366 + 1 days
    ({"start": "9999-01-01", "end": "9999-12-31"}, "2099-12-31", "2099-12-31"),  # within 1970—2099
    ({"period": "2026-11", "start": "2025-01-01", "end": "2025-01-31"}, "2026-11-01", "2026-11-30"),  # period wins
])
def test_a_custom_range_is_read_leniently_as_documented(net, query, start, end):
    body = api_for(net, "editor").get(URL, query).json()
    assert (body["period"]["start"], body["period"]["end"]) == (start, end), body["period"]


def test_an_unknown_unit_class_ranks_nobody(net):
    body = api_for(net, "editor").get(URL, {"period": "2026", "unit_class": 999}).json()
    assert body["rows"] == []


def test_another_desk_is_missing_and_a_reporter_has_none(net):
    assert api_for(net, "editor").get(URL, {"desk": net.province.desk.pk}).status_code == 404
    assert api_for(net, "editor").get(URL, {"desk": 99999}).status_code == 404
    assert api_for(net, "reporter").get(URL).status_code == 404
    assert api_for(net, "admin").get(URL, {"desk": net.province.desk.pk}).status_code == 200


def test_the_response_matches_the_schema(net, client_for):
    schema = client_for("editor").get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    ref = schema["paths"][URL]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    documented = components[ref.rsplit("/", 1)[1]]
    body = api_for(net, "editor").get(URL, {"period": "2026-12"}).json()
    assert set(body) == set(documented["properties"])
    row_ref = documented["properties"]["rows"]["items"]["$ref"]
    assert set(body["rows"][0]) == set(components[row_ref.rsplit("/", 1)[1]]["properties"])
    names = {p["name"] for p in schema["paths"][URL]["get"]["parameters"]}
    assert names == {"desk", "period", "start", "end", "unit_class"}


def test_bounded_queries(net, django_assert_max_num_queries):
    rules(net, net.city.desk, [line("adoption", 10)])
    for n in range(3):
        adopt(net.editor, at_city(net), issue_no=f"第{n}期", adopted_on=dt.date(2026, 12, 1))
    client = api_for(net, "editor")
    with django_assert_max_num_queries(16):
        assert client.get(URL, {"period": "2026-12"}).status_code == 200
