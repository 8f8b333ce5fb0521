"""The published OpenAPI schema, fuzzed against a live server: every operation, every check.

Schemathesis reads /api/v1/schema/ of the running server and sends generated requests to
every operation, valid and invalid by the schema. Every check is on: a server error, a
status code or content type the schema does not list, a body that does not match the
documented response, a valid request refused, an invalid one accepted, and the rest. Any
finding fails the test; the message lists each finding with its operation and a curl line.

Two personas, on SQLite only:

- the desk chief (a desk persona: also an editor, so it may do the most: handle entries,
  compose and sign issues, record instructions, change scoring rules) gets the coverage
  phase (every boundary and every invalid value of each parameter and field, every
  unexpected method) and the fuzzing phase;
- the reporter (a unit persona) gets the fuzzing phase: what a unit is answered.

The server holds the small province of the personas plus real objects of every kind the API
serves (items, desk entries, an issue, an instruction with a supervision task, rule sets,
a penalty, score entries, an open incident with its clocks, a phone report and a filed report)
so that generated ids sometimes hit. The run is deterministic
(``--generation-deterministic``) and bounded: the coverage phase is finite by nature, the
fuzzing phase draws ``XINXI_FUZZ_EXAMPLES`` cases per operation (default 4).

Environment, for a run by hand:

- ``XINXI_FUZZ_EXAMPLES=50``: search harder in the fuzzing phase (minutes per persona).
- ``XINXI_FUZZ_PATHS='^/api/v1/rule-sets/'``: only the operations whose path matches (to
  reproduce a finding, or to fuzz a new endpoint while writing it).

Why not on PostgreSQL: the schema and the views are the same on both databases and the
run takes minutes; the suite's own tests cover both databases.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import resource
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from xinxi.instructions import services as instruction_services
from xinxi.items.tests.factories import draft, entry_at, submitted
from xinxi.network.testing import Net
from xinxi.publications import services as issue_services
from xinxi.publications.tests.factories import periodical
from xinxi.scoring import services as scoring_services
from xinxi.scoring.tests.factories import ON, adopt, at_city, line, rules

MAX_EXAMPLES = int(os.environ.get("XINXI_FUZZ_EXAMPLES", "4"))
PATHS = os.environ.get("XINXI_FUZZ_PATHS", "")
SEED = 20261203

# The desk persona gets every boundary of every field (the coverage phase) and random cases;
# the unit persona random cases only: what a unit is answered, at a fraction of the cost.
PHASES = {"desk_chief": "examples,coverage,fuzzing", "reporter": "examples,fuzzing"}


def _objects(net: Net) -> None:
    """Something behind the low ids of every kind the API serves."""
    draft(net.reporter, title="东城县冬季供暖保障有序推进")
    sent = [submitted(net.reporter, title=f"东城县第{n}批安全隐患整改完成") for n in range(1, 4)]
    entries = [entry_at(item, net.city.desk) for item in sent]
    paper = periodical(net)
    issue = issue_services.issue_create(actor=net.editor, periodical=paper)
    issue_services.issue_add_entries(actor=net.editor, issue=issue, entries=entries[:1])
    instruction = instruction_services.instruction_record(
        actor=net.editor,
        entry=entries[1],
        leader_name="王市长",
        leader_title="市长",
        level="city",
        text="请应急管理局牵头抓好隐患整改，确保安全过冬。",
        instructed_on=dt.date(2026, 11, 20),
    )
    instruction_services.tasks_create(
        actor=net.editor,
        instruction=instruction,
        units=[net.county],
        due_on=dt.date(2099, 12, 31),
        requirement="按期报送整改情况",
    )
    # Scoring: a published rule set and a draft, an adoption scored by it, a penalty.
    active = rules(net, net.city.desk, [line("adoption", 5), line("false_item", -3), line("late_report", -2),
                                        line("missed_report", -3)])
    scoring_services.rule_set_copy(actor=net.desk_chief, rule_set=active, valid_from=dt.date(2027, 1, 1))
    adopt(net.editor, at_city(net, title="东城县冬季用电保障平稳"))
    scoring_services.penalty_record(
        actor=net.desk_chief, desk=net.city.desk, unit=net.county, kind="false_item", on=ON,
        reason="所报数据与统计部门不符", item=sent[2],
    )
    # Urgent information: an incident with a proposed 迟报 and a recorded 漏报 (the late_report line posts it).
    from xinxi.urgent.models import Finding
    from xinxi.urgent.tests.helpers_findings import proposed_late

    finding = proposed_late(net)
    assert Finding.objects.filter(pk=finding.pk).exists()
    _urgent(net)
    _commissions(net)
    _lists(net)
    _remarks(net, entries)
    _intake(net)
    _priorities(net)


def _commissions(net: Net) -> None:
    """约稿: the city desk's commission to the county and the city department, the county's draft linked to it."""
    from django.utils import timezone

    from xinxi.assignments import services_commissions as commissions

    c = commissions.commission_create(actor=net.editor, topic="冬季安全生产大检查进展",
                                      units=[net.county, net.city_dept], due_at=timezone.now() + dt.timedelta(days=2))
    commissions.commission_link(actor=net.reporter, commission=c, item=draft(net.reporter, title="约稿答复草稿"))


def _lists(net: Net) -> None:
    """舆论监督与群众意见建议: the county's sent list (one row routed back to it), its draft of the month
    before, two 社情民意 entries at the city desk for the quarterly compilation."""
    from xinxi.assignments import services_lists
    from xinxi.assignments.tests.helpers_lists import routed_row, sent_list
    from xinxi.items.models import Category

    routed_row(sent_list(net.reporter, month=dt.date(2026, 12, 1)), net.editor, net.county)
    services_lists.list_create(actor=net.reporter, month=dt.date(2026, 11, 1))
    for title in ("东城县群众关注冬季供暖收费", "东城县居民反映公交线路调整不便"):
        submitted(net.reporter, title=title, category=Category.SENTIMENT)


def _remarks(net: Net, entries: list[Any]) -> None:
    """Remarks and sharing: a remark on a county entry at the city desk, that entry shared with the town."""
    from xinxi.assignments import services_remarks, services_sharing

    services_remarks.remark_write(actor=net.editor, entry=entries[0], text="数字翔实，标题具体。", rating="good",
                                  tags=["data"])
    services_sharing.share_create(actor=net.editor, entry=entries[0], units=[net.county, net.town], note="参考")


def _intake(net: Net) -> None:
    """E-mail intake: a queued and a quarantined mail at the city desk, and its mailbox."""
    from xinxi.intake import services as intake
    from xinxi.intake.models import Mailbox
    from xinxi.intake.tests.mails import mail

    net.reporter.email = "reporter@county.example"
    net.reporter.save(update_fields=["email"])
    intake.intake_ingest(desk=net.city.desk, raw=mail())
    intake.intake_ingest(desk=net.city.desk, raw=mail(sender="stranger@example.org", subject="来历不明的邮件"))
    Mailbox.objects.create(desk=net.city.desk, host="imap.example.org", port=993, username="desk", password="pw")


def _urgent(net: Net) -> None:
    """Urgent information: an open incident with running clocks, a phone report, a filed report."""
    from django.utils import timezone

    from xinxi.urgent import services as urgent
    from xinxi.urgent.tests.helpers import facts

    desk = net.city.desk
    happened = timezone.now() - dt.timedelta(minutes=30)
    incident = urgent.incident_record(actor=net.duty_officer, desk=desk, units=[net.county],
                                      **facts(occurred_at=happened))
    urgent.phone_report_record(actor=net.duty_officer, desk=desk, unit=net.county, caller="县委值班室 刘某",
                               received_at=happened + dt.timedelta(minutes=10), content="红星煤矿透水，3 人被困。",
                               incident=incident)
    urgent.report_file(actor=net.reporter, incident=incident, kind="first", title="红星煤矿透水事故首报",
                       body="12月1日8时许，东城镇红星煤矿发生透水事故。")
    urgent.incident_record(actor=net.duty_officer, desk=desk, units=[net.county, net.town],
                           **facts(title="东城镇仓库火灾", subtype="fire", severity=4, occurred_at=happened))


def _priorities(net: Net) -> None:
    """报送要点 of the city desk (published, with a tagged item) and a draft; a research topic."""
    from xinxi.assignments import services_priorities
    from xinxi.assignments.tests.helpers_priorities import make_list, sent_item

    plist = make_list(net)
    make_list(net, publish=False, title="草稿要点")
    sent_item(net.reporter, title="东城县优化营商环境", topics=[plist.topics.first()])
    services_priorities.research_topic_create(actor=net.editor, title="县域经济调研", description="",
                                              period="year", year=2026, quarter=None)


def _session_headers(user: Any) -> list[str]:
    """A signed-in session (cookie and CSRF token) rather than an API token: the fuzzer
    also calls DELETE /api/v1/auth/token/, which would end a token's validity mid-run."""
    client = Client()
    client.force_login(user)
    csrf = secrets.token_hex(16)  # 32 characters: an unmasked secret, valid as cookie and header
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    return ["-H", f"Cookie: {cookie}", "-H", f"X-CSRFToken: {csrf}"]


def _schema_file(user: Any, folder: Path) -> Path:
    """The published schema, read in-process (generating it can take longer than a request timeout)."""
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    path = folder / "schema.json"
    path.write_bytes(response.content)
    return path


def _run(live_server: Any, user: Any, folder: Path, phases: str) -> subprocess.CompletedProcess[str]:
    st = Path(sys.executable).with_name("st")
    command = [
        str(st), "run", str(_schema_file(user, folder)), "--url", live_server.url,
        "--checks", "all",
        "--phases", phases,
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", str(SEED),
        "--generation-deterministic",  # also: no example database, nothing carried over from an earlier run
        "--generation-allow-x00", "false",  # text never holds NUL characters (DRF refuses them)
        "--workers", "1",
        "--request-timeout", "60",
        "--no-color",
        "--output-truncate", "false",
        "--warnings", "off",
        *(["--include-path-regex", PATHS] if PATHS else []),
        *_session_headers(user),
    ]  # fmt: skip
    # In the test's folder: schemathesis writes its caches (.schemathesis/) where it runs.
    return subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False, cwd=folder)


def findings(output: str) -> str:
    """Schemathesis's failures (operation, check, response, curl line) and its summary, without the rest."""
    failures = re.search(r"^=+ FAILURES =+$(.*?)(?=^=+ (?:WARNINGS|SUMMARY) =+$)", output, re.M | re.S)
    summary = re.search(r"^=+ SUMMARY =+$.*", output, re.M | re.S)
    parts = [failures.group(0) if failures else output[-20_000:], summary.group(0) if summary else ""]
    return "\n".join(parts).strip()


HOW_TO_REPRODUCE = """
Each finding names the operation and the check, and gives a curl line (the session headers
are shown as [Filtered]). To rerun only some operations:
    XINXI_FUZZ_PATHS='^/api/v1/rule-sets/' pytest xinxi/core/tests/test_api_fuzz.py
or run the server (manage.py runserver), sign in, and send the curl line with your own Cookie
and X-CSRFToken headers. See docs/architecture.md, "The fuzz test".
"""


@pytest.mark.parametrize("persona", list(PHASES))
def test_every_operation_matches_the_schema(
    transactional_db: None, live_server: Any, net: Net, persona: str, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("schema fuzz runs on SQLite only: the schema and views are the same on PostgreSQL")
    _objects(net)
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = _run(live_server, net.users[persona], tmp_path, PHASES[persona])
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    server, fuzzer = ((b.ru_utime + b.ru_stime) - (a.ru_utime + a.ru_stime) for a, b in zip(before, after, strict=True))
    phases = "; ".join(re.findall(r"^\s*\S+\s+((?:Examples|Coverage|Fuzzing) \(in [0-9.]+s\))", result.stdout, re.M))
    cases = re.search(r"Test cases:\s*\n\s*(.*)", result.stdout)
    print(f"schema fuzz as {persona}: {phases}; {cases.group(1) if cases else '?'}; "
          f"CPU: server {server:.0f} s, schemathesis {fuzzer:.0f} s")
    report = findings(result.stdout) + result.stderr[-5_000:]
    assert result.returncode == 0, report + HOW_TO_REPRODUCE
