"""The generated access matrix: every route of the URL configuration, opened by every persona.

The routes come from ``django.urls.get_resolver()``; their rows (objects, methods and
the answer per persona) from ``access_matrix.py``. A route without a row fails
``test_every_route_has_a_row`` with the exact key to add. Each (route, case, persona)
is its own test; the objects are built once per module (``access_world.py``) and every
test runs in its own savepoint, so a write one test makes is gone for the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from xinxi.core.tests.access_matrix import ADMIN, ADMIN_SITE, ANONYMOUS, API, EVERYONE, MATRIX, Case
from xinxi.core.tests.access_world import World, build_world


def route_key(route: str) -> str:
    """``items/<int:pk>/`` → ``items/<pk>/``; ``^units/(?P<pk>[^/.]+)/$`` → ``units/<pk>/``."""
    key = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route.replace("^", "").replace("$", ""))
    return re.sub(r"<\w+:(\w+)>", r"<\1>", key)


def walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def routes() -> dict[str, URLPattern]:
    """Every route but the admin's, by key."""
    return {route_key(r): p for r, p in walk(get_resolver()) if not r.startswith(ADMIN_SITE)}


def methods_of(pattern: URLPattern) -> set[str]:
    """What an API route answers: a viewset's action map, or an APIView's handlers."""
    actions = getattr(pattern.callback, "actions", None)
    if actions is not None:
        methods = set(actions)  # DRF adds "head" to it once the view has answered a GET
    else:
        view = pattern.callback.view_class  # type: ignore[attr-defined]
        methods = {m for m in view.http_method_names if hasattr(view, m)}
    return methods - {"head", "options"}


def test_every_route_has_a_row() -> None:
    found = routes()
    lacking = [
        f"{key!r} ({pattern.lookup_str})" for key, pattern in found.items() if key not in MATRIX
    ]
    assert not lacking, "这些路由在 xinxi/core/tests/access_matrix.py 中没有访问矩阵的行：\n" + "\n".join(lacking)
    stale = sorted(set(MATRIX) - set(found))
    assert not stale, f"访问矩阵中有已不存在的路由：{stale}"


def test_every_api_method_has_a_case() -> None:
    lacking = []
    for key, pattern in routes().items():
        if key in API:
            tested = {case.method for case in API[key]}
            lacking += [f"{method.upper()} {key}" for method in sorted(methods_of(pattern) - tested)]
    assert not lacking, "这些接口方法在访问矩阵中没有用例：\n" + "\n".join(lacking)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def client_as(world: World, persona: str) -> Client:
    client = Client()
    if persona != ANONYMOUS:
        client.force_login(world.net.users[persona])
    return client


def url_of(world: World, key: str, case: Case) -> str:
    path = "/" + re.sub(r"<(\w+)>", lambda m: world.arg(case.kwargs[m.group(1)]), key)
    query = case.query.format_map(world.ids)
    return f"{path}?{query}" if query else path


def fill(value: Any, world: World) -> Any:
    """A case's body with ``"{name}"`` replaced by the world's value of that name."""
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        if whole and isinstance(world.ids.get(whole.group(1)), int):
            return world.ids[whole.group(1)]  # an id in a JSON body is a number
        return value.format_map(world.ids)
    if isinstance(value, list):
        return [fill(v, world) for v in value]
    return {k: fill(v, world) for k, v in value.items()} if isinstance(value, dict) else value


def request(world: World, client: Client, key: str, case: Case) -> Any:
    url, data = url_of(world, key, case), fill(case.data or {}, world)
    if key in API and case.method != "get":
        return getattr(client, case.method)(url, data, content_type="application/json")
    return getattr(client, case.method)(url, data)


def check(response: Any, expected: int, persona: str, what: str) -> None:
    got = response.status_code
    assert got == expected, f"{what} 以 {persona} 身份：应为 {expected}，实为 {got}"
    if persona == ANONYMOUS and expected == 302:
        assert "/login/" in response["Location"], f"{what}: 匿名访问应转到登录页"


def _cases() -> list[Any]:
    return [
        pytest.param(key, case, persona, id=f"{case.method.upper()} /{key} [{case.label}] {persona}")
        for key, cases in MATRIX.items()
        for case in cases
        for persona in EVERYONE
    ]


@pytest.mark.parametrize(("key", "case", "persona"), _cases())
def test_access(world: World, db: None, key: str, case: Case, persona: str) -> None:
    response = request(world, client_as(world, persona), key, case)
    check(response, case.expect[persona], persona, f"{case.method.upper()} {url_of(world, key, case)}")


@pytest.mark.parametrize(("label", "path", "persona"), [
    pytest.param(label, path, persona, id=f"GET {path} [{label}] {persona}")
    for label, path, _ in ADMIN for persona in EVERYONE
])
def test_admin_site_access(world: World, db: None, label: str, path: str, persona: str) -> None:
    expect = next(e for lbl, _, e in ADMIN if lbl == label)
    response = client_as(world, persona).get(path)
    check(response, expect[persona], persona, f"GET {path}")
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"]
