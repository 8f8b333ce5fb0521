"""Remembers the client address of the current request for audit records."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person's machine.

    ``REMOTE_ADDR``; but when that is a trusted reverse proxy (``TRUSTED_PROXIES``), the
    last address in ``X-Forwarded-For`` that is not itself a trusted proxy: each proxy
    appends the address it saw, and whatever stands to the left of that was sent by the
    client and may be forged. A header that is not a list of addresses is ignored.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote is None or not forwarded or not _trusted(remote):
        return remote
    for part in reversed(forwarded.split(",")):
        try:
            address = ipaddress.ip_address(part.strip())
        except ValueError:
            return remote
        if not _trusted(str(address)):
            return str(address)
    return remote


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXIES)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
