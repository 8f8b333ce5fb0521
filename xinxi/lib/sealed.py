"""Secrets the server must read back (a mailbox's password), stored encrypted.

``SealedField`` is a text field whose value is kept in the database as a Fernet token
(AES-128-CBC with an HMAC-SHA256 tag, from the ``cryptography`` package), so a database
dump or backup holds no password in the clear. The key is derived from ``SECRET_KEY``;
values sealed under a key listed in ``SECRET_KEY_FALLBACKS`` are still read, so the key
can be rotated the way Django rotates it for sessions and signatures.

A value that cannot be opened (the server's ``SECRET_KEY`` changed with no fallback, or a
row copied from another server) reads as empty: the secret must be entered again, and
whoever needs it says so in Chinese. Nothing of the value is logged.
"""

from __future__ import annotations

import base64
import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac

PREFIX = "fernet:"
logger = logging.getLogger(__name__)


def _fernet(secret: str) -> Fernet:
    raw = salted_hmac("xinxi.lib.sealed", "key", secret=secret, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def _keys() -> MultiFernet:
    return MultiFernet([_fernet(settings.SECRET_KEY), *(_fernet(k) for k in settings.SECRET_KEY_FALLBACKS)])


def seal(plain: str) -> str:
    """The stored form of ``plain`` ("" stays "")."""
    if not plain:
        return ""
    return PREFIX + _keys().encrypt(plain.encode()).decode("ascii")


def unseal(stored: str) -> str:
    """The secret, or "" when it cannot be opened with this server's keys."""
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        logger.warning("加密保存的值格式不正确，按未保存处理")
        return ""
    try:
        return _keys().decrypt(stored[len(PREFIX):].encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        logger.warning("加密保存的值无法用本服务器的密钥（SECRET_KEY）解开，按未保存处理")
        return ""


class SealedField(models.TextField):
    """A text field stored sealed (``seal``) and read opened (``unseal``)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return value if value is None else unseal(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return value if value is None else seal(value)
