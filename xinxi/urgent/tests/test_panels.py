"""Urgent information on other pages: the inbox's 紧急 block, the item/entry link, nav, home."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinxi.items.models import DeskEntry, Item
from xinxi.items.tests.factories import submitted
from xinxi.lib.choices import Classification
from xinxi.urgent import services
from xinxi.urgent.models import ReportKind
from xinxi.urgent.tests.helpers import record


def _first_report(net, **kwargs):
    incident = record(net, **kwargs)
    return incident, services.report_file(
        actor=net.approver, incident=incident, kind=ReportKind.FIRST, title="东城县关于煤矿透水事故的首报", body="情况"
    )


def test_open_urgent_entries_head_the_desk_inbox(net, client_for):
    submitted(net.reporter, title="东城县冬季供暖保障情况")
    incident, report = _first_report(net)
    entry = DeskEntry.objects.get(item=report.item, desk=net.city.desk)
    page = client_for("editor").get("/desk/").content.decode()
    block = page.split('id="urgent-inbox"', 1)[1].split("</section>", 1)[0]
    assert f'href="/desk/entries/{entry.pk}/"' in block
    assert incident.title in block and "首报" in block
    assert "冬季供暖" not in block
    assert page.index('id="urgent-inbox"') < page.index('id="inbox"')


def test_the_urgent_block_escapes_titles_and_names(net, client_for):
    from xinxi.urgent.models import Incident

    incident, report = _first_report(net)
    Incident.objects.filter(pk=incident.pk).update(title='事故<script>alert("i")</script>')
    DeskEntry.objects.filter(item=report.item).update(title="首报<b>粗</b>")
    page = client_for("editor").get("/desk/").content.decode()
    block = page.split('id="urgent-inbox"', 1)[1].split("</section>", 1)[0]
    assert "<script>" not in block and "<b>粗" not in block
    assert "事故&lt;script&gt;alert(&quot;i&quot;)&lt;/script&gt; 首报" in block
    assert "首报&lt;b&gt;粗&lt;/b&gt;" in block
    assert "紧急信息 · 1 条待处理</h2>" in page and '<span class="tag new-mark">新</span>' in block


def test_the_urgent_block_is_bounded_and_follows_clearance(net, client_for):
    _first_report(net)
    client = client_for("editor")
    with CaptureQueriesContext(connection) as few:
        client.get("/desk/")
    for n in range(3):
        incident = record(net, title=f"事件{n}")
        services.report_file(actor=net.approver, incident=incident, kind=ReportKind.PRE, title=f"预报{n}", body="x")
    with CaptureQueriesContext(connection) as many:
        client.get("/desk/")
    assert len(many) == len(few)
    DeskEntry.objects.filter(title="预报0").update(classification=Classification.SECRET, title="秘密预报")
    assert "秘密预报" in client_for("editor").get("/desk/").content.decode()
    assert "秘密预报" not in client_for("duty_officer").get("/desk/").content.decode()


def test_no_block_without_open_urgent_entries(net, client_for):
    submitted(net.reporter)
    assert 'id="urgent-inbox"' not in client_for("editor").get("/desk/").content.decode()


def test_the_item_and_entry_pages_name_the_incident_and_report(net, client_for):
    incident, report = _first_report(net)
    item_page = client_for("approver").get(f"/items/{report.item_id}/").content.decode()
    assert f'href="/urgent/incidents/{incident.pk}/"' in item_page and "<b>首报</b>" in item_page
    entry = DeskEntry.objects.get(item=report.item, desk=net.city.desk)
    entry_page = client_for("editor").get(f"/desk/entries/{entry.pk}/").content.decode()
    assert f'href="/urgent/incidents/{incident.pk}/"' in entry_page
    plain = submitted(net.reporter)
    assert 'id="urgent-link"' not in client_for("reporter").get(f"/items/{plain.pk}/").content.decode()
    assert Item.objects.count() == 2


@pytest.mark.parametrize(
    ("persona", "label"),
    [("duty_officer", "值班"), ("editor", "值班"), ("reporter", "紧急信息"), ("approver", "紧急信息"), ("admin", None)],
)
def test_the_navigation_link(net, client_for, persona, label):
    page = client_for(persona).get("/").content.decode()
    if label is None:
        assert 'id="nav-urgent"' not in page
    else:
        assert f'id="nav-urgent">{label}</a>' in page


def test_the_home_page_shows_the_nearest_deadlines_to_desk_staff(net, client_for):
    incident = record(net, title="东城镇煤矿透水事故")
    page = client_for("duty_officer").get("/").content.decode()
    panel = page.split('id="urgent-panel"', 1)[1].split("</section>", 1)[0]
    assert f'href="/urgent/incidents/{incident.pk}/"' in panel
    assert "data-due=" in panel
    assert 'id="urgent-panel"' not in client_for("reporter").get("/").content.decode()
    assert 'id="urgent-panel"' not in client_for("outsider").get("/").content.decode()
