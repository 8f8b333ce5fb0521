"""Direct reporting points: admission and revocation with reasons, and their history."""

import datetime as dt

import pytest

from xinxi.audit.models import AuditEvent
from xinxi.lib.errors import ServiceError
from xinxi.network import services
from xinxi.network.models import DirectPoint
from xinxi.network.testing import make_user

D = dt.date(2026, 3, 2)


@pytest.fixture
def province_chief(net):
    return make_user("sheng_kz", net.province, "desk_chief", "editor")


def test_province_chief_admits_and_revokes_through_pages(net, province_chief, client):
    client.force_login(province_chief)
    response = client.post(
        "/network/points/",
        {
            "desk": net.province.desk.pk,
            "unit": net.county.pk,
            "admitted_on": "2026-03-02",
            "reason": "县域经济信息质量高",
        },
    )
    assert response.status_code == 302
    point = DirectPoint.objects.get(unit=net.county)
    assert point.is_active and point.admitted_by == province_chief
    page = client.get("/network/points/").content.decode()
    assert "东城县委办公室" in page and "县域经济信息质量高" in page
    response = client.post(
        f"/network/points/{point.pk}/revoke/", {"revoked_on": "2026-12-31", "reason": "全年报送不足12分"}
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.revoked_on == dt.date(2026, 12, 31) and point.revoked_by == province_chief
    assert AuditEvent.objects.filter(action__in=["point_admit", "point_revoke"]).count() == 2
    # Re-admission is a new row: the rows are the history shown on the unit card.
    services.point_admit(
        actor=province_chief,
        unit=net.county,
        desk=net.province.desk,
        admitted_on=dt.date(2027, 3, 1),
        reason="整改后恢复",
    )
    card = client.get(f"/network/units/{net.county.pk}/").content.decode()
    assert "全年报送不足12分" in card and "整改后恢复" in card and "已撤销" in card and "有效" in card


def test_point_sees_its_point_desk(net, province_chief):
    services.point_admit(actor=province_chief, unit=net.county, desk=net.province.desk, admitted_on=D, reason="r")
    from xinxi.network.permissions import visible_points
    from xinxi.network.selectors import unit_quotas  # noqa: F401  (import check)

    assert visible_points(net.reporter).count() == 1
    assert visible_points(net.outsider).count() == 0


def test_reasons_are_required(net, province_chief, client):
    client.force_login(province_chief)
    response = client.post(
        "/network/points/",
        {"desk": net.province.desk.pk, "unit": net.county.pk, "admitted_on": "2026-03-02", "reason": ""},
    )
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    with pytest.raises(ServiceError, match="须填写理由"):
        services.point_admit(actor=province_chief, unit=net.county, desk=net.province.desk, admitted_on=D, reason=" ")


def test_no_double_admission(net, province_chief):
    services.point_admit(actor=province_chief, unit=net.county, desk=net.province.desk, admitted_on=D, reason="r")
    with pytest.raises(ServiceError, match="已经是该科室的直报点"):
        services.point_admit(actor=province_chief, unit=net.county, desk=net.province.desk, admitted_on=D, reason="r")


@pytest.mark.parametrize(
    ("unit_attr", "message"),
    [("city", "本来就向该科室报送"), ("province", "本单位信息科室"), ("province_gov", "同级信息科室之间不设直报点")],
)
def test_only_lower_units_that_do_not_already_report_there(net, province_chief, unit_attr, message):
    with pytest.raises(ServiceError, match=message):
        services.point_admit(
            actor=province_chief, unit=getattr(net, unit_attr), desk=net.province.desk, admitted_on=D, reason="r"
        )


def test_same_level_unit_without_desk_can_be_a_point(net, province_chief):
    from xinxi.network.testing import make_unit

    dept = make_unit("东海省应急管理厅", net.province_gov, kind="department", level=1, region_code="370000")
    point = services.point_admit(actor=province_chief, unit=dept, desk=net.province.desk, admitted_on=D, reason="r")
    assert point.is_active
    with pytest.raises(ServiceError, match="层级高于"):
        services.point_admit(actor=net.desk_chief, unit=net.province_gov, desk=net.city.desk, admitted_on=D, reason="r")


def test_city_chief_cannot_admit_to_province_desk(net):
    with pytest.raises(ServiceError, match="没有权限"):
        services.point_admit(actor=net.desk_chief, unit=net.county, desk=net.province.desk, admitted_on=D, reason="r")


def test_revoke_twice_and_before_admission(net, province_chief):
    point = services.point_admit(
        actor=province_chief, unit=net.county, desk=net.province.desk, admitted_on=D, reason="r"
    )
    with pytest.raises(ServiceError, match="不能早于确定日期"):
        services.point_revoke(actor=province_chief, point=point, revoked_on=D - dt.timedelta(days=1), reason="x")
    services.point_revoke(actor=province_chief, point=point, revoked_on=D, reason="x")
    with pytest.raises(ServiceError, match="已经撤销"):
        services.point_revoke(actor=province_chief, point=point, revoked_on=D, reason="x")


def test_point_list_is_bounded(net, province_chief, client, django_assert_max_num_queries):
    for unit in (net.county, net.town, net.city_dept, net.other_county):
        services.point_admit(actor=province_chief, unit=unit, desk=net.province.desk, admitted_on=D, reason="r")
    client.force_login(province_chief)
    with django_assert_max_num_queries(13):
        response = client.get("/network/points/?status=all")
    assert response.content.decode().count("/revoke/") == 4
