"""The client address of the audit log: the socket's, or behind a trusted reverse proxy the forwarded one."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import Client, RequestFactory

from xinxi.audit.middleware import client_ip
from xinxi.audit.models import AuditEvent
from xinxi.network.testing import PASSWORD, Net

LOOPBACK = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128")]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", None, "127.0.0.1"),  # no proxy header: the socket's address
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # the proxy on loopback saw 203.0.113.7
        ("127.0.0.1", " 203.0.113.7 ", "203.0.113.7"),
        ("127.0.0.1", "10.9.9.9, 203.0.113.7", "203.0.113.7"),  # the left part was sent by the client: forged
        ("127.0.0.1", "203.0.113.7, 127.0.0.1", "203.0.113.7"),  # two proxies on the way, both trusted
        ("127.0.0.1", "2001:db8::5", "2001:db8::5"),
        ("::1", "203.0.113.7", "203.0.113.7"),
        ("198.51.100.4", "203.0.113.7", "198.51.100.4"),  # not a trusted proxy: its header is ignored
        ("127.0.0.1", "127.0.0.1", "127.0.0.1"),  # nothing but proxies
        ("127.0.0.1", "<script>alert(1)</script>", "127.0.0.1"),  # not an address: ignored
        ("127.0.0.1", "203.0.113.7, unknown", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(settings, remote, forwarded, expected) -> None:
    settings.TRUSTED_PROXIES = LOOPBACK
    extra = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    assert client_ip(RequestFactory().get("/", **extra)) == expected


def test_trusted_proxies_may_be_networks_and_default_to_loopback(settings) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.1.2.4")
    assert client_ip(request) == "10.1.2.3"  # the default trusts only loopback
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
    assert client_ip(request) == "203.0.113.7"  # both 10.x hops are the site's proxies


@pytest.mark.django_db
def test_a_login_behind_the_proxy_is_audited_with_the_clients_address(net: Net, settings) -> None:
    settings.TRUSTED_PROXIES = LOOPBACK
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.8.8.8, 203.0.113.7")
    response = client.post("/accounts/login/", {"username": net.editor.username, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login", actor=net.editor).get().ip == "203.0.113.7"
