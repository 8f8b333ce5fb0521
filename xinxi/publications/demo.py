"""Demo periodicals of the 临江 city desk and one issued issue, built through the services.

《临江信息》 (weekly, with a running total number) and 《信息专报》 (as needed). One issue of
《临江信息》 is composed from two entries and signed off, so its sender sees the adoption;
a third entry is left pre-adopted for whoever tries composing the next issue. Idempotent:
nothing is created when the periodicals exist.
"""

from __future__ import annotations

from django.db import transaction

from xinxi.accounts.models import User
from xinxi.items import desk_services
from xinxi.items.models import DeskEntry, EntryState
from xinxi.lib.choices import Classification
from xinxi.network.models import Desk, Unit
from xinxi.publications import services
from xinxi.publications.models import Issue, Periodical

CITY = "临江市委办公室"


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _entry(title_start: str) -> DeskEntry:
    return DeskEntry.objects.get(desk__unit__name=CITY, item__title__startswith=title_start, forwarded_from=None)


@transaction.atomic
def load() -> int:
    """Create the demo periodicals and their first issue if missing; returns how many periodicals were made."""
    desk = Desk.objects.select_related("unit").get(unit__name=CITY)
    if Periodical.objects.filter(desk=desk).exists():
        return 0
    chief, editor = _user("lj_kz"), _user("lj_bj")
    readers = list(Unit.objects.filter(path__startswith=desk.unit.path, active=True))
    weekly = services.periodical_save(
        actor=chief,
        desk=desk,
        name="临江信息",
        frequency="weekly",
        per_period=2,
        running_total=True,
        total_offset=417,
        default_to_leaders="市委、市人大、市政府、市政协领导同志",
        default_to_units="省委办公厅，各县（市、区）委办公室，市直各部门",
        default_copies=60,
        columns=["工作动态", "基层经验", "问题反映"],
        readers=readers,
    )
    services.periodical_save(
        actor=chief,
        desk=desk,
        name="信息专报",
        default_classification=Classification.INTERNAL,
        default_to_leaders="市委主要领导同志",
        default_copies=10,
        columns=[],
        readers=[desk.unit],
    )
    issue = services.issue_create(actor=editor, periodical=weekly)
    hotline, snowfall = _entry("东城区“接诉即办”"), _entry("东城区积极应对强降雪")
    services.issue_add_entries(actor=editor, issue=issue, entries=[snowfall, hotline])
    columns = {c.name: c for c in weekly.columns.all()}
    for item in issue.items.select_related("entry"):
        column = columns["基层经验"] if item.entry_id == hotline.pk else columns["工作动态"]
        services.issue_item_update(
            actor=editor, item=item, title=item.title, body=item.body, column=column, kind=item.kind
        )
    issue = Issue.objects.get(pk=issue.pk)
    services.issue_send_for_signoff(actor=editor, issue=issue)
    services.issue_sign_off(actor=chief, issue=Issue.objects.get(pk=issue.pk))
    # A pre-adopted entry waiting for the next issue.
    snow = DeskEntry.objects.filter(desk=desk, state=EntryState.NEW, item__title__startswith="西城区全力").first()
    if snow is not None:
        desk_services.entry_preadopt(actor=editor, entry=snow)
    return 2
