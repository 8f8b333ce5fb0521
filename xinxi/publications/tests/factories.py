"""Builders for periodical tests."""

from __future__ import annotations

from typing import Any

from xinxi.items.tests.factories import entry_at, submitted
from xinxi.publications import services
from xinxi.publications.models import Issue, Periodical


def periodical(net: Any, name: str = "临江信息", **extra: Any) -> Periodical:
    p = Periodical.objects.create(desk=net.city.desk, name=name, default_to_leaders="市委、市政府领导同志",
                                  default_to_units="各县（市、区）委办公室", **extra)
    p.readers.add(net.city, net.county)
    return p


def pending_issue(net: Any, p: Periodical, n_items: int = 1) -> Issue:
    issue = services.issue_create(actor=net.editor, periodical=p)
    entries = [entry_at(submitted(net.reporter, title=f"东城县第{i}条信息标题写得具体"), net.city.desk)
               for i in range(n_items)]
    services.issue_add_entries(actor=net.editor, issue=issue, entries=entries)
    services.issue_send_for_signoff(actor=net.editor, issue=issue)
    return issue
