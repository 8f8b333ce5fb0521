"""The published OpenAPI schema, fuzzed against a live server: every operation, every check.

Schemathesis reads /api/v1/schema/ from the running server and sends generated requests to
every operation: examples, the coverage phase (each boundary and each invalid value of every
field and parameter) and random inputs, valid and invalid by the schema. Every check is on:
a server error, a status code or content type the schema does not list, a body that does not
match the documented response, a valid request refused, an invalid one accepted, and the rest.
Any finding fails the test, with schemathesis's report (and a curl line for each) as output.

The server holds the small province of the personas plus real objects (items, desk entries,
an issue, an instruction with a supervision task) so that generated ids sometimes hit. The
run is deterministic (fixed seed, derandomized generation) and bounded by ``MAX_EXAMPLES``.

It runs only when ``XINXI_FUZZ=1`` is set: a run takes about six minutes per persona (the
coverage phase), and its last run still had findings (see docs/architecture.md, API).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from xinxi.instructions import services as instruction_services
from xinxi.items.tests.factories import draft, entry_at, submitted
from xinxi.network.testing import Net
from xinxi.publications import services as issue_services
from xinxi.publications.tests.factories import periodical

pytestmark = pytest.mark.skipif(
    os.environ.get("XINXI_FUZZ") != "1", reason="schema fuzz: set XINXI_FUZZ=1 to run it (about 6 minutes a persona)"
)

# Per operation and phase; raise it locally to search harder.
MAX_EXAMPLES = int(os.environ.get("XINXI_FUZZ_EXAMPLES", "4"))
SEED = 20261203


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


# The editor, who may do the most, gets every phase; the reporter's run is a cheaper second look
# (random inputs only) at what a unit user is answered.
PHASES = {"editor": "examples,coverage,fuzzing", "reporter": "examples,fuzzing"}


def _run(live_server: Any, user: Any, report: Path, phases: str) -> subprocess.CompletedProcess[str]:
    st = Path(sys.executable).with_name("st")
    command = [
        str(st), "run", str(_schema_file(user, report)), "--url", live_server.url,
        "--checks", "all",
        "--phases", phases,
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", str(SEED),
        "--generation-deterministic",
        "--generation-allow-x00", "false",  # text never holds NUL characters (DRF refuses them)
        "--workers", "1",
        "--request-timeout", "60",
        "--no-color",
        "--output-truncate", "false",
        "--report", "junit",
        "--report-dir", str(report),
        *_session_headers(user),
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False)


@pytest.mark.parametrize("persona", ["editor", "reporter"])
def test_every_operation_matches_the_schema(
    transactional_db: None, live_server: Any, net: Net, persona: str, tmp_path: Path
) -> None:
    _objects(net)
    result = _run(live_server, net.users[persona], tmp_path, PHASES[persona])
    assert result.returncode == 0, result.stdout[-60_000:] + result.stderr[-5_000:]
