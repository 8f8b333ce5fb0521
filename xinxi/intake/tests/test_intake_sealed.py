"""The mailbox's password is stored encrypted (``lib.sealed``): never in the clear in the
database, readable after a rotation of ``SECRET_KEY`` with the old key as a fallback, and a
password this server cannot open is asked for again in Chinese, never used."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from xinxi.intake import fetch
from xinxi.intake.models import Mailbox
from xinxi.lib import sealed
from xinxi.network.models import Desk

pytestmark = pytest.mark.django_db

OLD_KEY = "old-key-of-this-server-0123456789-abcdefghijklmnopqrstuvwxyz"
NEW_KEY = "new-key-of-this-server-9876543210-zyxwvutsrqponmlkjihgfedcba"


def stored(mailbox: Mailbox) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM intake_mailbox WHERE id = %s", [mailbox.pk])
        return str(cursor.fetchone()[0])


def test_the_password_is_sealed_in_the_database_and_read_opened(client_for: Any, net: Any) -> None:
    data = {"host": "imap.example.org", "port": 993, "security": "ssl", "username": "desk",
            "password": "s3cret-密码", "folder": "INBOX", "active": "on"}
    assert client_for("desk_chief").post("/intake/mailbox/", data).status_code == 302
    mailbox = Mailbox.objects.get()
    raw = stored(mailbox)
    assert raw.startswith(sealed.PREFIX) and "s3cret" not in raw
    assert mailbox.password == "s3cret-密码"
    # sealed afresh each time: two boxes with one password do not show it by equal columns
    assert sealed.seal("s3cret-密码") != sealed.seal("s3cret-密码")
    assert sealed.seal("") == "" and sealed.unseal("") == ""


def test_a_rotated_key_reads_with_its_fallback_and_an_unknown_key_asks_again(client_for: Any, net: Any) -> None:
    desk = Desk.objects.get(unit=net.city)
    with override_settings(SECRET_KEY=OLD_KEY):
        mailbox = Mailbox.objects.create(desk=desk, host="127.0.0.1", port=1, username="desk", password="pw-1")
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        assert Mailbox.objects.get().password == "pw-1"
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        assert Mailbox.objects.get().password == ""
        assert fetch.sweep() == 0  # refused before any connection: port 1 would fail otherwise
        mailbox.refresh_from_db()
        assert mailbox.last_error == f"收取失败：{fetch.UNREADABLE_PASSWORD}"
        page = client_for("desk_chief").get("/intake/mailbox/").content.decode()
        assert "没有可用的密码" in page and "已保存密码" not in page
        # entering it again seals it under the new key
        data = {"host": "127.0.0.1", "port": 1, "security": "plain", "username": "desk", "password": "pw-2",
                "folder": "INBOX", "active": "on"}
        assert client_for("desk_chief").post("/intake/mailbox/", data).status_code == 302
        assert Mailbox.objects.get().password == "pw-2"


def test_a_malformed_stored_value_reads_as_no_password(net: Any) -> None:
    mailbox = Mailbox.objects.create(desk=Desk.objects.get(unit=net.city), host="h", username="u", password="pw")
    Mailbox.objects.filter(pk=mailbox.pk).update(password="pw")  # the update seals too
    with connection.cursor() as cursor:
        cursor.execute("UPDATE intake_mailbox SET password = %s WHERE id = %s", ["fernet:not-a-token", mailbox.pk])
    assert Mailbox.objects.get().password == ""


def test_the_migration_seals_the_passwords_stored_in_the_clear(net: Any) -> None:
    migration = importlib.import_module("xinxi.intake.migrations.0002_mailbox_password_sealed")
    desk = Desk.objects.get(unit=net.city)
    clear = Mailbox.objects.create(desk=desk, host="h", username="u", password="x")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE intake_mailbox SET password = %s WHERE id = %s", ["old-clear-pw", clear.pk])
    assert stored(clear) == "old-clear-pw" and Mailbox.objects.get().password == ""  # unreadable until sealed
    migration.seal_stored(None, SimpleNamespace(connection=connection))
    assert stored(clear).startswith(sealed.PREFIX) and Mailbox.objects.get().password == "old-clear-pw"
    migration.seal_stored(None, SimpleNamespace(connection=connection))  # once only
    assert Mailbox.objects.get().password == "old-clear-pw"
    migration.open_stored(None, SimpleNamespace(connection=connection))  # and back
    assert stored(clear) == "old-clear-pw"
