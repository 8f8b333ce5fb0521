"""Managing units: create, edit, move, deactivate; the tree's rules and bad input."""

import pytest

from xinxi.audit.models import AuditEvent
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network import services
from xinxi.network.models import Level, Unit, UnitKind


def create(net, actor, name, parent, **kw):
    fields = {"kind": UnitKind.TOWNSHIP, "level": Level.TOWNSHIP, "region_code": "370102002"} | kw
    return services.unit_create(actor=actor, name=name, parent=parent, **fields)


def test_chief_creates_unit_under_own_subtree_through_the_page(net, client_for):
    response = client_for("desk_chief").post(
        f"/network/units/new/?parent={net.county.pk}",
        {"name": "南湖街道", "kind": "township", "level": 4, "region_code": "370102003", "parent": net.county.pk},
    )
    unit = Unit.objects.get(name="南湖街道")
    assert response.status_code == 302 and response["Location"] == f"/network/units/{unit.pk}/"
    assert unit.parent == net.county
    assert unit.path == f"{net.county.path}{unit.pk}/"
    assert unit.depth == net.county.depth + 1
    assert AuditEvent.objects.filter(action="unit_create", object_id=str(unit.pk), actor=net.desk_chief).exists()


def test_duplicate_name_under_one_parent_is_refused(net, client_for):
    response = client_for("desk_chief").post(
        f"/network/units/new/?parent={net.county.pk}",
        {"name": "东城镇", "kind": "township", "level": 4, "region_code": "370102001", "parent": net.county.pk},
    )
    assert response.status_code == 200
    assert "已有名为“东城镇”的单位" in response.content.decode()
    assert Unit.objects.filter(name="东城镇").count() == 1


def test_same_name_under_another_parent_is_fine(net):
    create(net, net.admin, "东城镇", net.other_county, region_code="370202001")
    assert Unit.objects.filter(name="东城镇").count() == 2


def test_name_is_trimmed_and_html_is_text(net, client_for):
    unit = create(net, net.admin, "  <script>alert(1)</script>   街道 ", net.county)
    assert unit.name == "<script>alert(1)</script> 街道"
    html = client_for("admin").get(f"/network/units/{unit.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "不能为空"),
        ({"name": "长" * 101}, "不能超过 100 个字"),
        ({"region_code": "37A102"}, "行政区划代码"),
        ({"level": Level.PROVINCE}, "不能高于上级单位"),
    ],
)
def test_bad_unit_fields(net, fields, message):
    args = {"name": "新单位"} | fields
    with pytest.raises(ServiceError) as info:
        create(net, net.admin, args.pop("name"), net.county, **args)
    assert message in info.value.messages[0]


def test_bad_region_code_on_the_page(net, client_for):
    response = client_for("admin").post(
        f"/network/units/new/?parent={net.county.pk}",
        {"name": "新镇", "kind": "township", "level": 4, "region_code": "12", "parent": net.county.pk},
    )
    assert "行政区划代码应为 6、9 或 12 位数字" in response.content.decode()


def test_chief_cannot_create_under_another_city(net):
    with pytest.raises(ServiceError):
        create(net, net.desk_chief, "新镇", net.other_county, region_code="370202002")


def test_move_rewrites_the_subtree(net, client_for):
    village = create(net, net.admin, "东城村", net.town, level=Level.TOWNSHIP, region_code="370102001")
    response = client_for("admin").post(
        f"/network/units/{net.county.pk}/move/", {"new_parent": net.other_city.pk, "version": net.county.version}
    )
    assert response.status_code == 302
    for unit in (net.county, net.town, village):
        unit.refresh_from_db()
    assert net.county.parent == net.other_city
    assert net.county.path == f"{net.other_city.path}{net.county.pk}/"
    assert net.town.path == f"{net.county.path}{net.town.pk}/"
    assert village.path == f"{net.town.path}{village.pk}/"
    assert (net.county.depth, net.town.depth, village.depth) == (2, 3, 4)
    assert AuditEvent.objects.filter(action="unit_move").exists()


def test_move_under_own_descendant_is_refused(net, client_for):
    response = client_for("admin").post(
        f"/network/units/{net.city.pk}/move/", {"new_parent": net.town.pk, "version": net.city.version}
    )
    # The page does not even offer descendants; the service refuses them too.
    assert response.status_code == 200
    assert Unit.objects.get(pk=net.city.pk).parent == net.province
    with pytest.raises(ServiceError):
        services.unit_move(actor=net.admin, unit=net.city, new_parent=net.town, version=net.city.version)
    with pytest.raises(ServiceError) as info:
        services.unit_move(actor=net.admin, unit=net.city, new_parent=net.city, version=net.city.version)
    assert "不能把单位移到它自己或它的下级单位之下" in info.value.messages[0]


def test_chief_cannot_move_into_another_city(net):
    with pytest.raises(ServiceError):
        services.unit_move(actor=net.desk_chief, unit=net.county, new_parent=net.other_city, version=None)


def test_stale_edit_form_gets_a_conflict(net, client_for):
    form = {"name": "东城县委办公室", "kind": "party_office", "level": 3, "region_code": "370102",
            "version": net.county.version}
    chief, admin = client_for("desk_chief"), client_for("admin")
    assert admin.post(f"/network/units/{net.county.pk}/edit/", form | {"name": "东城区委办公室"}).status_code == 302
    response = chief.post(f"/network/units/{net.county.pk}/edit/", form | {"name": "东城县委办"})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    assert Unit.objects.get(pk=net.county.pk).name == "东城区委办公室"


def test_stale_version_in_service(net):
    with pytest.raises(ConflictError):
        services.unit_update(actor=net.admin, unit=net.county, version=net.county.version + 5,
                             name="x", kind="party_office", level=3, region_code="370102", unit_class=None)


def test_deactivate_needs_reason_and_no_active_children(net, client_for):
    client = client_for("desk_chief")
    response = client.post(f"/network/units/{net.county.pk}/deactivate/", {"reason": "机构改革", "version": 1})
    assert "还有在用的下级单位" in response.content.decode()
    assert client.post(f"/network/units/{net.town.pk}/deactivate/", {"reason": "", "version": 1}).status_code == 200
    # A form that lost its version (or came from elsewhere) is stale, not a silent overwrite.
    response = client.post(f"/network/units/{net.town.pk}/deactivate/", {"reason": "撤并"})
    assert "表单已过期" in response.content.decode()
    assert client.post(f"/network/units/{net.town.pk}/deactivate/", {"reason": "撤并", "version": 1}).status_code == 302
    net.town.refresh_from_db()
    assert not net.town.active and net.town.deactivated_reason == "撤并"
    # Hidden from the tree unless asked for.
    tree = client.get(f"/network/units/{net.county.pk}/children/?expand=1").content.decode()
    assert "东城镇" not in tree
    tree = client.get(f"/network/units/{net.county.pk}/children/?expand=1&inactive=1").content.decode()
    assert "东城镇" in tree and "已停用" in tree
    assert client.post(f"/network/units/{net.town.pk}/reactivate/").status_code == 302
    net.town.refresh_from_db()
    assert net.town.active


def test_edit_keeps_levels_consistent(net):
    with pytest.raises(ServiceError) as info:
        services.unit_update(actor=net.admin, unit=net.city, version=None, name=net.city.name,
                             kind="party_office", level=Level.COUNTY, region_code="370100", unit_class=None)
    assert "下级单位“临江市应急管理局”的层级高于修改后的层级" in info.value.messages[0]
