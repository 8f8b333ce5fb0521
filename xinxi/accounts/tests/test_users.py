"""Managing users and roles: admins everywhere, desk chiefs within their subtree."""

import pytest

from xinxi.accounts import services
from xinxi.accounts.models import Role, User
from xinxi.audit.models import AuditEvent
from xinxi.lib.errors import ServiceError

NEW = {"username": "dc_new", "full_name": "新信息员", "roles": ["reporter"], "clearance": 1,
       "password": "Dongcheng#2026", "phone": "0531-1234567"}


def test_chief_creates_reporter_in_own_county(net, client_for):
    response = client_for("desk_chief").post("/accounts/users/new/", NEW | {"unit": net.county.pk})
    assert response.status_code == 302
    user = User.objects.get(username="dc_new")
    assert user.unit == net.county and user.roles == {"reporter"}
    assert user.check_password("Dongcheng#2026")
    assert AuditEvent.objects.filter(action="user_create", actor=net.desk_chief).exists()


def test_chief_cannot_create_in_another_city_or_grant_admin(net, client_for):
    client = client_for("desk_chief")
    response = client.post("/accounts/users/new/", NEW | {"unit": net.other_county.pk})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    response = client.post("/accounts/users/new/", NEW | {"unit": net.county.pk, "roles": ["admin"]})
    assert response.status_code == 200
    assert not User.objects.filter(username="dc_new").exists()
    with pytest.raises(ServiceError, match="不能授予系统管理员"):
        services.user_create(actor=net.desk_chief, username="x", full_name="x", unit=net.county,
                             roles=[Role.ADMIN], clearance=1, password="Dongcheng#2026")


def test_weak_password_and_duplicate_username(net, client_for):
    client = client_for("admin")
    response = client.post("/accounts/users/new/", NEW | {"unit": net.county.pk, "password": "abc"})
    assert "太短" in response.content.decode()
    response = client.post("/accounts/users/new/", NEW | {"unit": net.county.pk, "username": "reporter"})
    assert "已被使用" in response.content.decode()


def test_edit_roles_and_deactivate(net, client_for):
    client = client_for("desk_chief")
    response = client.post(f"/accounts/users/{net.reporter.pk}/", {
        "full_name": "张信息", "unit": net.county.pk, "roles": ["reporter", "approver"], "clearance": 2,
        "phone": "", "is_active": "",
    })
    assert response.status_code == 302
    user = User.objects.get(pk=net.reporter.pk)
    assert user.roles == {"reporter", "approver"} and user.clearance == 2 and not user.is_active


def test_cannot_deactivate_self(net):
    with pytest.raises(ServiceError, match="不能停用自己"):
        services.user_update(actor=net.admin, user=net.admin, full_name="x", unit=None, roles=["admin"],
                             clearance=3, phone="", is_active=False)


def test_reset_password(net, client_for):
    response = client_for("admin").post(f"/accounts/users/{net.outsider.pk}/password/",
                                        {"password": "Xishan#2026ab", "password2": "Xishan#2026ab"})
    assert response.status_code == 302
    assert User.objects.get(pk=net.outsider.pk).check_password("Xishan#2026ab")


def test_user_list_search_and_bounded_queries(net, client_for, django_assert_max_num_queries):
    client = client_for("admin")
    with django_assert_max_num_queries(10):
        page = client.get("/accounts/users/").content.decode()
    assert "reporter" in page and "outsider" in page
    page = client.get("/accounts/users/?q=东城").content.decode()
    assert "reporter" in page and "outsider" not in page
    chief_page = client_for("desk_chief").get("/accounts/users/").content.decode()
    assert "outsider" not in chief_page and "reporter" in chief_page
