"""What a client may rely on, for every endpoint: the shared rules that keep the schema exact.

400: the request does not match the schema (a filter, a page, a field), naming what is wrong.
409: the request matches it, but the data as it stands refuses it. 401: refused credentials.
404 for a path the API does not have, and every refusal is JSON, never the HTML error page.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from xinxi.items.tests.factories import entry_at, submitted
from xinxi.network.testing import PASSWORD, Net


def api(net: Net, persona: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(net.users[persona])
    return client


def test_invalid_filter_values_are_400_naming_each_parameter(net: Net) -> None:
    response = api(net, "editor").get("/api/v1/adoptions/", {"kind": "x", "adopted_from": "x"})
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "adopted_from"}


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/adoptions/", {"kind": ""}),
        ("/api/v1/adoptions/", {"adopted_to": ""}),
        ("/api/v1/entries/", {"state": ""}),
        ("/api/v1/units/", {"active": " "}),
        ("/api/v1/instructions/", {"level": ""}),
        # Query parameters read by a serializer (lib.api_filters.QuerySerializer) follow the same rule.
        ("/api/v1/search/", {"tone": ""}),
        ("/api/v1/search/", {"order": ""}),
        ("/api/v1/search/", {"unit": ""}),
    ],
)
def test_an_empty_filter_value_is_refused_not_ignored(net: Net, url: str, query: dict[str, str]) -> None:
    response = api(net, "editor").get(url, query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_an_empty_free_text_query_is_a_text(net: Net) -> None:
    assert api(net, "editor").get("/api/v1/search/", {"q": ""}).status_code == 200


def test_a_filter_read_from_a_table_lists_its_values_in_the_schema(net: Net) -> None:
    """The leader level filter: its values come from the leader-level table, when the schema is made."""
    from xinxi.instructions.levels import all_level_choices

    schema = api(net, "editor").get("/api/v1/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/instructions/"]["get"]["parameters"]}
    assert parameters["level"]["enum"] == [code for code, _ in all_level_choices()] != []
    assert parameters["level"]["minLength"] == 1
    units = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert "minLength" not in units["q"] and units["kind"]["minLength"] == 1  # free text may be empty
    unknown = api(net, "editor").get("/api/v1/instructions/", {"level": "nobody"})
    assert unknown.status_code == 400 and list(unknown.json()) == ["level"]
    known = api(net, "editor").get("/api/v1/instructions/", {"level": parameters["level"]["enum"][0]})
    assert known.status_code == 200


def test_an_empty_free_text_filter_filters_nothing_out(net: Net) -> None:
    everything = api(net, "admin").get("/api/v1/units/").json()["count"]
    assert api(net, "admin").get("/api/v1/units/", {"q": ""}).json()["count"] == everything > 0


@pytest.mark.parametrize(
    ("query", "name"),
    [({"page": "0"}, "page"), ({"page": "x"}, "page"), ({"page_size": "0"}, "page_size"),
     ({"page_size": "201"}, "page_size"), ({"page_size": ""}, "page_size"), ({"page_size": "1.5"}, "page_size")],
)
def test_paging_out_of_range_is_400_naming_the_parameter(net: Net, query: dict[str, str], name: str) -> None:
    response = api(net, "admin").get("/api/v1/units/", query)
    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_a_page_past_the_last_is_404(net: Net) -> None:
    assert api(net, "admin").get("/api/v1/units/", {"page": "99"}).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/items/0.5/", "/api/v1/items/0.5/submit/", "/api/v1/nothing-here/",
                                  "/api/v1/supervision-tasks/1/reports/1/attachments/0.5/"])
def test_a_path_the_api_does_not_have_is_a_json_404(net: Net, path: str) -> None:
    response = api(net, "editor").get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}


def test_a_body_is_json_only_where_no_file_is_uploaded(net: Net) -> None:
    response = api(net, "reporter").post("/api/v1/items/", {"title": "东城县冬季供暖保障有序推进"}, format="multipart")
    assert response.status_code == 415


@pytest.mark.parametrize(
    ("body", "message"),
    [({"major": 0}, "应为 true 或 false。"), ({"major": "true"}, "应为 true 或 false。")],
)
def test_json_values_must_have_the_type_the_schema_states(net: Net, body: dict[str, Any], message: str) -> None:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    response = api(net, "editor").post(f"/api/v1/entries/{entry.pk}/major-event/", body)
    assert (response.status_code, response.json()) == (400, {"major": [message]})
    entry.refresh_from_db()
    assert entry.major_event is False


def test_text_fields_refuse_numbers(net: Net) -> None:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    response = api(net, "editor").post(f"/api/v1/entries/{entry.pk}/not-adopt/", {"reason": 0})
    assert (response.status_code, response.json()) == (400, {"reason": ["应为字符串。"]})


def test_a_well_formed_request_the_state_refuses_is_409(net: Net) -> None:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    client = api(net, "editor")
    assert client.post(f"/api/v1/entries/{entry.pk}/not-adopt/", {"reason": "与本地无关"}).status_code == 200
    again = client.post(f"/api/v1/entries/{entry.pk}/preadopt/")
    assert again.status_code == 409
    assert "不能“预采用”" in again.json()["detail"]


def test_a_referenced_object_that_does_not_exist_is_409_naming_the_field(net: Net) -> None:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    response = api(net, "editor").post(f"/api/v1/entries/{entry.pk}/duplicate/", {"of": 999_999})
    assert (response.status_code, response.json()) == (409, {"of": ["信息不存在。"]})


def test_refused_credentials_are_401(net: Net) -> None:
    response = APIClient().post("/api/v1/auth/token/", {"username": "editor", "password": PASSWORD + "x"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_every_operation_documents_its_refusals(net: Net) -> None:
    schema = api(net, "editor").get("/api/v1/schema/", {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "403" in codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in {"post", "put", "patch", "delete"}:
                assert "409" in codes, (method, path)
            if method == "patch" and "requestBody" in operation:
                ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                component = schema["components"]["schemas"][ref]
                if "version" in component["properties"]:
                    assert "version" in component["required"], (method, path)
            if method == "get" and any(p["name"] == "page_size" for p in operation.get("parameters", [])):
                assert {"400", "404"} <= codes, (method, path)


def _rule_set(net: Net, **extra: Any) -> dict[str, Any]:
    return {"desk": net.city.desk.pk, "name": "2027年计分办法", "valid_from": "2026-12-01",
            "lines": [{"kind": "adoption", "points": "5"}], **extra}


@pytest.mark.parametrize(
    ("extra", "errors"),
    [
        ({"base_points": ""}, {"base_points"}),
        ({"base_points": 5}, {"base_points"}),  # a number: the schema says a string
        ({"base_points": "1e2"}, {"base_points"}),
        ({"base_points": " 5"}, {"base_points"}),
        ({"base_points": "10000.01"}, {"base_points"}),  # above the limit the pattern states
        ({"rate_floor": "-0"}, {"rate_floor"}),  # no sign where negatives are not allowed
        ({"lines": [{"kind": "adoption", "points": "5.001"}]}, {"lines"}),  # nested: each item is checked
        ({"lines": [{"kind": "adoption", "points": "5", "label": 0}]}, {"lines"}),
        ({"multipliers": [{"target": "research", "factor": "100.5"}]}, {"multipliers"}),
    ],
)
def test_decimals_and_nested_values_are_held_to_the_schema(
    net: Net, extra: dict[str, Any], errors: set[str]
) -> None:
    response = api(net, "desk_chief").post("/api/v1/rule-sets/", _rule_set(net, **extra), format="json")
    assert response.status_code == 400, response.json()
    assert set(response.json()) == errors


@pytest.mark.parametrize("value", ["0", "-10000", "10000.00", "12.5", "-0.05"])
def test_a_decimal_the_pattern_allows_is_accepted(net: Net, value: str) -> None:
    response = api(net, "desk_chief").post("/api/v1/rule-sets/", _rule_set(net, base_points=value), format="json")
    assert response.status_code == 201, response.json()


def test_the_schema_publishes_the_pattern_decimals_are_held_to(net: Net) -> None:
    import re

    schema = api(net, "editor").get("/api/v1/schema/", {"format": "json"}).json()
    factor = schema["components"]["schemas"]["RuleMultiplierInputRequest"]["properties"]["factor"]["pattern"]
    assert [v for v in ["0", "7.5", "100", "100.00", "100.01", "-1", "", "1.", "07"] if re.search(factor, v)] == [
        "0", "7.5", "100", "100.00"]
