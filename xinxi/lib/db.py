"""Reads that may lag go to a read replica; everything else to the primary.

When ``DATABASE_REPLICA_URL`` is set (``settings.READ_REPLICA``), the alias ``replica``
is a streaming replica of the primary. Only a few pages and endpoints read from it:
search, statistics and rankings, and the issue archive — pages whose figures may be a
second old without harm. They are marked with ``@replica_reads`` (function views) or
``ReplicaReadsMixin`` (class views and API views). Inside such a view, while it handles a
GET or HEAD, ``ReplicaRouter.db_for_read`` answers ``replica``; everywhere else, and for
every write, ``default``.

A person must see what they have just done, so the primary also answers:

- every read inside a transaction, and every read after a write in the same request;
- every read of a browser that wrote within the last ``REPLICA_STICKY_SECONDS``
  (``ReplicaStickinessMiddleware`` sets a short-lived cookie after a request that wrote;
  API clients that keep cookies get the same).

Writes that are bookkeeping, not the person's work — the session (renewed once a
minute), audit rows, read marks, notifications — do not count as writes here. Who the
person is (session, token, user, roles) is always read from the primary.

Without a replica the router always answers ``default``: one database, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
COOKIE = "xinxi_wrote"
SAFE_METHODS = {"GET", "HEAD"}
# Models whose writes do not make the next reads go to the primary (app_label.model_name).
BOOKKEEPING = {
    "sessions.session", "audit.auditevent", "items.entryread", "notifications.notification", "items.textsignature",
}
# Who the person is always comes from the primary: a session or token made a moment ago,
# a role just granted or withdrawn (DRF authenticates inside the view).
IDENTITY = {"sessions.session", "authtoken.token", "accounts.user", "accounts.rolegrant"}

_lag_ok: ContextVar[bool] = ContextVar("xinxi_replica_lag_ok", default=False)
_wrote: ContextVar[bool] = ContextVar("xinxi_replica_wrote", default=False)


def _wrote_recently(request: HttpRequest) -> bool:
    return COOKIE in request.COOKIES


class ReplicaRouter:
    """``replica`` for reads inside ``replica_reads`` when no write came first; ``default`` otherwise."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        if (
            settings.READ_REPLICA
            and _lag_ok.get()
            and model._meta.label_lower not in IDENTITY  # type: ignore[attr-defined]
            and not _wrote.get()
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        # Explicitly the primary: an object read from the replica must not pull its
        # related objects from there outside a lag-tolerant view.
        return "default"

    def db_for_write(self, model: type, **hints: Any) -> str:
        if model._meta.label_lower not in BOOKKEEPING:  # type: ignore[attr-defined]
            _wrote.set(True)
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


def replica_reads[**P](view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """Let a view's GET/HEAD reads go to the replica (unless its browser wrote just now)."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = next(a for a in args if isinstance(a, HttpRequest))
        if request.method not in SAFE_METHODS or _wrote_recently(request):
            return view(*args, **kwargs)
        token = _lag_ok.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _lag_ok.reset(token)

    return wrapper


class ReplicaReadsMixin:
    """The same as ``replica_reads`` for class-based and API views (wraps ``dispatch``)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in SAFE_METHODS or _wrote_recently(request):
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        token = _lag_ok.set(True)
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        finally:
            _lag_ok.reset(token)


class ReplicaStickinessMiddleware:
    """Starts each request with no write seen; after one that wrote, keeps its browser on the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() and settings.READ_REPLICA and settings.REPLICA_STICKY_SECONDS:
                response.set_cookie(
                    COOKIE,
                    "1",
                    max_age=settings.REPLICA_STICKY_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            return response
        finally:
            _wrote.reset(token)
