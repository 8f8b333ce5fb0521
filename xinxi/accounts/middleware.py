"""The idle timeout of a session, without a write on every request.

A session ends ``SESSION_COOKIE_AGE`` seconds after the person's last request. Django's
``SESSION_SAVE_EVERY_REQUEST`` would write (and commit) the session on every page and
API call; this middleware renews it at most once per ``REFRESH_SECONDS``, so a session
ends between ``SESSION_COOKIE_AGE - REFRESH_SECONDS`` and ``SESSION_COOKIE_AGE`` seconds
after the last request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

REFRESH_SECONDS = 60
KEY = "_xinxi_renewed"


def mark_renewed(session: Any) -> None:
    """A session written just now (a sign-in) needs no renewal for a minute."""
    session[KEY] = int(time.time())


class SessionRenewalMiddleware:
    """Marks a signed-in session as changed when it was last renewed a minute ago or more:
    ``SessionMiddleware`` then saves it with a new expiry. Listed after ``SessionMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(KEY, 0)) >= REFRESH_SECONDS:
                mark_renewed(session)
        return response
