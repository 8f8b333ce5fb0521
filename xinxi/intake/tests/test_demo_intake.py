"""The demo mail: a township's item in the city desk's queue, accepted into the inbox by the editor."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from xinxi.accounts.models import User
from xinxi.instructions.levels import seed_default_levels
from xinxi.intake import demo
from xinxi.intake.models import IntakeMessage, IntakeState
from xinxi.items.models import DeskEntry


@pytest.fixture(autouse=True)
def _rule_tables(db: None) -> None:
    seed_default_levels()  # what the migrations seed in a real database


def test_the_demo_mail_waits_in_the_queue_and_the_editor_accepts_it(db: None) -> None:
    call_command("load_demo", verbosity=0)
    call_command("load_demo_intake", verbosity=0)
    call_command("load_demo_intake", verbosity=0)  # a second run changes nothing
    message = IntakeMessage.objects.get()
    assert message.state == IntakeState.QUEUED and message.unit is not None and message.unit.name == demo.TOWN
    assert message.subject == demo.TITLE and "邻里议事会" in message.body
    assert message.body_from.startswith("附件")

    client = Client()
    client.force_login(User.objects.get(username="lj_bj"))
    assert demo.TITLE in client.get("/intake/").content.decode()
    response = client.post(f"/intake/{message.pk}/accept/", {
        "unit": message.unit_id, "title": message.subject, "body": message.body, "version": message.version,
    })
    assert response.status_code == 302
    entry = DeskEntry.objects.get(item__unit__name=demo.TOWN, desk__unit__name=demo.CITY)
    assert entry.title == demo.TITLE
    assert demo.TITLE in client.get("/desk/").content.decode()
