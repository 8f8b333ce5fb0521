"""Querysets compiled once per process, for the few small reads that nearly every request makes.

Building and compiling a queryset costs Django 1–2 ms of CPU, ten times what the database
takes to answer the small queries that run on every request or submission: the user with
unit and roles (every page and API call), a unit's target desks and the desks' editors
(every submission). ``Compiled`` builds and compiles its queryset the first time it meets
a *shape* of arguments (the database, and the length of each list argument), remembers the
SQL, where each argument goes among the parameters, and Django's own plan for turning rows
into model instances (converters, ``select_related`` objects, annotations); afterwards it
only executes the SQL. (The converters it keeps read only the database's settings, the
same for every connection to it, so a plan serves every thread.)

It checks itself: the first time for each shape it compiles the queryset twice, with
marker values and with the real arguments, and keeps the shape only if both give the
same SQL and the markers stand exactly where the real values stand. Otherwise (an
argument Django rewrites, a query whose SQL depends on the values) that shape is always
run as an ordinary queryset. Arguments are integers, strings, or lists of them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

Arg = int | str | Sequence[int] | Sequence[str]
_MARK = -7_300_000_000_000  # integer markers: below any id or count


@dataclass
class _Plan:
    sql: str
    slots: list[tuple[int, int | None] | None]  # per parameter: (argument, item) or None
    constants: list[Any]
    compiler: Any
    converters: dict[int, Any]
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]
    annotations: dict[str, int]
    fetch_mode: Any


class _Unfit(Exception):
    """This shape cannot be replayed: run it as a queryset."""


def _markers(args: tuple[Arg, ...]) -> tuple[tuple[Any, ...], dict[Any, tuple[int, int | None]]]:
    counter = itertools.count()
    where: dict[Any, tuple[int, int | None]] = {}

    def mark(value: Any, at: tuple[int, int | None]) -> Any:
        n = next(counter)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _Unfit
        marker: Any = _MARK - n if isinstance(value, int) else f"\x00xinxi-mark-{n}"
        where[marker] = at
        return marker

    marked: list[Any] = []
    for i, arg in enumerate(args):
        if isinstance(arg, list | tuple):
            marked.append([mark(v, (i, j)) for j, v in enumerate(arg)])
        else:
            marked.append(mark(arg, (i, None)))
    return tuple(marked), where


def _params(plan: _Plan, args: tuple[Arg, ...]) -> list[Any]:
    return [
        constant if slot is None else (args[slot[0]] if slot[1] is None else args[slot[0]][slot[1]])  # type: ignore[index]
        for slot, constant in zip(plan.slots, plan.constants, strict=True)
    ]


INSTANCES: list[Compiled[Any]] = []


def prepare_all() -> int:
    """Plan every compiled query for its usual shapes (the server's warm-up): how many plans."""
    for compiled in INSTANCES:
        for args in compiled.warm:
            compiled.prepare(*args)
    return sum(len(c._plans) for c in INSTANCES)


class Compiled[M: Model]:
    """``Compiled(Model, build)(*args)`` = ``list(build(*args))``, without compiling again.

    ``warm``: arguments of the usual shapes, planned by the warm-up (``prepare_all``) so
    that no request compiles them; any values of the right shape will do, but a list's
    values must differ (Django drops repeated values from ``IN``, which changes the SQL).
    """

    def __init__(self, model: type[M], build: Callable[..., QuerySet[M]], warm: Sequence[tuple[Arg, ...]] = ()) -> None:
        self.model, self.build, self.warm = model, build, list(warm)
        self._plans: dict[tuple[Any, ...], _Plan | None] = {}
        INSTANCES.append(self)

    def prepare(self, *args: Arg) -> tuple[str, _Plan | None]:
        """The alias and plan for these arguments' shape, made now if it is new."""
        alias = router.db_for_read(self.model)
        key = (alias, *(len(a) if isinstance(a, list | tuple) else -1 for a in args))
        if key not in self._plans:
            try:
                self._plans[key] = self._plan(alias, args)
            except _Unfit:
                self._plans[key] = None
        return alias, self._plans[key]

    def __call__(self, *args: Arg) -> list[M]:
        if any(isinstance(a, list | tuple) and len(set(a)) < len(a) for a in args):
            # Django drops repeated values from IN: another SQL, not this shape's plan
            return list(self.build(*args).using(router.db_for_read(self.model)))
        alias, plan = self.prepare(*args)
        if plan is None:
            return list(self.build(*args).using(alias))
        with connections[alias].cursor() as cursor:
            cursor.execute(plan.sql, _params(plan, args))
            rows = cursor.fetchall()
        found = []
        if plan.converters:
            rows = plan.compiler.apply_converters(rows, plan.converters)
        for row in rows:
            obj = self.model.from_db(alias, plan.init_list, row[plan.start : plan.end], fetch_mode=plan.fetch_mode)
            for populator in plan.populators:
                populator.populate(row, obj)
            for name, position in plan.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def _plan(self, alias: str, args: tuple[Arg, ...]) -> _Plan:
        marked, where = _markers(args)
        try:  # a marker where Django expects something else (a boolean, a date) is refused
            queryset: Any = self.build(*marked).using(alias)  # Any: reads _fetch_mode, as ModelIterable does
            compiler = queryset.query.get_compiler(using=alias)
            sql, marker_params = compiler.as_sql()
        except (ValueError, TypeError, ValidationError) as refused:
            raise _Unfit from refused
        real_sql, real_params = self.build(*args).using(alias).query.get_compiler(using=alias).as_sql()
        slots = [where.get(p) if isinstance(p, int | str) and not isinstance(p, bool) else None for p in marker_params]
        constants = [None if slot else p for slot, p in zip(slots, marker_params, strict=True)]
        if sql != real_sql or {s for s in slots if s} != set(where.values()):  # each value placed, maybe twice
            raise _Unfit
        klass_info, select = compiler.klass_info, compiler.select
        if klass_info is None or queryset._known_related_objects or queryset._fetch_mode.track_peers:
            raise _Unfit
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        fields = [column[0] for column in select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise _Unfit
        plan = _Plan(
            sql=sql,
            slots=slots,
            constants=constants,
            compiler=compiler,
            converters=compiler.get_converters(fields),
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, alias, queryset._fetch_mode),
            annotations=dict(compiler.annotation_col_map or {}),
            fetch_mode=queryset._fetch_mode,
        )
        if _params(plan, args) != list(real_params):
            raise _Unfit
        return plan
