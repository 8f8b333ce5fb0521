"""The demo remark and share: the district's reporter sees the remark, the chosen units the share."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from xinxi.accounts.models import User
from xinxi.assignments.models import Remark, Share
from xinxi.assignments.permissions_remarks import received_shares, visible_remarks
from xinxi.instructions.levels import seed_default_levels


@pytest.fixture(autouse=True)
def _rule_tables(db: None) -> None:
    seed_default_levels()


def test_the_demo_remarks_and_shares_once(db: None) -> None:
    call_command("load_demo", verbosity=0)
    call_command("load_demo_items", verbosity=0)
    call_command("load_demo_assignments")
    remark = Remark.objects.get()
    assert remark.rating == "excellent" and remark.reporter.username == "dc_xxy"
    assert list(visible_remarks(User.objects.get(username="dc_xxy"))) == [remark]
    share = Share.objects.get()
    assert share.origin_unit.name == "东城区委办公室"
    for username in ("xc_xxy", "yjj_xxy"):
        assert list(received_shares(User.objects.get(username=username))) == [share]
    assert not received_shares(User.objects.get(username="qs_xxy")).exists()
    call_command("load_demo_assignments")
    assert (Remark.objects.count(), Share.objects.count()) == (1, 1)
