"""Leader levels (领导层级): the default table and the choices forms and the API offer.

The table itself is data (``models.LeaderLevel``), seeded by a migration and extended by
admins in Django admin; forms, the API's choices (and so the OpenAPI enum) and the
service's check all read the live table.
"""

from __future__ import annotations

from xinxi.instructions.models import LeaderLevel

# (code, name, order): the levels scoring rules are published with, highest first. The
# first migration's codes (central, province_main, province, city, county) are kept.
DEFAULT_LEVELS: list[tuple[str, str, int]] = [
    ("central", "中央领导", 10),
    ("state_council", "国务院领导", 20),
    ("province_main", "省主要领导", 30),
    ("province", "省领导", 40),
    ("city_main", "市主要领导", 50),
    ("city", "市领导", 60),
    ("city_office", "市两办领导", 70),
    ("department", "部门（局）领导", 80),
    ("county", "县领导", 90),
]


def seed_default_levels() -> None:
    """Create the default levels that are missing (used where no migration ran: tests)."""
    LeaderLevel.objects.bulk_create(
        [LeaderLevel(code=code, name=name, order=order) for code, name, order in DEFAULT_LEVELS],
        ignore_conflicts=True,
    )


def active_level_choices() -> list[tuple[str, str]]:
    """The levels offered when recording an instruction, in the table's order."""
    return list(LeaderLevel.objects.filter(active=True).values_list("code", "name"))


def all_level_choices() -> list[tuple[str, str]]:
    """Every level, inactive ones too (what a recorded instruction may carry)."""
    return list(LeaderLevel.objects.values_list("code", "name"))


def is_active_level(code: str) -> bool:
    return LeaderLevel.objects.filter(code=code, active=True).exists()
