"""The network REST API (/api/v1/): who sees and changes what, bad input, lists.

Access tables list, for every persona of ``xinxi.network.testing``, what they get.
Reminder of the fixture: the city desk (临江市委办公室) has an editor, a desk chief, a
duty officer and a leader; reporter, approver and no_clearance sit in 东城县委办公室
under it; outsider sits in 西山县委办公室 under the other city; admin sees everything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from xinxi.accounts.models import User
from xinxi.audit.models import AuditEvent
from xinxi.network import services
from xinxi.network.models import (
    CalendarDay,
    CalendarDayKind,
    CalendarYear,
    Desk,
    DirectPoint,
    Level,
    Quota,
    QuotaFrequency,
    StaffMember,
    StaffRole,
    Unit,
    UnitClass,
    UnitKind,
)
from xinxi.network.testing import PERSONAS, Net, make_unit

FORBIDDEN = "您没有权限进行此操作。"
DESK_STAFF = {"editor", "desk_chief", "duty_officer", "leader"}
COUNTY_PEOPLE = {"reporter", "approver", "no_clearance"}
MANAGERS = {"admin", "desk_chief"}


@dataclass
class World:
    """``net`` plus what the API shows: a class, a zone, a point, staff and quotas."""

    net: Net
    county_class: UnitClass
    dev_zone: Unit  # county level, directly under the province, inside the city's region
    point: DirectPoint  # 东城县委办公室 reports straight to the province desk
    county_staff: StaffMember
    other_staff: StaffMember
    city_quota: Quota
    class_quota: Quota
    other_quota: Quota

    def api(self, persona: str | None) -> APIClient:
        """A client for the persona, loaded afresh like a real request (no cached roles or desk)."""
        client = APIClient()
        if persona is not None:
            client.force_authenticate(User.objects.get(pk=self.net.users[persona].pk))
        return client


@pytest.fixture
def world(net: Net) -> World:
    admin = net.users["admin"]
    county_class = UnitClass.objects.create(name="县（市、区）")
    Unit.objects.filter(pk__in=[net.county.pk, net.other_county.pk]).update(unit_class=county_class)
    dev_zone = make_unit("临江经济开发区", net.province, kind=UnitKind.OTHER, level=Level.COUNTY, region_code="370103")
    province_desk = Desk.objects.get(unit=net.province)
    city_desk = Desk.objects.get(unit=net.city)
    other_desk = Desk.objects.get(unit=net.other_city)
    point = services.point_admit(actor=admin, unit=net.county, desk=province_desk, admitted_on=dt.date(2026, 1, 5),
                                 reason="县域经济信息报送质量高")
    county_staff = StaffMember.objects.create(unit=net.county, name="张三", role=StaffRole.PARTTIME)
    other_staff = StaffMember.objects.create(unit=net.other_county, name="李四", role=StaffRole.FULLTIME)
    on = dt.date(2026, 1, 1)
    city_quota = Quota.objects.create(desk=city_desk, unit=net.county, frequency=QuotaFrequency.WEEK, count=2,
                                      research_per_quarter=1, valid_from=on)
    class_quota = Quota.objects.create(desk=province_desk, unit_class=county_class,
                                       frequency=QuotaFrequency.MONTH, count=3, valid_from=on)
    other_quota = Quota.objects.create(desk=other_desk, unit=net.other_county,
                                       frequency=QuotaFrequency.WORKING_DAY, count=1, valid_from=on)
    return World(net, county_class, dev_zone, point, county_staff, other_staff, city_quota, class_quota, other_quota)


def names(response: Any, key: str = "name") -> set[str]:
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


def expect(persona: str, *, managers: int, outsider: int, others: int) -> int:
    if persona in MANAGERS:
        return managers
    return outsider if persona == "outsider" else others


# --- who sees what ---

COUNTY_VIEW = {"东海省委办公厅", "临江市委办公室", "东城县委办公室", "东城镇"}
DESK_VIEW = COUNTY_VIEW | {"临江市应急管理局", "临江经济开发区"}
OUTSIDER_VIEW = {"东海省委办公厅", "青山市委办公室", "西山县委办公室"}
ALL_UNITS = DESK_VIEW | OUTSIDER_VIEW | {"东海省人民政府办公厅"}


def visible_unit_names(persona: str) -> set[str]:
    if persona == "admin":
        return ALL_UNITS
    if persona == "outsider":
        return OUTSIDER_VIEW
    return DESK_VIEW if persona in DESK_STAFF else COUNTY_VIEW


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_list_shows_exactly_the_visible_units(world: World, persona: str) -> None:
    assert names(world.api(persona).get("/api/v1/units/")) == visible_unit_names(persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_detail_of_the_city(world: World, persona: str) -> None:
    response = world.api(persona).get(f"/api/v1/units/{world.net.city.pk}/")
    if persona == "outsider":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "临江市委办公室"
    assert body["level_label"] == "市级"
    assert body["kind_label"] == "党委办公室"
    assert body["parent"] == world.net.province.pk
    assert body["has_desk"] is True
    assert body["desk"] == Desk.objects.get(unit=world.net.city).pk
    assert "path" not in body


def test_an_invisible_unit_answers_like_a_missing_one(world: World) -> None:
    client = world.api("outsider")
    hidden = client.get(f"/api/v1/units/{world.net.city.pk}/")
    missing = client.get("/api/v1/units/987654/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    by_parent = client.get("/api/v1/units/", {"parent": world.net.city.pk}).json()
    assert by_parent["count"] == 0


def test_a_county_unit_shows_its_class(world: World) -> None:
    body = world.api("reporter").get(f"/api/v1/units/{world.net.county.pk}/").json()
    assert (body["unit_class"], body["unit_class_name"]) == (world.county_class.pk, "县（市、区）")
    assert (body["has_desk"], body["desk"]) == (False, None)


@pytest.mark.parametrize("persona", PERSONAS)
def test_desk_list(world: World, persona: str) -> None:
    units = names(world.api(persona).get("/api/v1/desks/"), "unit_name")
    expected = {
        "admin": {"东海省委办公厅", "东海省人民政府办公厅", "临江市委办公室", "青山市委办公室"},
        "outsider": {"东海省委办公厅", "青山市委办公室"},
    }.get(persona, {"东海省委办公厅", "临江市委办公室"})
    assert units == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_point_list_and_detail(world: World, persona: str) -> None:
    client = world.api(persona)
    listed = names(client.get("/api/v1/points/"), "unit_name")
    detail = client.get(f"/api/v1/points/{world.point.pk}/")
    if persona == "outsider":
        assert listed == set()
        assert detail.status_code == 404
    else:
        assert listed == {"东城县委办公室"}
        assert detail.json()["desk_name"] == "东海省委办公厅信息科"
        assert detail.json()["admitted_by_name"] == "周管理"
        assert detail.json()["active"] is True


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_list(world: World, persona: str) -> None:
    listed = names(world.api(persona).get("/api/v1/staff/"))
    expected = {"admin": {"张三", "李四"}, "outsider": {"李四"}}.get(persona, {"张三"})
    assert listed == expected
    detail = world.api(persona).get(f"/api/v1/staff/{world.other_staff.pk}/")
    assert detail.status_code == (200 if persona in {"admin", "outsider"} else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_quota_list(world: World, persona: str) -> None:
    listed = names(world.api(persona).get("/api/v1/quotas/"), "description")
    expected = {
        "admin": {"每周 2 条，每季度调研 1 篇", "每月 3 条", "每个工作日"},
        "outsider": {"每月 3 条", "每个工作日"},
    }.get(persona, {"每周 2 条，每季度调研 1 篇", "每月 3 条"})
    assert listed == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_quota_detail_and_read_only(world: World, persona: str) -> None:
    client = world.api(persona)
    detail = client.get(f"/api/v1/quotas/{world.city_quota.pk}/")
    assert detail.status_code == (404 if persona == "outsider" else 200)
    if detail.status_code == 200:
        assert detail.json()["unit_name"] == "东城县委办公室"
    assert client.delete(f"/api/v1/quotas/{world.city_quota.pk}/").status_code == 405
    assert client.post("/api/v1/quotas/", {}).status_code == 405
    assert Quota.objects.filter(pk=world.city_quota.pk).exists()


# --- who changes what ---


def unit_payload(**extra: Any) -> dict[str, Any]:
    return {"name": "南城县委办公室", "kind": "party_office", "level": 3, "region_code": "370105", **extra}


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_create_under_the_city(world: World, persona: str) -> None:
    response = world.api(persona).post("/api/v1/units/", unit_payload(parent=world.net.city.pk), format="json")
    assert response.status_code == expect(persona, managers=201, outsider=409, others=403), response.content
    created = Unit.objects.filter(name="南城县委办公室").first()
    if response.status_code == 201:
        assert created is not None and created.parent == world.net.city
        assert created.path == f"{world.net.city.path}{created.pk}/"
        assert response.json()["id"] == created.pk
        assert AuditEvent.objects.filter(action="unit_create", object_id=str(created.pk),
                                         actor=world.net.users[persona]).exists()
    else:
        assert created is None
    if response.status_code == 403:
        assert response.json() == {"detail": FORBIDDEN}
    if response.status_code == 400:
        assert response.json() == {"parent": ["上级单位不存在。"]}


def test_desk_chief_cannot_create_under_the_other_city_which_they_cannot_see(world: World) -> None:
    client = world.api("desk_chief")
    hidden = client.post("/api/v1/units/", unit_payload(parent=world.net.other_city.pk), format="json")
    missing = client.post("/api/v1/units/", unit_payload(parent=987654), format="json")
    assert hidden.status_code == missing.status_code == 409
    assert hidden.json() == missing.json() == {"parent": ["上级单位不存在。"]}
    # Visible but above their desk: refused by the service.
    above = client.post("/api/v1/units/", unit_payload(parent=world.net.province.pk), format="json")
    assert above.status_code == 403
    top = client.post("/api/v1/units/", unit_payload(level=1, region_code="380000"), format="json")
    assert top.status_code == 403
    assert not Unit.objects.filter(name="南城县委办公室").exists()


def test_admin_creates_a_top_level_unit(world: World) -> None:
    response = world.api("admin").post("/api/v1/units/", unit_payload(name="南海省委办公厅", level=1,
                                                                        region_code="460000"), format="json")
    assert response.status_code == 201
    assert (response.json()["parent"], response.json()["depth"]) == (None, 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_update(world: World, persona: str) -> None:
    county = world.net.county
    response = world.api(persona).patch(f"/api/v1/units/{county.pk}/",
                                        {"name": "东城区委办公室", "version": county.version}, format="json")
    assert response.status_code == expect(persona, managers=200, outsider=404, others=403)
    county.refresh_from_db()
    if response.status_code == 200:
        assert (county.name, county.version) == ("东城区委办公室", 2)
        assert response.json()["version"] == 2
        assert county.unit_class == world.county_class  # PATCH keeps what it does not name
    else:
        assert (county.name, county.version) == ("东城县委办公室", 1)


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_move(world: World, persona: str) -> None:
    town = world.net.town
    response = world.api(persona).post(f"/api/v1/units/{town.pk}/move/",
                                       {"parent": world.net.city.pk, "version": town.version}, format="json")
    assert response.status_code == expect(persona, managers=200, outsider=404, others=403)
    town.refresh_from_db()
    if response.status_code == 200:
        assert town.parent == world.net.city
        assert town.path == f"{world.net.city.path}{town.pk}/"
        assert response.json()["depth"] == 2
    else:
        assert town.parent == world.net.county


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_deactivate(world: World, persona: str) -> None:
    town = world.net.town
    response = world.api(persona).post(f"/api/v1/units/{town.pk}/deactivate/",
                                       {"reason": "撤并", "version": town.version}, format="json")
    assert response.status_code == expect(persona, managers=200, outsider=404, others=403)
    town.refresh_from_db()
    assert town.active is (response.status_code != 200)
    if response.status_code == 200:
        assert response.json()["active"] is False
        assert town.deactivated_reason == "撤并"


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_reactivate(world: World, persona: str) -> None:
    town = services.unit_deactivate(actor=world.net.users["admin"], unit=world.net.town, reason="撤并")
    response = world.api(persona).post(f"/api/v1/units/{town.pk}/reactivate/")
    assert response.status_code == expect(persona, managers=200, outsider=404, others=403)
    town.refresh_from_db()
    assert town.active is (response.status_code == 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_desk_settings(world: World, persona: str) -> None:
    desk = Desk.objects.get(unit=world.net.city)
    response = world.api(persona).patch(f"/api/v1/desks/{desk.pk}/", {"urgent_phone_limit_minutes": 20},
                                        format="json")
    assert response.status_code == expect(persona, managers=200, outsider=404, others=403)
    desk.refresh_from_db()
    assert desk.urgent_phone_limit_minutes == (20 if response.status_code == 200 else 30)
    assert (desk.name, desk.urgent_written_limit_minutes) == ("临江市委办公室信息科", 120)


def test_desk_chief_cannot_change_the_province_desk(world: World) -> None:
    desk = Desk.objects.get(unit=world.net.province)
    response = world.api("desk_chief").patch(f"/api/v1/desks/{desk.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": FORBIDDEN}


def test_desks_accept_no_put_and_no_delete(world: World) -> None:
    desk = Desk.objects.get(unit=world.net.city)
    client = world.api("admin")
    assert client.put(f"/api/v1/desks/{desk.pk}/", {"name": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/desks/{desk.pk}/").status_code == 405


@pytest.mark.parametrize("persona", PERSONAS)
def test_point_admit(world: World, persona: str) -> None:
    city_desk = Desk.objects.get(unit=world.net.city)
    payload = {"unit": world.dev_zone.pk, "desk": city_desk.pk, "admitted_on": "2026-03-02", "reason": "开发区经济信息"}
    response = world.api(persona).post("/api/v1/points/", payload, format="json")
    # The city desk's staff see the zone (it lies in the city's region) but only the chief manages the desk;
    # the county's people and the outsider cannot see the zone at all.
    expected = 403 if persona in DESK_STAFF - MANAGERS else expect(persona, managers=201, outsider=409, others=409)
    assert response.status_code == expected, response.content
    admitted = DirectPoint.objects.filter(unit=world.dev_zone, desk=city_desk, revoked_on__isnull=True)
    assert admitted.exists() is (expected == 201)
    if expected == 201:
        assert response.json()["admitted_on"] == "2026-03-02"
        assert admitted.get().admitted_by == world.net.users[persona]
    if persona == "outsider":  # sees neither the zone nor the city desk
        assert response.json() == {"unit": ["单位不存在。"], "desk": ["信息科室不存在。"]}
    elif expected == 409:
        assert response.json() == {"unit": ["单位不存在。"]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_point_revoke(world: World, persona: str) -> None:
    response = world.api(persona).post(f"/api/v1/points/{world.point.pk}/revoke/",
                                       {"revoked_on": "2026-06-30", "reason": "报送质量下降"}, format="json")
    # Only the province desk's chief (none among the personas) and the admin manage this point.
    assert response.status_code == {"admin": 200, "outsider": 404}.get(persona, 403)
    world.point.refresh_from_db()
    assert world.point.is_active is (response.status_code != 200)
    if response.status_code == 200:
        assert response.json()["active"] is False
        assert response.json()["revoked_by_name"] == "周管理"


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_add(world: World, persona: str) -> None:
    payload = {"unit": world.net.county.pk, "name": "王五", "role": "fulltime", "mobile": "13800000000"}
    response = world.api(persona).post("/api/v1/staff/", payload, format="json")
    assert response.status_code == expect(persona, managers=201, outsider=409, others=403)
    assert StaffMember.objects.filter(name="王五").exists() is (response.status_code == 201)
    if response.status_code == 201:
        assert response.json()["role_label"] == "专职信息员"


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_update(world: World, persona: str) -> None:
    member = world.county_staff
    response = world.api(persona).patch(f"/api/v1/staff/{member.pk}/", {"active": False, "title": "副主任"},
                                        format="json")
    assert response.status_code == expect(persona, managers=200, outsider=404, others=403)
    member.refresh_from_db()
    assert (member.active, member.title) == ((False, "副主任") if response.status_code == 200 else (True, ""))
    assert (member.name, member.role) == ("张三", StaffRole.PARTTIME)


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_remove(world: World, persona: str) -> None:
    response = world.api(persona).delete(f"/api/v1/staff/{world.county_staff.pk}/")
    assert response.status_code == expect(persona, managers=204, outsider=404, others=403)
    assert StaffMember.objects.filter(pk=world.county_staff.pk).exists() is (response.status_code != 204)


def test_staff_put_replaces_every_field(world: World) -> None:
    member = world.county_staff
    payload = {"name": "张三丰", "role": "leader", "title": "主任", "phone": "0531-1234567", "mobile": "",
               "active": True}
    response = world.api("desk_chief").put(f"/api/v1/staff/{member.pk}/", payload, format="json")
    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.name, member.role, member.title, member.phone) == ("张三丰", "leader", "主任", "0531-1234567")
    missing = world.api("desk_chief").put(f"/api/v1/staff/{member.pk}/", {"name": "张三"}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == {"role", "active"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_calendar_for_everyone(world: World, persona: str) -> None:
    client = world.api(persona)
    response = client.get("/api/v1/calendar/working-days/", {"start": "2026-01-01", "end": "2026-01-31"})
    assert response.status_code == 200
    assert response.json()["count"] == 21
    assert client.get("/api/v1/calendar/days/").status_code == 200


# --- anonymous callers ---

ANONYMOUS_CALLS = [
    ("get", "/api/v1/units/"), ("get", "/api/v1/units/{city}/"), ("post", "/api/v1/units/"),
    ("patch", "/api/v1/units/{city}/"), ("put", "/api/v1/units/{city}/"), ("post", "/api/v1/units/{city}/move/"),
    ("post", "/api/v1/units/{city}/deactivate/"), ("post", "/api/v1/units/{city}/reactivate/"),
    ("get", "/api/v1/desks/"), ("get", "/api/v1/desks/{desk}/"), ("patch", "/api/v1/desks/{desk}/"),
    ("get", "/api/v1/points/"), ("get", "/api/v1/points/{point}/"), ("post", "/api/v1/points/"),
    ("post", "/api/v1/points/{point}/revoke/"),
    ("get", "/api/v1/staff/"), ("get", "/api/v1/staff/{staff}/"), ("post", "/api/v1/staff/"),
    ("patch", "/api/v1/staff/{staff}/"), ("put", "/api/v1/staff/{staff}/"), ("delete", "/api/v1/staff/{staff}/"),
    ("get", "/api/v1/quotas/"), ("get", "/api/v1/quotas/{quota}/"),
    ("get", "/api/v1/calendar/days/"), ("get", "/api/v1/calendar/working-days/?start=2026-01-01&end=2026-01-31"),
]


@pytest.mark.parametrize(("method", "url"), ANONYMOUS_CALLS)
def test_anonymous_callers_are_refused(world: World, method: str, url: str) -> None:
    url = url.format(city=world.net.city.pk, desk=Desk.objects.get(unit=world.net.city).pk, point=world.point.pk,
                     staff=world.county_staff.pk, quota=world.city_quota.pk)
    response = getattr(world.api(None), method)(url, {}, format="json")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "身份认证信息未提供。"}
    assert StaffMember.objects.filter(pk=world.county_staff.pk).exists()
    assert Unit.objects.get(pk=world.net.city.pk).version == 1


# --- refusals with reasons ---


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (unit_payload(name="   "), "detail", "单位名称不能为空。"),
        (unit_payload(region_code="37010"), "detail", "行政区划代码应为 6、9 或 12 位数字。"),
        (unit_payload(region_code="37010A"), "detail", "行政区划代码应为 6、9 或 12 位数字。"),
        (unit_payload(name="东城县委办公室"), "detail", "“临江市委办公室”下已有名为“东城县委办公室”的单位。"),
        (unit_payload(level=1), "detail", "单位层级（省级）不能高于上级单位“临江市委办公室”的层级（市级）。"),
        (unit_payload(kind="ministry"), "kind", "“ministry” 不是合法选项。"),
        (unit_payload(unit_class=987654), "unit_class", "单位类别不存在。"),
        (unit_payload(parent="abc"), "parent", "编号应为整数。"),
    ],
)
def test_unit_create_refuses_bad_input_in_chinese(world: World, payload: dict[str, Any], field: str,
                                                   message: str) -> None:
    payload.setdefault("parent", world.net.city.pk)
    response = world.api("desk_chief").post("/api/v1/units/", payload, format="json")
    # Not what the schema says (an unknown kind, a text for an id): 400; a rule of the service: 409.
    assert response.status_code == (400 if field in {"kind", "parent"} else 409)
    body = response.json()
    assert (body[field] if field == "detail" else body[field][0]) == message
    assert Unit.objects.count() == 9


def test_unit_cannot_move_under_its_own_descendant(world: World) -> None:
    county = world.net.county
    response = world.api("admin").post(f"/api/v1/units/{county.pk}/move/",
                                       {"parent": world.net.town.pk, "version": county.version}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "不能把单位移到它自己或它的下级单位之下。"}
    county.refresh_from_db()
    assert county.parent == world.net.city


def test_stale_version_is_a_conflict(world: World) -> None:
    county = world.net.county
    client = world.api("desk_chief")
    first = client.patch(f"/api/v1/units/{county.pk}/", {"sort_order": 5, "version": 1}, format="json")
    assert first.status_code == 200
    stale = client.patch(f"/api/v1/units/{county.pk}/", {"name": "覆盖", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json() == {"detail": "该记录已被他人修改，请刷新页面后重新操作。"}
    moved = client.post(f"/api/v1/units/{county.pk}/move/", {"parent": world.net.city.pk, "version": 1}, format="json")
    assert moved.status_code == 409
    stopped = client.post(f"/api/v1/units/{world.net.town.pk}/deactivate/", {"reason": "撤并", "version": 7},
                          format="json")
    assert stopped.status_code == 409
    county.refresh_from_db()
    assert (county.name, county.sort_order, county.version) == ("东城县委办公室", 5, 2)
    assert Unit.objects.get(pk=world.net.town.pk).active


def test_unit_update_requires_a_version(world: World) -> None:
    response = world.api("admin").patch(f"/api/v1/units/{world.net.county.pk}/", {"name": "新名"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": ["请提供版本号（version），以免覆盖他人的修改。"]}
    put = world.api("admin").put(f"/api/v1/units/{world.net.county.pk}/", {"name": "新名", "version": 1},
                                 format="json")
    assert put.status_code == 400
    assert set(put.json()) == {"kind", "level", "region_code"}


def test_deactivating_a_unit_with_active_children_is_refused(world: World) -> None:
    county = world.net.county
    response = world.api("admin").post(f"/api/v1/units/{county.pk}/deactivate/",
                                       {"reason": "撤并", "version": county.version}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("该单位还有在用的下级单位（如“东城镇”）")
    blank = world.api("admin").post(f"/api/v1/units/{world.net.town.pk}/deactivate/", {"reason": " ", "version": 1},
                                    format="json")
    assert blank.json() == {"detail": "停用单位须填写原因。"}


def test_desk_settings_refusals(world: World) -> None:
    desk = Desk.objects.get(unit=world.net.city)
    client = world.api("desk_chief")
    longer = client.patch(f"/api/v1/desks/{desk.pk}/", {"urgent_phone_limit_minutes": 200}, format="json")
    assert longer.json() == {"detail": "电话报告时限不能长于书面报告时限。"}
    week = client.patch(f"/api/v1/desks/{desk.pk}/", {"urgent_written_limit_minutes": 10081}, format="json")
    assert week.json() == {"detail": "书面报告时限应在 1 分钟到 7 天之间。"}
    desk.refresh_from_db()
    assert (desk.urgent_phone_limit_minutes, desk.urgent_written_limit_minutes) == (30, 120)


def test_point_refusals(world: World) -> None:
    client = world.api("admin")
    city_desk = Desk.objects.get(unit=world.net.city)
    base = {"unit": world.dev_zone.pk, "desk": city_desk.pk, "admitted_on": "2026-03-02", "reason": "开发区"}
    assert client.post("/api/v1/points/", {**base, "reason": ""}, format="json").json() == {
        "detail": "确定直报点须填写理由。"}
    own = client.post("/api/v1/points/", {**base, "unit": world.net.county.pk}, format="json")
    assert own.json() == {"detail": "“东城县委办公室”本来就向该科室报送，无需确定为直报点。"}
    bad_date = client.post("/api/v1/points/", {**base, "admitted_on": "2026-02-30"}, format="json")
    assert bad_date.status_code == 400 and "日期格式错误" in bad_date.json()["admitted_on"][0]
    no_desk = client.post("/api/v1/points/", {**base, "desk": 987654}, format="json")
    assert no_desk.json() == {"desk": ["信息科室不存在。"]}
    early = client.post(f"/api/v1/points/{world.point.pk}/revoke/", {"revoked_on": "2025-12-31", "reason": "撤"},
                        format="json")
    assert early.json() == {"detail": "撤销日期不能早于确定日期。"}
    once = client.post(f"/api/v1/points/{world.point.pk}/revoke/", {"revoked_on": "2026-06-30", "reason": "撤"},
                       format="json")
    assert once.status_code == 200
    twice = client.post(f"/api/v1/points/{world.point.pk}/revoke/", {"revoked_on": "2026-07-01", "reason": "撤"},
                        format="json")
    assert twice.status_code == 409
    assert twice.json() == {"detail": "该直报点已经撤销。"}


def test_staff_refusals(world: World) -> None:
    client = world.api("desk_chief")
    payload = {"unit": world.net.county.pk, "name": "王五", "role": "fulltime"}
    mobile = client.post("/api/v1/staff/", {**payload, "mobile": "12345"}, format="json")
    assert mobile.json() == {"detail": "手机号码“12345”应为以 1 开头的 11 位数字。"}
    nameless = client.post("/api/v1/staff/", {**payload, "name": ""}, format="json")
    assert nameless.json() == {"detail": "姓名不能为空。"}
    role = client.post("/api/v1/staff/", {**payload, "role": "boss"}, format="json")
    assert role.json() == {"role": ["“boss” 不是合法选项。"]}
    assert not StaffMember.objects.filter(name="王五").exists()


# --- the working-day calendar ---


def working_days(world: World, **query: str) -> Any:
    return world.api("reporter").get("/api/v1/calendar/working-days/", query)


def test_working_days_follow_the_official_schedule(world: World) -> None:
    # 2026: New Year's Day Jan 1–3 off, Sunday Jan 4 is a make-up workday.
    body = working_days(world, start="2026-01-01", end="2026-01-05").json()
    assert body == {"start": "2026-01-01", "end": "2026-01-05", "count": 2, "days": ["2026-01-04", "2026-01-05"]}


def test_a_year_without_calendar_data_is_refused(world: World) -> None:
    response = working_days(world, start="2030-01-01", end="2030-01-31")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("2030年的节假日安排尚未维护，无法计算工作日。")
    spanning = working_days(world, start="2026-12-01", end="2030-01-01")
    assert spanning.status_code == 409  # more than 366 days


def test_a_year_entered_by_an_admin_counts(world: World) -> None:
    CalendarYear.objects.create(year=2030, note="国办发明电〔2029〕1号")
    CalendarDay.objects.create(date=dt.date(2030, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦")
    CalendarDay.objects.create(date=dt.date(2030, 1, 5), kind=CalendarDayKind.WORKDAY, name="元旦调休")
    body = working_days(world, start="2030-01-01", end="2030-01-06").json()
    # Tue 1 is a holiday, Wed 2–Fri 4 are weekdays, Sat 5 is a make-up day, Sun 6 is off.
    assert body["days"] == ["2030-01-02", "2030-01-03", "2030-01-04", "2030-01-05"]
    listed = world.api("reporter").get("/api/v1/calendar/days/", {"year": 2030}).json()
    assert [(d["date"], d["kind"], d["kind_label"]) for d in listed["results"]] == [
        ("2030-01-01", "holiday", "放假"), ("2030-01-05", "workday", "调休上班")]
    assert world.api("reporter").get("/api/v1/calendar/days/", {"year": 2029}).json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"end": "2026-01-31"}, "start", "请提供开始日期 start（YYYY-MM-DD）。"),
        ({"start": "2026-01-01"}, "end", "请提供结束日期 end（YYYY-MM-DD）。"),
        ({"start": "2026-02-30", "end": "2026-03-31"}, "start", "开始日期格式应为 YYYY-MM-DD。"),
        ({"start": "2026/01/01", "end": "2026-03-31"}, "start", "开始日期格式应为 YYYY-MM-DD。"),
        ({"start": "2026-03-01", "end": "2026-02-28"}, "end", "结束日期不能早于开始日期。"),
        ({"start": "2025-01-01", "end": "2026-01-02"}, "end", "日期范围不能超过 366 天。"),
    ],
)
def test_working_days_refuse_bad_dates(world: World, query: dict[str, str], field: str, message: str) -> None:
    response = working_days(world, **query)
    # Each date as the schema says, but the two together out of order or too far apart: 409.
    assert response.status_code == (409 if "开始日期。" in message or "366" in message else 400)
    assert response.json()[field] == [message]


def test_a_whole_leap_year_is_allowed(world: World) -> None:
    body = working_days(world, start="2024-01-01", end="2024-12-31").json()
    assert body["count"] == len(body["days"]) > 240


# --- filters and pagination ---


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"parent": "{city}"}, {"东城县委办公室", "临江市应急管理局"}),
        ({"level": 3}, {"东城县委办公室", "西山县委办公室", "临江经济开发区"}),
        ({"kind": "township"}, {"东城镇"}),
        ({"kind": "gov_office"}, {"东海省人民政府办公厅"}),
        ({"active": "false"}, {"东城镇"}),
        ({"unit_class": "{county_class}"}, {"东城县委办公室", "西山县委办公室"}),
        ({"region": "3701"}, {"临江市委办公室", "东城县委办公室", "东城镇", "临江市应急管理局", "临江经济开发区"}),
        ({"region": "370102"}, {"东城县委办公室", "东城镇"}),
        ({"q": "山"}, {"青山市委办公室", "西山县委办公室"}),
        ({"q": "临江", "level": 2}, {"临江市委办公室", "临江市应急管理局"}),
    ],
)
def test_unit_filters(world: World, query: dict[str, Any], expected: set[str]) -> None:
    services.unit_deactivate(actor=world.net.users["admin"], unit=world.net.town, reason="撤并")
    ids = {"city": world.net.city.pk, "county_class": world.county_class.pk}
    query = {k: str(v).format(**ids) for k, v in query.items()}
    assert names(world.api("admin").get("/api/v1/units/", query)) == expected


def test_filters_are_applied_inside_visibility(world: World) -> None:
    assert names(world.api("outsider").get("/api/v1/units/", {"level": 3})) == {"西山县委办公室"}
    assert names(world.api("reporter").get("/api/v1/units/", {"region": "3702"})) == set()


@pytest.mark.parametrize("query", [{"level": 9}, {"kind": "x"}, {"parent": "abc"}, {"parent": "1.5"},
                                   {"parent": str(2**70)}, {"active": "maybe"}])
def test_bad_filter_values_are_a_400(world: World, query: dict[str, Any]) -> None:
    response = world.api("admin").get("/api/v1/units/", query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_point_filters(world: World) -> None:
    admin = world.net.users["admin"]
    city_desk = Desk.objects.get(unit=world.net.city)
    services.point_admit(actor=admin, unit=world.dev_zone, desk=city_desk, admitted_on=dt.date(2026, 2, 1), reason="a")
    services.point_revoke(actor=admin, point=world.point, revoked_on=dt.date(2026, 3, 1), reason="b")
    client = world.api("admin")
    assert names(client.get("/api/v1/points/", {"active": "true"}), "unit_name") == {"临江经济开发区"}
    assert names(client.get("/api/v1/points/", {"active": "false"}), "unit_name") == {"东城县委办公室"}
    assert names(client.get("/api/v1/points/", {"desk": city_desk.pk}), "unit_name") == {"临江经济开发区"}
    assert names(client.get("/api/v1/points/", {"unit": world.net.county.pk}), "unit_name") == {"东城县委办公室"}


def test_staff_filters(world: World) -> None:
    StaffMember.objects.create(unit=world.net.county, name="赵六", role=StaffRole.LEADER, active=False)
    client = world.api("admin")
    assert names(client.get("/api/v1/staff/", {"unit": world.net.county.pk})) == {"张三", "赵六"}
    assert names(client.get("/api/v1/staff/", {"role": "leader"})) == {"赵六"}
    assert names(client.get("/api/v1/staff/", {"active": "true"})) == {"张三", "李四"}


def test_quota_and_desk_filters(world: World) -> None:
    client = world.api("admin")
    city_desk = Desk.objects.get(unit=world.net.city)
    assert names(client.get("/api/v1/quotas/", {"desk": city_desk.pk}), "description") == {"每周 2 条，每季度调研 1 篇"}
    assert names(client.get("/api/v1/quotas/", {"unit": world.net.other_county.pk}), "description") == {"每个工作日"}
    by_class = client.get("/api/v1/quotas/", {"unit_class": world.county_class.pk}).json()["results"]
    assert [(q["unit"], q["unit_class_name"]) for q in by_class] == [(None, "县（市、区）")]
    assert names(client.get("/api/v1/desks/", {"unit": world.net.city.pk}), "unit_name") == {"临江市委办公室"}


def test_pagination(world: World) -> None:
    client = world.api("admin")
    first = client.get("/api/v1/units/", {"page_size": 4}).json()
    assert first["count"] == 9
    assert len(first["results"]) == 4
    assert first["previous"] is None and "page=2" in first["next"]
    last = client.get("/api/v1/units/", {"page_size": 4, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    pages = [client.get("/api/v1/units/", {"page_size": 4, "page": p}).json() for p in (1, 2, 3)]
    seen = [unit["id"] for page in pages for unit in page["results"]]
    assert sorted(seen) == sorted(Unit.objects.values_list("pk", flat=True))
    beyond = client.get("/api/v1/units/", {"page_size": 4, "page": 9})
    assert beyond.status_code == 404
    assert beyond.json() == {"detail": "无效页面。"}


# --- lists cost a bounded number of queries ---


def grow(world: World, n: int) -> None:
    """Add n counties with desks, staff, points, quotas and calendar rows to every list."""
    admin = world.net.users["admin"]
    province_desk = Desk.objects.get(unit=world.net.province)
    for i in range(n):
        unit = make_unit(f"新县{i}", world.net.city, region_code=f"3701{50 + i}", desk=True,
                         unit_class=world.county_class)
        StaffMember.objects.create(unit=unit, name=f"人员{i}", role=StaffRole.PARTTIME)
        Quota.objects.create(desk=province_desk, unit=unit, frequency=QuotaFrequency.WEEK, count=1,
                             valid_from=dt.date(2026, 1, 1))
        services.point_admit(actor=admin, unit=unit, desk=province_desk, admitted_on=dt.date(2026, 1, 5), reason="好")
        CalendarDay.objects.create(date=dt.date(2031, 1, 1) + dt.timedelta(days=i), kind=CalendarDayKind.HOLIDAY)


LISTS = ["/api/v1/units/", "/api/v1/desks/", "/api/v1/points/", "/api/v1/staff/", "/api/v1/quotas/",
         "/api/v1/calendar/days/"]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("persona", ["admin", "desk_chief", "reporter"])
def test_lists_use_a_bounded_number_of_queries(world: World, django_assert_max_num_queries: Any, url: str,
                                               persona: str) -> None:
    grow(world, 30)
    client = world.api(persona)
    # The user's unit, roles and desk, then the count and the page: never one per row.
    with django_assert_max_num_queries(6):
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200
    if persona != "reporter" or url == "/api/v1/calendar/days/":  # the reporter sees none of the new counties
        assert response.json()["count"] >= 30
