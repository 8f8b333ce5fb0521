"""API log-in: tokens through the same lock-out and audit as the login page, and /me/."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from xinxi.accounts.models import User
from xinxi.audit.models import AuditEvent
from xinxi.network.models import Desk
from xinxi.network.testing import PASSWORD, PERSONAS, Net

TOKEN_URL = "/api/v1/auth/token/"
BAD_LOGIN = {"detail": "用户名或密码不正确。"}


def get_token(username: str, password: str = PASSWORD) -> Any:
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture(autouse=True)
def _five_failures_lock(settings: Any) -> None:
    settings.XINXI_LOGIN_MAX_FAILURES = 5
    settings.XINXI_LOGIN_LOCK_MINUTES = 15


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_gets_a_token_that_works(net: Net, persona: str) -> None:
    response = get_token(persona)
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(key=token).user == net.users[persona]
    me = token_client(token).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == persona
    assert AuditEvent.objects.filter(action="login", actor=net.users[persona]).exists()


def test_asking_again_returns_the_same_token(net: Net) -> None:
    assert get_token("editor").json() == get_token("editor").json()


def test_token_works_on_the_network_endpoints(net: Net) -> None:
    client = token_client(get_token("outsider").json()["token"])
    listed = client.get("/api/v1/units/").json()
    assert {u["name"] for u in listed["results"]} == {"东海省委办公厅", "青山市委办公室", "西山县委办公室"}
    assert client.get(f"/api/v1/units/{net.city.pk}/").status_code == 404


def test_token_can_write_without_csrf(net: Net) -> None:
    client = token_client(get_token("desk_chief").json()["token"])
    response = client.patch(f"/api/v1/units/{net.county.pk}/", {"sort_order": 3, "version": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["sort_order"] == 3


def test_session_writes_need_the_csrf_token(net: Net) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(net.users["desk_chief"])
    response = client.patch(f"/api/v1/units/{net.county.pk}/", {"sort_order": 3, "version": 1}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert client.get("/api/v1/me/").json()["username"] == "desk_chief"


@pytest.mark.parametrize(
    ("username", "password"),
    [("editor", "wrong-password"), ("nobody", PASSWORD), (" editor ", "wrong-password"), ("editor", "")],
)
def test_bad_credentials_are_refused_in_chinese(net: Net, username: str, password: str) -> None:
    response = get_token(username, password)
    assert response.status_code == (401 if password else 400)
    if password:
        assert response.json() == BAD_LOGIN
        assert AuditEvent.objects.filter(action="login_failed", actor_name=username.strip()).count() == 1
    else:
        assert response.json() == {"password": ["该字段不能为空。"]}
    assert not Token.objects.exists()


def test_unknown_user_and_wrong_password_look_the_same(net: Net) -> None:
    assert get_token("nobody").json() == get_token("editor", "wrong").json() == BAD_LOGIN


def test_missing_fields(net: Net) -> None:
    response = APIClient().post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"username": ["该字段是必填项。"], "password": ["该字段是必填项。"]}


def test_five_failures_lock_the_account(net: Net) -> None:
    for _ in range(4):
        assert get_token("editor", "wrong").json() == BAD_LOGIN
    fifth = get_token("editor", "wrong")
    assert fifth.status_code == 401
    assert "登录失败次数过多，账号已被锁定" in fifth.json()["detail"]
    # Now even the right password is refused, with the same message and no token.
    locked = get_token("editor")
    assert locked.status_code == 401
    assert "账号已被锁定" in locked.json()["detail"]
    assert not Token.objects.filter(user=net.users["editor"]).exists()
    assert User.objects.get(username="editor").is_locked()
    assert AuditEvent.objects.filter(action="login_locked", actor_name="editor").count() == 1
    assert AuditEvent.objects.filter(action="login_failed", actor_name="editor").count() == 6
    # Other accounts are not affected.
    assert get_token("leader").status_code == 200


def test_a_success_resets_the_failure_count(net: Net) -> None:
    for _ in range(4):
        get_token("editor", "wrong")
    assert get_token("editor").status_code == 200
    for _ in range(4):
        get_token("editor", "wrong")
    assert get_token("editor").status_code == 200


def test_inactive_user_gets_no_token(net: Net) -> None:
    User.objects.filter(username="reporter").update(is_active=False)
    assert get_token("reporter").json() == BAD_LOGIN


def test_a_token_stops_working_when_its_user_is_deactivated(net: Net) -> None:
    client = token_client(get_token("reporter").json()["token"])
    User.objects.filter(username="reporter").update(is_active=False)
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "用户未激活或者已删除。"}


def test_logging_out_revokes_the_token(net: Net) -> None:
    token = get_token("editor").json()["token"]
    client = token_client(token)
    assert client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(key=token).exists()
    after = client.get("/api/v1/me/")
    assert after.status_code in (401, 403)
    assert after.json() == {"detail": "认证令牌无效。"}
    assert get_token("editor").json()["token"] != token


def test_logging_out_needs_a_login(net: Net) -> None:
    assert APIClient().delete(TOKEN_URL).status_code in (401, 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_me(net: Net, persona: str) -> None:
    client = APIClient()
    client.force_login(net.users[persona])
    body = client.get("/api/v1/me/").json()
    user = net.users[persona]
    assert body["username"] == persona
    assert body["full_name"] == user.full_name
    assert body["unit"] == user.unit_id
    assert body["unit_name"] == (user.unit.name if user.unit else None)
    assert body["role_labels"] == user.role_labels()
    assert len(body["roles"]) == len(body["role_labels"]) >= 1
    assert body["is_admin"] is (persona == "admin")
    city_desk = Desk.objects.get(unit=net.city).pk
    assert body["desk"] == (city_desk if persona in {"editor", "desk_chief", "duty_officer", "leader"} else None)


def test_me_shows_roles_and_clearance_in_chinese(net: Net) -> None:
    client = APIClient()
    client.force_login(net.users["desk_chief"])
    body = client.get("/api/v1/me/").json()
    assert body["roles"] == ["editor", "desk_chief"]
    assert body["role_labels"] == ["编辑", "科长/分管领导"]
    assert (body["clearance"], body["clearance_label"]) == (3, "机密")
    assert (body["unit_name"], body["full_name"]) == ("临江市委办公室", "赵科长")
    client.force_login(net.users["no_clearance"])
    assert client.get("/api/v1/me/").json()["clearance_label"] == "公开"
    client.force_login(net.users["admin"])
    assert (client.get("/api/v1/me/").json()["unit"], client.get("/api/v1/me/").json()["unit_name"]) == (None, None)


def test_me_needs_a_login(net: Net) -> None:
    response = APIClient().get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "身份认证信息未提供。"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_request_loads_the_user_with_unit_and_roles_in_one_query(
    net: Net, persona: str, django_assert_num_queries: Any
) -> None:
    """Session and token alike: the user's roles and unit are read with the user."""
    from django.contrib.auth import get_user
    from django.test import Client

    from xinxi.accounts.backends import XinxiBackend, XinxiTokenAuthentication

    expected = net.users[persona]
    token = Token.objects.create(user=expected)
    with django_assert_num_queries(1):
        user, _ = XinxiTokenAuthentication().authenticate_credentials(token.key)
        roles, unit_id = user.roles, user.unit and user.unit.pk
    assert roles == User.objects.get(pk=expected.pk).roles and unit_id == expected.unit_id
    with django_assert_num_queries(1):
        loaded = XinxiBackend().get_user(expected.pk)
        assert loaded is not None and loaded.roles == roles and (loaded.unit and loaded.unit.pk) == unit_id
    client = Client()
    client.force_login(expected)
    request = type("Request", (), {"session": client.session})()
    assert get_user(request).roles == roles  # type: ignore[arg-type]
