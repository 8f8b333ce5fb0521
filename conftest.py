"""Shared fixtures: the small province with its personas, and the browser."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from hypothesis import settings as hypothesis_settings

from xinxi.instructions.levels import seed_default_levels
from xinxi.network.testing import PASSWORD, Net, build_net

# Playwright's sync API runs an event loop in the test thread; the live server and
# the ORM calls of a browser test are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Timings belong in bench/, not in pass/fail tests: no per-example deadline (a loaded
# machine made the 200 ms default fail), and runs are reproducible.
hypothesis_settings.register_profile("xinxi", deadline=None, derandomize=True, database=None)
hypothesis_settings.load_profile("xinxi")


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    """Argon2 is slow on purpose; tests that check it turn it back on."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Every test runs on the same day, whenever the suite is run: an ordinary working Tuesday
# mid-morning, far from midnight, a weekend and a holiday, a month before the turn of the
# year, in a year the holiday calendar covers, and after the fixed dates tests use (adoptions
# dated 2026-11-20 may not lie in the future). The clock ticks on from there.
TEST_NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _fixed_clock() -> Iterator[None]:
    """Nothing a test checks may depend on when it runs; tests travel further with ``time_machine``."""
    with time_machine.travel(TEST_NOW, tick=True):
        yield


@pytest.fixture
def net(db: None) -> Net:
    # Rule tables a migration seeds in a real database (tests run without migrations).
    seed_default_levels()
    return build_net()


@pytest.fixture
def client_for(net: Net) -> Any:
    """``client_for("editor")``: a test client logged in as that persona."""

    def make(persona: str) -> Client:
        client = Client()
        client.force_login(net.users[persona])
        return client

    return make


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium through Playwright. Missing chromium fails loudly: never a skip."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("浏览器测试需要 Debian 的 chromium（apt-get install chromium），未找到。")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login_page(page: Any, live_server: Any) -> Any:
    """``login_page("editor")``: the browser page, logged in through the login form."""

    def do(persona: str) -> Any:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", persona)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do
