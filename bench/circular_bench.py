"""A monthly circular (通报): generating the draft and building its DOCX with two charts (median of runs).

Usage, from the repository root::

    .venv/bin/python bench/circular_bench.py                  # 80 units, 15 runs
    .venv/bin/python bench/circular_bench.py --units 200 --runs 10 --out /tmp/circular

It builds the small test province in a throwaway SQLite database under a temporary
directory (never the working database), adds ``--units`` reporting units under the city
desk with a year of ledger entries (written straight to the ledger table: the benchmark
measures the circular, not the posting), generates the December circular through
``services_circulars.circular_generate`` and signs it, then times
``circulars_documents.circular_docx`` (ranking table, group table, two chart pictures)
and ``circular_xlsx``. Target (issue 9): a monthly circular, DOCX with two charts, ≤ 2 s.
Prints figures; it never passes or fails. ``--out`` keeps the last DOCX and XLSX.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _setup(tmp: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinxi.settings")
    os.environ["XINXI_VAR_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(n_units: int, seed: int) -> Any:
    """The province, ``n_units`` units under the city with 2026's points, and the signed December circular."""
    import time_machine

    from xinxi.network.testing import build_net, make_unit
    from xinxi.scoring import services_circulars as services
    from xinxi.scoring.models import ScoreEntry

    rng = random.Random(seed)
    net = build_net()
    units = [make_unit(f"第{i + 1}县委办公室", net.city, region_code=f"3701{i:02d}"[:6]) for i in range(n_units)]
    entries = []
    for unit in units:
        for month in range(1, 13):
            for k in range(rng.randint(0, 6)):
                entries.append(ScoreEntry(
                    desk=net.city.desk, unit=unit, on=dt.date(2026, month, 1 + k * 4), kind="adoption",
                    points=Decimal(rng.choice([3, 5, 10, 30])), key=f"bench:{unit.pk}:{month}:{k}",
                ))
    ScoreEntry.objects.bulk_create(entries, batch_size=2000)
    with time_machine.travel(dt.datetime(2027, 1, 4, 10, 0, tzinfo=dt.UTC), tick=True):
        start = time.perf_counter()
        circular = services.circular_generate(actor=net.editor, desk=net.city.desk, kind="month",
                                              start=dt.date(2026, 12, 1))
        generated = time.perf_counter() - start
        circular = services.circular_sign(actor=net.desk_chief,
                                          circular=services.circular_submit(actor=net.editor, circular=circular))
    print(f"{len(units)} units, {len(entries)} ledger entries; generating the draft took {generated:.3f} s")
    return circular


def timed(fn: Callable[[], bytes], runs: int) -> tuple[list[float], bytes]:
    times, data = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        data = fn()
        times.append(time.perf_counter() - start)
    return times, data


def report(name: str, times: list[float], target: float | None, size: int) -> None:
    median = statistics.median(times)
    verdict = "" if target is None else f"  target ≤ {target} s: {'within' if median <= target else 'OVER'}"
    print(f"{name:5} median {median:.3f} s  min {min(times):.3f}  max {max(times):.3f}  "
          f"({len(times)} runs, {size / 1024:.0f} KiB){verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--units", type=int, default=80)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--out", type=Path, help="keep the last DOCX and XLSX as OUT.docx / OUT.xlsx")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xinxi-circular-bench-") as tmp:
        _setup(tmp)
        from xinxi.lib.fonts import find_cjk_font
        from xinxi.scoring import circulars_documents as documents
        from xinxi.scoring.models import Circular

        circular = build(args.units, args.seed)
        print(f"circular: {circular.doc_number} {circular.title}; CJK font for the charts: {find_cjk_font()}")

        def docx() -> bytes:
            return documents.circular_docx(Circular.objects.select_related("desk__unit").get(pk=circular.pk))

        def xlsx() -> bytes:
            return documents.circular_xlsx(Circular.objects.select_related("desk__unit").get(pk=circular.pk))

        first, _ = timed(docx, 1)
        print(f"first DOCX in this process (loads fonts and modules): {first[0]:.3f} s")
        docx_times, docx_data = timed(docx, args.runs)
        xlsx_times, xlsx_data = timed(xlsx, args.runs)
        report("DOCX", docx_times, 2.0, len(docx_data))
        report("XLSX", xlsx_times, None, len(xlsx_data))
        if args.out:
            args.out.with_suffix(".docx").write_bytes(docx_data)
            args.out.with_suffix(".xlsx").write_bytes(xlsx_data)
            print(f"kept {args.out.with_suffix('.docx')} and {args.out.with_suffix('.xlsx')}")


if __name__ == "__main__":
    main()
