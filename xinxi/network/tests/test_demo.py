"""``manage.py load_demo``: a complete, consistent demo province, loadable any number of times."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command

from xinxi.accounts.models import Role, RoleGrant, User
from xinxi.audit.models import AuditEvent
from xinxi.lib.choices import Classification
from xinxi.network import demo
from xinxi.network.models import (
    Desk,
    DirectPoint,
    Level,
    Quota,
    StaffMember,
    StaffRole,
    Unit,
    UnitClass,
    UnitKind,
)
from xinxi.network.testing import make_unit

COUNTED = [Unit, Desk, DirectPoint, StaffMember, Quota, UnitClass, User, RoleGrant, AuditEvent]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_demo_twice_builds_a_consistent_province_and_changes_nothing_the_second_time():
    first_output = load()
    first = counts()
    second_output = load()
    assert counts() == first
    assert "无需改动" in second_output and "无需改动" not in first_output
    assert first["Unit"] >= 150

    # The logins table is printed with every demo account.
    for username, *_ in demo.login_rows():
        assert username in second_output

    # Every role can log in with the demo password, which passes the password policy.
    validate_password(demo.DEMO_PASSWORD)
    for role in Role.values:
        users = User.objects.filter(role_grants__role=role, is_active=True)
        assert any(authenticate(username=u.username, password=demo.DEMO_PASSWORD) for u in users), role
    admin = User.objects.get(username="admin")
    assert admin.unit is None and admin.is_admin and admin.clearance == Classification.CONFIDENTIAL

    # Every unit has a supervising leader and at least one information staff member.
    for unit in Unit.objects.prefetch_related("staff"):
        roles = [s.role for s in unit.staff.all()]
        assert roles.count(StaffRole.LEADER) == 1, unit
        assert 1 <= roles.count(StaffRole.FULLTIME) + roles.count(StaffRole.PARTTIME) <= 2, unit
        for member in unit.staff.all():
            assert re.fullmatch(r"0\d{3}-8\d{7}", member.phone), member.phone
            assert re.fullmatch(r"1\d{10}", member.mobile), member.mobile

    # The desks: both provincial offices, both offices of every city, and some counties.
    desk_units = set(Desk.objects.values_list("unit__name", flat=True))
    assert {"东海省委办公厅", "东海省人民政府办公厅", "临江市委办公室", "临江市人民政府办公室",
            "青山市委办公室", "白河市人民政府办公室", "东城区委办公室"} <= desk_units

    # At least one point was admitted and later revoked, with its reason kept.
    revoked = DirectPoint.objects.filter(revoked_on__isnull=False).exclude(revoked_reason="")
    assert revoked.exists()
    assert DirectPoint.objects.filter(desk__unit__name="东海省委办公厅", revoked_on__isnull=True).count() >= 10


@pytest.mark.django_db
def test_demo_tree_paths_levels_and_region_codes_are_consistent():
    load()
    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        parent = units.get(unit.parent_id) if unit.parent_id else None
        assert unit.path == f"{parent.path if parent else '/'}{unit.pk}/", unit
        assert unit.depth == (parent.depth + 1 if parent else 0), unit
        if parent is not None:
            assert unit.level >= parent.level, unit
            assert unit.region_code.startswith(parent.region_prefix), unit
        if unit.level == Level.TOWNSHIP:
            assert unit.kind == UnitKind.TOWNSHIP and len(unit.region_code) == 9, unit

    counties = Unit.objects.filter(level=Level.COUNTY, kind=UnitKind.PARTY_OFFICE).select_related("parent")
    assert counties.count() == 4 + 5 + 6
    for county in counties:
        assert county.parent.level == Level.CITY
        assert county.region_code[:4] == county.parent.region_code[:4], county
        assert 3 <= county.children.filter(kind=UnitKind.TOWNSHIP).count() <= 4, county


@pytest.mark.django_db
def test_demo_refuses_a_database_with_other_units_unless_forced():
    make_unit("西岭省委办公厅", region_code="380000")
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())
    assert not Unit.objects.filter(name="东海省委办公厅").exists()
    call_command("load_demo", "--force", stdout=StringIO())
    assert Unit.objects.filter(name="东海省委办公厅").exists()


def test_readme_lists_every_demo_login():
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    for username, _roles, unit, password in demo.login_rows():
        assert re.search(rf"\|\s*{username}\s*\|.*\|\s*{unit}\s*\|\s*{re.escape(password)}\s*\|", readme), username
