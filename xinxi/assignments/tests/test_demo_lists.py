"""The demo list: this month's list from 柳河县 with a row routed, and a unit that has not sent."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from xinxi.accounts.models import User
from xinxi.assignments import demo_lists
from xinxi.assignments.models import ListState, RowState, SupervisionList, SupervisionRow
from xinxi.instructions.levels import seed_default_levels


@pytest.fixture(autouse=True)
def _rule_tables(db: None) -> None:
    seed_default_levels()  # what the migrations seed in a real database


def test_the_demo_list_and_a_second_run_changes_nothing(db: None) -> None:
    call_command("load_demo", verbosity=0)
    call_command("load_demo_assignments")
    sent = SupervisionList.objects.get(unit__name="柳河县委办公室")
    assert sent.state == ListState.SENT and sent.rows.count() == len(demo_lists.ROWS)
    routed = SupervisionRow.objects.get(state=RowState.ROUTED)
    assert routed.routed_to.name == demo_lists.CONCERNED  # type: ignore[union-attr]
    call_command("load_demo_assignments")
    assert SupervisionList.objects.count() == 2
    editor = Client()
    editor.force_login(User.objects.get(username=demo_lists.EDITOR))
    overview = editor.get("/assignments/lists/desk/").content.decode()
    assert "西城区委办公室（已起草，未报送）" in overview and "已报送（1）" in overview
    concerned = Client()
    concerned.force_login(User.objects.get(username="yjj_xxy"))
    assert "孙集镇" in concerned.get("/assignments/lists/tasks/").content.decode()
