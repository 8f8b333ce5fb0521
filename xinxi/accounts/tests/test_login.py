"""Logging in: Chinese messages, lock-out, session timeout, argon2, password policy, audit."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinxi.accounts import services
from xinxi.accounts.models import User
from xinxi.audit.models import AuditEvent
from xinxi.lib.errors import ServiceError
from xinxi.network.testing import PASSWORD


def post_login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_page_is_chinese_and_public(db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_anonymous_pages_redirect_to_login(db):
    for url in ["/", "/network/", "/network/points/", "/network/calendar/", "/accounts/users/", "/audit/"]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_good_login_reaches_home_and_is_audited(net):
    client = Client()
    response = post_login(client, "reporter", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "东城县委办公室" in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action="login", actor=net.reporter).exists()


def test_wrong_password_gives_chinese_error_and_is_audited(net):
    response = post_login(Client(), "reporter", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor_name == "reporter"


def test_unknown_user_gets_the_same_message(net):
    response = post_login(Client(), "nobody", "whatever")
    assert "用户名或密码不正确" in response.content.decode()


def test_lockout_after_repeated_failures(net, settings):
    settings.XINXI_LOGIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(2):
        assert "用户名或密码不正确" in post_login(client, "editor", "bad").content.decode()
    text = post_login(client, "editor", "bad").content.decode()
    assert "已被锁定" in text
    # Even the right password is refused while locked.
    response = post_login(client, "editor", PASSWORD)
    assert response.status_code == 200
    assert "已被锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_locked").count() == 1


def test_lock_expires(net, settings):
    settings.XINXI_LOGIN_MAX_FAILURES = 2
    settings.XINXI_LOGIN_LOCK_MINUTES = 15
    for _ in range(2):
        post_login(Client(), "editor", "bad")
    assert User.objects.get(username="editor").is_locked()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        response = post_login(Client(), "editor", PASSWORD)
        assert response.status_code == 302


def test_success_resets_failure_count(net, settings):
    settings.XINXI_LOGIN_MAX_FAILURES = 3
    post_login(Client(), "editor", "bad")
    post_login(Client(), "editor", "bad")
    assert post_login(Client(), "editor", PASSWORD).status_code == 302
    post_login(Client(), "editor", "bad")
    post_login(Client(), "editor", "bad")
    assert not User.objects.get(username="editor").is_locked()


def test_admin_unlocks(net, settings, client_for):
    settings.XINXI_LOGIN_MAX_FAILURES = 1
    post_login(Client(), "editor", "bad")
    assert User.objects.get(username="editor").is_locked()
    response = client_for("admin").post(f"/accounts/users/{net.editor.pk}/unlock/")
    assert response.status_code == 302
    assert post_login(Client(), "editor", PASSWORD).status_code == 302


def test_inactive_user_cannot_log_in(net):
    User.objects.filter(pk=net.reporter.pk).update(is_active=False)
    response = post_login(Client(), "reporter", PASSWORD)
    assert response.status_code == 200


def test_session_times_out_when_idle(net, settings):
    client = Client()
    assert post_login(client, "reporter", PASSWORD).status_code == 302
    assert client.get("/").status_code == 200
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(timezone.now() + idle):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_active_session_is_renewed_about_once_a_minute_not_on_every_request(net, settings):
    client = Client()
    assert post_login(client, "reporter", PASSWORD).status_code == 302
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(seconds=5)), CaptureQueriesContext(connection) as done:
        assert client.get("/").status_code == 200
    assert not [q for q in done.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    # Still working after most of the idle time: the request renews the session …
    busy = start + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 120)
    with time_machine.travel(busy), CaptureQueriesContext(connection) as done:
        assert client.get("/").status_code == 200
    assert [q for q in done.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    # … so it outlives the first login's expiry, and ends after the idle time.
    with time_machine.travel(busy + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 120)):
        assert client.get("/").status_code == 200
    idle = busy + dt.timedelta(seconds=2 * settings.SESSION_COOKIE_AGE)
    with time_machine.travel(idle):
        assert client.get("/").status_code == 302


def test_next_parameter_cannot_leave_the_site(net):
    client = Client()
    response = client.post(
        "/accounts/login/?next=https://evil.example.com/",
        {"username": "reporter", "password": PASSWORD, "next": "https://evil.example.com/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    assert make_password("Xinxi@2026-abc").startswith("argon2")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1A!", "太短"),
        ("alllowercaseletters", "至少 3 类"),
        ("1234567890123", "只包含数字"),
    ],
)
def test_password_policy_in_chinese(net, password, message):
    with pytest.raises(ServiceError) as info:
        services.user_set_password(actor=net.reporter, user=net.reporter, password=password)
    assert any(message in m for m in info.value.messages), info.value.messages


def test_logout_is_post_only_and_audited(net, client_for):
    client = client_for("reporter")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="logout").exists()
    assert client.get("/").status_code == 302


def test_change_own_password(net, client_for):
    client = client_for("reporter")
    response = client.post("/accounts/password/", {"password": "New#Pass2026x", "password2": "New#Pass2026x"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still logged in
    assert post_login(Client(), "reporter", "New#Pass2026x").status_code == 302


def test_change_own_password_mismatch(net, client_for):
    response = client_for("reporter").post("/accounts/password/", {"password": "New#Pass2026x", "password2": "x"})
    assert "两次输入的密码不一致" in response.content.decode()
