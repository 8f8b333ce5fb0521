"""Receivers for Django's login and logout signals: the audit records, and a new session
marked as just renewed (``accounts.middleware``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from xinxi.accounts.middleware import mark_renewed
from xinxi.audit.services import audit_record


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="login")
    session = getattr(request, "session", None)
    if session is not None:
        mark_renewed(session)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="logout")
