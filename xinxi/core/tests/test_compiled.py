"""``lib.compiled``: a queryset compiled once gives the same objects as the queryset, every time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinxi.accounts.models import User, with_roles
from xinxi.lib.compiled import Compiled
from xinxi.network.models import Unit

pytestmark = pytest.mark.django_db


def _users(unit_ids: list[int], active: int) -> object:
    return with_roles(User.objects.select_related("unit").filter(unit_id__in=unit_ids, is_active=active)).order_by("pk")


def _active_users(unit_ids: list[int]) -> object:
    return _users(unit_ids, True)


def _same(a: User, b: User) -> None:
    assert (a.pk, a.username, a.unit_id, a.last_login, a.roles, a.unit.name) == (
        b.pk, b.username, b.unit_id, b.last_login, b.roles, b.unit.name,
    )  # fmt: skip


def test_the_same_users_units_and_roles_as_the_queryset_with_any_values(net):
    users, active = Compiled(User, _users), Compiled(User, _active_users)
    User.objects.filter(pk=net.editor.pk).update(last_login=timezone.now() - dt.timedelta(hours=3))
    unit_ids = list(Unit.objects.values_list("pk", flat=True))
    for ids in (unit_ids, unit_ids[:1], unit_ids[1:3], unit_ids[:2], [-5]):
        expected = list(_users(ids, True))
        with CaptureQueriesContext(connection) as queries:
            found = active(ids)
            for user in found:
                _ = user.unit.name, user.roles  # read with the user: no query
        assert len(queries) == 1
        assert all(active._plans.values())
        assert len(found) == len(expected)
        for a, b in zip(found, expected, strict=True):
            _same(a, b)
    editor = next(u for u in active(unit_ids) if u.pk == net.editor.pk)
    assert isinstance(editor.last_login, dt.datetime) and editor.last_login.tzinfo is not None  # converted
    assert users(unit_ids, False) == list(_users(unit_ids, False))
    assert set(users._plans.values()) == {None}  # a boolean cannot be marked: run as a queryset


def test_one_plan_per_shape_and_no_compiling_afterwards(net, monkeypatch):
    users = Compiled(User, _active_users)
    ids = list(Unit.objects.values_list("pk", flat=True)[:3])
    users(ids)
    users(ids[:2])
    assert len(users._plans) == 2 and all(users._plans.values())
    built = []
    monkeypatch.setattr(users, "build", lambda *a: built.append(a))
    assert {u.unit_id for u in users(ids[::-1])} <= set(ids)
    assert built == []  # answered from the plan


def test_a_query_whose_parameters_django_rewrites_is_run_as_a_queryset(net):
    by_name = Compiled(User, lambda part: User.objects.filter(username__icontains=part).order_by("pk"))
    assert [u.pk for u in by_name("edit")] == list(
        User.objects.filter(username__icontains="edit").order_by("pk").values_list("pk", flat=True)
    )
    assert list(by_name._plans.values()) == [None]  # "%edit%" is not the value given: no plan
    assert by_name("desk") == list(User.objects.filter(username__icontains="desk").order_by("pk"))


def test_a_value_used_twice_is_placed_twice(net):
    twice = Compiled(User, lambda unit: User.objects.filter(unit_id=unit).exclude(unit_id__lt=unit).order_by("pk"))
    for unit in (net.editor.unit_id, net.reporter.unit_id):
        assert [u.pk for u in twice(unit)] == list(
            User.objects.filter(unit_id=unit).order_by("pk").values_list("pk", flat=True)
        )
    assert all(twice._plans.values())


def test_the_products_compiled_queries_are_replayed_not_run_as_querysets(net):
    """Each ``Compiled`` the product uses gets a plan (a fallback would be correct but slow)."""
    from rest_framework.authtoken.models import Token

    from xinxi.accounts import backends
    from xinxi.assignments import services_commissions
    from xinxi.items import services
    from xinxi.items.models import Item
    from xinxi.network import permissions
    from xinxi.network.models import Desk
    from xinxi.urgent import handlers

    key = Token.objects.create(user=net.reporter).key
    assert backends._one(backends._by_token(key)).pk == net.reporter.pk
    assert backends._one(backends._by_pk(net.editor.pk)).roles == net.editor.roles
    item = Item(unit=net.reporter.unit, title="x", body="y")
    assert [d.pk for d, _ in services.target_desks(item)]
    desks = list(Desk.objects.filter(active=True))
    assert {u.pk for u in services._desk_editors(desks)} >= {net.editor.pk}
    assert permissions._unit_desk(net.editor.unit_id)[0].unit.pk == net.editor.unit_id
    sent = services.item_create(actor=net.reporter, title="城东街道完成老旧小区改造", body="惠及居民1200户。")
    receipt = services.item_submit(actor=net.reporter, item=sent, idempotency_key="k-1")
    assert services._earlier(net.reporter, "k-1") == receipt
    assert services._earlier(net.reporter, "k-2") is None and services._earlier(net.editor, "k-1") is None
    assert handlers._report_of(sent.pk) == [] and services_commissions._open_target_of(sent.pk) == []
    for compiled in (
        services._by_key,
        handlers._report_of,
        services_commissions._open_target_of,
        backends._by_token,
        backends._by_pk,
        services._target_desks,
        services._editors,
        permissions._unit_desk,
    ):
        assert compiled._plans and all(compiled._plans.values()), compiled.build


def test_repeated_values_in_a_list_do_not_spoil_the_shape(net):
    users = Compiled(User, _active_users)
    unit = net.editor.unit_id
    assert {u.unit_id for u in users([unit, unit])} == {unit}  # run as a queryset, not planned
    assert users._plans == {}
    other = net.reporter.unit_id
    assert {u.unit_id for u in users([unit, other])} == {unit, other}
    assert all(users._plans.values())
