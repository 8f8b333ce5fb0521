"""Bad settings stop the start with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=full, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG 应为 true 或 false"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL 只支持"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY 太短"),
        ({"XINXI_LOGIN_MAX_FAILURES": "zero"}, "XINXI_LOGIN_MAX_FAILURES 应为整数"),
        ({"XINXI_SESSION_IDLE_MINUTES": "0"}, "XINXI_SESSION_IDLE_MINUTES 不能小于 1"),
        ({"XINXI_REQUIRE_SECRET_KEY": "true", "SECRET_KEY": ""}, "必须设置环境变量 SECRET_KEY"),
        ({"FORWARDED_ALLOW_IPS": "127.0.0.1,nginx"}, "FORWARDED_ALLOW_IPS 应为以逗号分隔的 IP 地址或网段"),
    ],
)
def test_bad_settings_fail_with_a_clear_message(env, message, tmp_path):
    result = check(env | {"XINXI_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert message in result.stderr


def test_default_settings_start(tmp_path):
    result = check({"XINXI_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_pages_carry_a_strict_content_security_policy(client):
    csp = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp


def test_error_pages_are_chinese(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "您要找的页面或记录不存在" in response.content.decode()


def test_stale_form_without_csrf_token_gets_a_chinese_page(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "请求未通过安全校验" in response.content.decode()


def test_a_host_not_allowed_gets_a_chinese_400_page_not_a_server_error(db, settings):
    from django.test import Client

    settings.DEBUG = False
    response = Client(HTTP_HOST="evil.example", raise_request_exception=False).get("/accounts/login/")
    assert response.status_code == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.content.decode())
