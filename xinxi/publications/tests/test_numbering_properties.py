"""Properties of sign-off numbering over generated sequences of issues, supplements and dates.

Whatever order issues are composed and signed in, and whenever (across a turn of the year),
each (periodical, year, regular/supplement) series is numbered 1, 2, 3… in signing order
with no gap and no repeat, and the running total (总第N期) counts regular issues only.
Bounded and deterministic (``derandomize``): the same examples every run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections import defaultdict

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinxi.items.tests.factories import entry_at, submitted
from xinxi.publications import services
from xinxi.publications.models import Issue
from xinxi.publications.tests.factories import periodical

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FIRST_DAY = dt.datetime(2025, 11, 3, 10, 0, tzinfo=SHANGHAI)
OFFSET = 417
_names = itertools.count(1)

plans = st.lists(
    st.tuples(st.booleans(), st.integers(min_value=0, max_value=60)),  # (supplement, days after the last sign-off)
    min_size=1,
    max_size=5,
).flatmap(lambda plan: st.tuples(st.just(plan), st.permutations(range(len(plan)))))


@settings(
    max_examples=8, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan_and_order=plans)
def test_each_series_is_numbered_without_gaps_in_signing_order(net, plan_and_order):
    plan, order = plan_and_order
    paper = periodical(net, f"临江信息{next(_names)}", running_total=True, total_offset=OFFSET)
    composed = []
    for supplement, _ in plan:
        issue = services.issue_create(actor=net.editor, periodical=paper, supplement=supplement)
        services.issue_add_entries(actor=net.editor, issue=issue, entries=[entry_at(submitted(net.reporter),
                                                                                     net.city.desk)])
        services.issue_send_for_signoff(actor=net.editor, issue=issue)
        composed.append(issue)
    moment = FIRST_DAY
    signed: list[Issue] = []
    for position, index in enumerate(order):
        moment += dt.timedelta(days=plan[position][1])
        with time_machine.travel(moment, tick=False):
            signed.append(services.issue_sign_off(actor=net.desk_chief, issue=composed[index]))
    series: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for issue in signed:
        assert issue.year == issue.signed_on.year
        series[(issue.year, issue.supplement)].append(issue.number)
    for numbers in series.values():
        assert numbers == list(range(1, len(numbers) + 1))
    totals = [issue.total_number for issue in signed if not issue.supplement]
    assert totals == list(range(OFFSET + 1, OFFSET + 1 + len(totals)))
    assert all(issue.total_number is None for issue in signed if issue.supplement)
    labels = [issue.label for issue in Issue.objects.filter(periodical=paper)]
    assert len(labels) == len(set(labels)) == len(plan)
