"""Export of a 30-item issue: DOCX and PDF build times (median of repeated runs).

Usage, from the repository root::

    .venv/bin/python bench/export_bench.py                 # 15 runs of each
    .venv/bin/python bench/export_bench.py --runs 30 --out /tmp/issue

It builds the small test province in a throwaway SQLite database under a temporary
directory (never the working database), composes an issue of 30 items of about 300
characters each in two columns through the services, signs it off, and then times
``documents.issue_docx`` and ``documents.issue_pdf`` on the issue as the export views
load it. The first PDF run loads the CJK fonts and is reported apart (a worker process
pays it once). Targets (issue 4): DOCX ≤ 0.5 s, PDF ≤ 3 s. Prints figures; it never
passes or fails. ``--out`` keeps the last DOCX and PDF for a look.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PARAGRAPHS = [
    "11月20日，{place}召开冬季安全生产专题会议，传达学习上级有关会议精神，部署开展为期一个月的安全生产大检查，"
    "明确各乡镇（街道）和有关部门的责任分工，要求坚决防范遏制重特大事故发生。",
    "检查期间，全{kind}共出动检查组{n}个、检查人员{m}人次，排查企业{e}家，发现各类隐患{h}处，已整改{f}处，"
    "其余隐患全部明确整改责任人、整改措施和完成时限，实行清单化管理、销号式整改。",
    "下一步，{place}将聚焦道路交通、燃气、建筑施工、消防等重点领域，持续开展“回头看”，对整改不到位的"
    "严肃追责问责，确保全{kind}安全生产形势持续稳定。",
]
PLACES = ["东城县", "西河区", "南湖县", "北山市", "临江新区", "青石镇"]


def _setup(tmp: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinxi.settings")
    os.environ["XINXI_VAR_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_issue(n_items: int = 30) -> Any:
    from xinxi.items.tests.factories import entry_at, submitted
    from xinxi.network.testing import build_net
    from xinxi.publications import services
    from xinxi.publications.models import Column, Issue, Periodical

    net = build_net()
    p = Periodical.objects.create(
        desk=net.city.desk,
        name="临江信息",
        running_total=True,
        total_offset=417,
        default_to_leaders="市委、市人大常委会、市政府、市政协领导同志",
        default_to_units="各县（市、区）委办公室，市委各部委办，市直各单位",
        default_distribute="各乡镇（街道）党（工）委办公室",
        default_copies=120,
    )
    p.readers.add(net.city, net.county)
    columns = [Column.objects.create(periodical=p, name=name) for name in ("工作动态", "经验交流")]
    issue = services.issue_create(actor=net.editor, periodical=p)
    entries = []
    for i in range(n_items):
        place = PLACES[i % len(PLACES)]
        body = "\n".join(
            t.format(place=place, kind="县", n=10 + i, m=60 + i, e=100 + i, h=40 + i, f=30 + i) for t in PARAGRAPHS
        )
        title = f"{place}扎实开展冬季安全生产大检查 排查企业{100 + i}家整改隐患{30 + i}处"
        entries.append(entry_at(submitted(net.reporter, title=title, body=body), net.city.desk))
    services.issue_add_entries(actor=net.editor, issue=issue, entries=entries)
    for item in issue.items.order_by("sort_order"):
        services.issue_item_update(
            actor=net.editor,
            item=item,
            title=item.title,
            body=item.body,
            column=columns[0] if item.sort_order <= n_items * 2 // 3 else columns[1],
        )
    services.issue_update(
        actor=net.editor, issue=issue, version=None,
        editor_note="入冬以来，各地各部门认真落实市委部署，扎实开展安全生产大检查。现将有关情况摘编如下。",
    )
    services.issue_send_for_signoff(actor=net.editor, issue=issue)
    services.issue_sign_off(actor=net.desk_chief, issue=issue)
    return Issue.objects.select_related("periodical__desk__unit").get(pk=issue.pk)


def timed(fn: Callable[[], bytes], runs: int) -> tuple[list[float], bytes]:
    times, data = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        data = fn()
        times.append(time.perf_counter() - start)
    return times, data


def report(name: str, times: list[float], target: float, size: int) -> None:
    median = statistics.median(times)
    verdict = "within" if median <= target else "OVER"
    print(
        f"{name:5} median {median:.3f} s  min {min(times):.3f}  max {max(times):.3f}  "
        f"({len(times)} runs, {size / 1024:.0f} KiB)  target ≤ {target} s: {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--out", type=Path, help="keep the last DOCX and PDF as OUT.docx / OUT.pdf")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xinxi-export-bench-") as tmp:
        _setup(tmp)
        from xinxi.publications import documents
        from xinxi.publications.permissions import get_issue

        issue = build_issue(args.items)
        reader = issue.editor
        print(f"issue: {issue} with {issue.items.count()} items; CJK fonts found: {documents.cjk_font_available()}")

        def docx() -> bytes:
            return documents.issue_docx(get_issue(reader, issue.pk))

        def pdf() -> bytes:
            return documents.issue_pdf(get_issue(reader, issue.pk))

        first, _ = timed(pdf, 1)
        print(f"first PDF in this process (loads the fonts): {first[0]:.3f} s")
        docx_times, docx_data = timed(docx, args.runs)
        pdf_times, pdf_data = timed(pdf, args.runs)
        report("DOCX", docx_times, 0.5, len(docx_data))
        report("PDF", pdf_times, 3.0, len(pdf_data))
        if args.out:
            args.out.with_suffix(".docx").write_bytes(docx_data)
            args.out.with_suffix(".pdf").write_bytes(pdf_data)
            print(f"kept {args.out.with_suffix('.docx')} and {args.out.with_suffix('.pdf')}")


if __name__ == "__main__":
    main()
