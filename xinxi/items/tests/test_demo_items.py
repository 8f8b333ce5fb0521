"""The demo items: a realistic inbox, built through the services, loadable twice."""

import pytest
from django.core.management import call_command

from xinxi.instructions.levels import seed_default_levels
from xinxi.items.models import Adoption, DeskEntry, EntryState, Item, ItemState


@pytest.fixture(autouse=True)
def _rule_tables(db):
    """What the migrations seed in a real database (tests run without migrations)."""
    seed_default_levels()


def test_demo_items_load_twice_and_show_every_outcome(db):
    call_command("load_demo", verbosity=0)
    call_command("load_demo_items")
    counts = (Item.objects.count(), DeskEntry.objects.count(), Adoption.objects.count())
    call_command("load_demo_items")
    assert (Item.objects.count(), DeskEntry.objects.count(), Adoption.objects.count()) == counts
    states = set(DeskEntry.objects.filter(desk__unit__name="临江市委办公室").values_list("state", flat=True))
    assert {EntryState.NEW, EntryState.RETURNED, EntryState.ADOPTED, EntryState.COMBINED} <= states
    assert Item.objects.filter(state=ItemState.DRAFT).exists()
    assert Item.objects.filter(state=ItemState.RETURNED).exists()
    province = DeskEntry.objects.get(desk__unit__name="东海省委办公厅", forwarded_from__isnull=False)
    assert province.state == EntryState.ADOPTED
    credited = set(Adoption.objects.filter(entry=province).values_list("unit__name", flat=True))
    assert credited == {"东城区委办公室", "西城区委办公室"}


def test_demo_periodical_issue_and_supervision(db):
    from xinxi.instructions.models import Instruction, SupervisionTask, TaskState
    from xinxi.publications.models import Issue, IssueState, Periodical

    call_command("load_demo", verbosity=0)
    call_command("load_demo_items")
    call_command("load_demo_items")  # twice: nothing doubles
    assert Periodical.objects.filter(desk__unit__name="临江市委办公室").count() == 2
    issue = Issue.objects.get(state=IssueState.ISSUED)
    assert (issue.number, issue.total_number, issue.items.count()) == (1, 418, 2)
    assert Adoption.objects.filter(issue=issue).count() == 2
    assert DeskEntry.objects.filter(desk__unit__name="临江市委办公室", state=EntryState.PREADOPTED).exists()
    assert list(Instruction.objects.values_list("level__name", flat=True)) == ["市主要领导", "市主要领导"]
    states = dict(SupervisionTask.objects.values_list("unit__name", "state"))
    assert states == {
        "柳河县委办公室": TaskState.OPEN,
        "东城区委办公室": TaskState.OPEN,
        "西城区委办公室": TaskState.REPORTED,
    }
