"""Test data builders shared by every app's tests (not used by the product)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xinxi.accounts.models import Role, RoleGrant, User
from xinxi.lib.choices import Classification
from xinxi.network.models import Desk, Level, Unit, UnitKind

PASSWORD = "Xinxi@Test2026"


def make_unit(
    name: str,
    parent: Unit | None = None,
    *,
    kind: str = UnitKind.PARTY_OFFICE,
    level: int | None = None,
    region_code: str | None = None,
    desk: bool = False,
    **extra: Any,
) -> Unit:
    """A unit with a correct path, straight through the ORM (no actor needed)."""
    unit = Unit.objects.create(
        name=name,
        kind=kind,
        level=level if level is not None else (parent.level + 1 if parent else Level.PROVINCE),
        region_code=region_code or (parent.region_code if parent else "370000"),
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        **extra,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    if desk:
        Desk.objects.create(unit=unit, name=f"{name}信息科")
    return unit


def make_user(
    username: str,
    unit: Unit | None,
    *roles: str,
    clearance: int = Classification.INTERNAL,
    **extra: Any,
) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        unit=unit,
        clearance=clearance,
        full_name=extra.pop("full_name", username),
        is_staff=Role.ADMIN in roles,
        is_superuser=Role.ADMIN in roles,
        **extra,
    )
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
    return user


@dataclass
class Net:
    """A small province: two cities, a county under each, and the personas of STYLE.md."""

    province: Unit
    province_gov: Unit
    city: Unit
    county: Unit
    town: Unit
    city_dept: Unit
    other_city: Unit
    other_county: Unit
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


PERSONAS = [
    "reporter",
    "approver",
    "editor",
    "desk_chief",
    "duty_officer",
    "leader",
    "admin",
    "outsider",
    "no_clearance",
]


def build_net() -> Net:
    province = make_unit("东海省委办公厅", level=Level.PROVINCE, region_code="370000", desk=True)
    province_gov = make_unit(
        "东海省人民政府办公厅", kind=UnitKind.GOV_OFFICE, level=Level.PROVINCE, region_code="370000", desk=True
    )
    city = make_unit("临江市委办公室", province, region_code="370100", desk=True)
    county = make_unit("东城县委办公室", city, region_code="370102")
    town = make_unit("东城镇", county, kind=UnitKind.TOWNSHIP, region_code="370102001")
    city_dept = make_unit("临江市应急管理局", city, kind=UnitKind.DEPARTMENT, level=Level.CITY, region_code="370100")
    other_city = make_unit("青山市委办公室", province, region_code="370200", desk=True)
    other_county = make_unit("西山县委办公室", other_city, region_code="370202")
    net = Net(province, province_gov, city, county, town, city_dept, other_city, other_county)
    net.users = {
        "reporter": make_user("reporter", county, Role.REPORTER, full_name="张信息"),
        "approver": make_user("approver", county, Role.APPROVER, full_name="李签发"),
        "editor": make_user("editor", city, Role.EDITOR, clearance=Classification.SECRET, full_name="王编辑"),
        "desk_chief": make_user(
            "desk_chief", city, Role.DESK_CHIEF, Role.EDITOR, clearance=Classification.CONFIDENTIAL, full_name="赵科长"
        ),
        "duty_officer": make_user("duty_officer", city, Role.DUTY_OFFICER, full_name="钱值班"),
        "leader": make_user("leader", city, Role.LEADER, clearance=Classification.CONFIDENTIAL, full_name="孙领导"),
        "admin": make_user("admin", None, Role.ADMIN, clearance=Classification.CONFIDENTIAL, full_name="周管理"),
        "outsider": make_user("outsider", other_county, Role.REPORTER, full_name="吴外单位"),
        "no_clearance": make_user(
            "no_clearance", county, Role.REPORTER, clearance=Classification.PUBLIC, full_name="郑无密级"
        ),
    }
    return net
