"""Who sees which units: the permission layer that pages and the API share."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinxi.network import permissions, services
from xinxi.network.testing import make_unit, make_user


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_reporter_sees_own_unit_subtree_and_chain(net):
    assert names(permissions.visible_units(net.reporter)) == {
        "东城县委办公室",
        "东城镇",
        "临江市委办公室",
        "东海省委办公厅",
    }


def test_outsider_sees_nothing_of_the_other_city(net):
    seen = names(permissions.visible_units(net.outsider))
    assert "东城县委办公室" not in seen and "临江市委办公室" not in seen and "临江市应急管理局" not in seen


def test_city_desk_staff_see_the_city_territory(net):
    expected = {"临江市委办公室", "东城县委办公室", "东城镇", "临江市应急管理局", "东海省委办公厅"}
    for persona in ("editor", "desk_chief", "duty_officer", "leader"):
        assert names(permissions.visible_units(net.users[persona])) == expected, persona


def test_desk_staff_see_units_of_their_region_in_the_other_tree(net):
    gov = make_unit("临江市人民政府办公室", net.province_gov, region_code="370100", kind="gov_office")
    assert "临江市人民政府办公室" in names(permissions.visible_units(net.editor))
    assert "临江市人民政府办公室" not in names(permissions.visible_units(net.reporter))
    assert gov.pk


def test_direct_points_are_visible_to_the_point_desk(net):
    chief = make_user("sheng_kz", net.province, "desk_chief")
    assert "西山县委办公室" in names(permissions.visible_units(chief))  # province territory
    # A point of the city desk from outside the city becomes visible to the city desk.
    services.point_admit(
        actor=net.admin,
        unit=net.other_county,
        desk=net.city.desk,
        admitted_on=net.city.created_at.date(),
        reason="跨市直报试点",
    )
    assert "西山县委办公室" in names(permissions.visible_units(net.editor))
    # And the point's own users see the desk's unit.
    assert "临江市委办公室" in names(permissions.visible_units(net.outsider))


def test_admin_sees_all_and_inactive_user_none(net):
    from xinxi.network.models import Unit

    assert permissions.visible_units(net.admin).count() == Unit.objects.count()
    net.reporter.is_active = False
    assert permissions.visible_units(net.reporter).count() == 0


def test_visibility_is_one_query(net):
    user = type(net.editor).objects.get(pk=net.editor.pk)
    _ = user.roles, user.unit
    with CaptureQueriesContext(connection) as ctx:
        list(permissions.visible_units(user))
    assert len(ctx.captured_queries) <= 2


def test_manageable_units(net):
    assert names(permissions.manageable_units(net.desk_chief)) == {
        "临江市委办公室",
        "东城县委办公室",
        "东城镇",
        "临江市应急管理局",
    }
    assert not permissions.manageable_units(net.editor).exists()
    assert not permissions.manageable_units(net.reporter).exists()
