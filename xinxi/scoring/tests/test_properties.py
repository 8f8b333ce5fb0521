"""Properties of the ledger and the figures over generated examples (hypothesis).

- the shares of a roll-up add up to exactly 100.0 %, each within rounding of its exact value;
- a reversal nets to zero, and an entry is reversed at most once;
- posting the same event any number of times posts it once;
- rescoring under a corrected rule version changes exactly the entries of the lines it changed.

Bounded and deterministic (``derandomize``, few examples); each database example runs in
a savepoint that is rolled back, so examples do not see each other's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from xinxi.scoring import ledger, services
from xinxi.scoring.figures import shares
from xinxi.scoring.models import EventKind, ScoreEntry
from xinxi.scoring.rules import Facts, score
from xinxi.scoring.tests.factories import line, rules

D = Decimal
ON = dt.date(2026, 11, 2)
DB_SETTINGS = settings(
    max_examples=12, deadline=None, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its example at once
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

amounts = st.decimals(min_value=D("-50"), max_value=D("500"), places=2, allow_nan=False, allow_infinity=False)


CENT = D("0.01")


def summed(queryset) -> Decimal:
    """The sum of points to the cent (SQLite sums decimals as floats)."""
    return (queryset.aggregate(s=Sum("points"))["s"] or D(0)).quantize(CENT)


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@settings(max_examples=200, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate])
@given(groups=st.lists(st.lists(amounts, min_size=1, max_size=8), min_size=1, max_size=6))
def test_the_shares_of_a_roll_up_add_up_to_100(groups):
    totals = [sum(members, D(0)) for members in groups]
    for values in [*groups, totals]:
        found = shares(values)
        positive = sum((max(v, D(0)) for v in values), D(0))
        if positive <= 0:
            assert found == [D(0)] * len(values)
            continue
        assert sum(found, D(0)) == D(100)
        for value, share in zip(values, found, strict=True):
            exact = max(value, D(0)) * 100 / positive
            assert abs(share - exact) < D("0.1")
            assert share == share.quantize(D("0.1"))


@pytest.mark.django_db
@DB_SETTINGS
@given(postings=st.lists(st.tuples(amounts, st.booleans()), min_size=1, max_size=6))
def test_a_reversal_nets_to_zero(net, postings):
    with rolled_back():
        entries = []
        for n, (points, _) in enumerate(postings):
            entry = ledger.post(desk=net.city.desk, unit=net.county, on=ON, points=points,
                                kind=EventKind.FALSE_ITEM, key=f"event:{n}")
            assert entry is not None
            entries.append(entry)
        reversed_ = [e for e, (_, reverse) in zip(entries, postings, strict=True) if reverse]
        for entry in reversed_:
            reversal = ledger.reverse(entry, actor=None, reason="更正")
            assert reversal is not None and reversal.points == -entry.points
            assert ledger.reverse(entry, actor=None, reason="再次") is None  # once only
            assert ledger.reverse(reversal, actor=None, reason="冲销冲销") is None
            assert summed(ScoreEntry.objects.filter(pk__in=[entry.pk, reversal.pk])) == 0
        kept = sum((e.points for e, (_, reverse) in zip(entries, postings, strict=True) if not reverse), D(0))
        assert summed(ScoreEntry.objects.filter(desk=net.city.desk)) == kept


@pytest.mark.django_db
@DB_SETTINGS
@given(events=st.lists(st.tuples(st.integers(0, 3), amounts), min_size=1, max_size=12))
def test_posting_the_same_event_twice_posts_once(net, events):
    with rolled_back():
        first: dict[int, Decimal] = {}
        for key, points in events:  # the same key comes again, maybe with other points: the first stands
            posted = ledger.post(desk=net.city.desk, unit=net.county, on=ON, points=points,
                                 kind=EventKind.ADOPTION, key=f"adoption:{key}")
            assert (posted is None) == (key in first)
            first.setdefault(key, points)
        assert ScoreEntry.objects.count() == len(first)
        live = dict(ScoreEntry.objects.values_list("key", "points"))
        assert live == {f"adoption:{k}": p.quantize(D("0.01")) for k, p in first.items()}


KINDS = ["adoption", "instruction", "forwarded", "unadopted"]


@pytest.mark.django_db
@DB_SETTINGS
@given(
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=10),
    changed=st.sampled_from(KINDS),
    new_points=st.integers(0, 12),
)
def test_rescoring_changes_only_what_the_correction_touches(net, kinds, changed, new_points):
    with rolled_back():
        old_points = {"adoption": 5, "instruction": 3, "forwarded": 2, "unadopted": 1}
        rule_set = rules(net, net.city.desk, [line(k, p) for k, p in old_points.items()])
        rule_set = type(rule_set).objects.prefetch_related("lines").get(pk=rule_set.pk)
        before = []
        for n, kind in enumerate(kinds):
            facts = Facts(kind=kind)
            result = score(rule_set, facts)
            entry = ledger.post(desk=net.city.desk, unit=net.county, on=ON, points=result.points, kind=kind,
                                key=f"{kind}:{n}", rule_set=rule_set, line=result.line, facts=facts)
            assert entry is not None
            before.append(entry)
        correction = services.rule_set_correct(actor=net.desk_chief, rule_set=rule_set)
        lines = [line(k, new_points if k == changed else p) for k, p in old_points.items()]
        services.rule_set_update(actor=net.desk_chief, rule_set=correction, version=None, lines=lines)
        services.rule_set_publish(actor=net.desk_chief, rule_set=correction)
        touched = new_points != old_points[changed]
        for entry in before:
            live = list(ledger.live(net.city.desk.pk, entry.key))
            assert len(live) == 1
            if entry.kind == changed and touched:
                assert live[0].pk != entry.pk and live[0].points == new_points
                assert ScoreEntry.objects.get(reverses=entry).points == -entry.points
            else:
                assert live[0].pk == entry.pk and live[0].points == old_points[entry.kind]
        moved = sum(1 for e in before if e.kind == changed) if touched else 0
        assert ScoreEntry.objects.count() == len(before) + 2 * moved
        expected = sum((new_points if k == changed else old_points[k] for k in kinds), D(0))
        assert summed(ScoreEntry.objects.all()) == expected
