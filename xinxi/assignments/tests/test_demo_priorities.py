"""The demo: this quarter's priorities of the city desk with coverage by unit, a research topic with quota status."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from xinxi.accounts.models import User
from xinxi.assignments import selectors_priorities as selectors
from xinxi.assignments.models.priorities import PriorityList
from xinxi.network.models import Desk

pytestmark = pytest.mark.django_db


def test_demo_shows_coverage_by_unit_and_research_quota(client) -> None:  # type: ignore[no-untyped-def]
    call_command("load_demo", verbosity=0)
    call_command("load_demo_assignments", verbosity=0)
    call_command("load_demo_assignments", verbosity=0)  # idempotent
    plist = PriorityList.objects.get()
    assert plist.doc_number.endswith("〔2026〕1号")
    chief = User.objects.get(username="lj_kz")
    data = selectors.coverage(chief, plist)
    units = {u["unit"]: (u["tagged"], u["adopted"]) for u in data["units"]}
    assert units["东城区委办公室"] == (3, 1) and units["西城区委办公室"] == (2, 1)
    status = selectors.quota_status(chief, Desk.objects.get(unit=chief.unit))
    done = {r["unit"].name: r["short"] for r in status["rows"]}
    assert done["东城区委办公室"] == 0 and done["西城区委办公室"] == 1
    client.force_login(chief)
    assert "东城区委办公室" in client.get(f"/assignments/priorities/{plist.pk}/coverage/").content.decode()
