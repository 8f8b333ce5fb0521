"""The access matrix: every route of the URL configuration, its objects and the answer per persona.

``test_access_matrix.py`` walks ``django.urls.get_resolver()`` and fails for a route
without a row here, so a new page or endpoint cannot go untested. A row is

    "items/<pk>/": [
        Case("own draft", allow(UNIT), pk="draft"),
        Case("another unit's draft", allow({"outsider"}), pk="other_draft"),
        Case("missing", NOBODY, pk="missing"),
    ],

keyed by the route as ``test_access_matrix.route_key`` prints it (converters and regex
groups become ``<name>``). Each ``Case`` names, for every URL kwarg, an object of
``access_world.World`` (``"missing"`` is an id that exists nowhere; ``"=text"`` is the
literal ``text``), the method, query string and body (``"{name}"`` in a string is the
object's id or value; a body value that is exactly ``"{name}"`` of an id is sent as the number),
and the status for each persona and for an anonymous visitor.

The rule the rows follow: an object the persona may not see answers exactly like a
missing one (404). 403 is only for an object the persona sees but may not act on
(a duty officer on an editor's action; the API's ``ServiceViewSet`` convention), or
for a collection action the persona's role does not include.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from xinxi.network.testing import PERSONAS

ANONYMOUS = "anonymous"
EVERYONE = (*PERSONAS, ANONYMOUS)
LOGIN = 302  # pages send an anonymous visitor to the login page
API_ANON = 403  # the API refuses an anonymous request (session authentication)

ALL = frozenset(PERSONAS)
UNIT = frozenset({"reporter", "approver", "no_clearance"})  # 东城县委办公室
CLEARED_UNIT = frozenset({"reporter", "approver"})  # cleared for 内部
CITY_DESK = frozenset({"editor", "desk_chief", "duty_officer", "leader"})
ACTORS = frozenset({"editor", "desk_chief"})  # the desk's editors act; duty officer and leader read
READERS = CITY_DESK - ACTORS
MANAGERS = frozenset({"admin", "desk_chief"})
RECORDERS = frozenset({"editor", "desk_chief", "leader"})
ISSUE_READERS = CITY_DESK | CLEARED_UNIT  # the county is on the reading list; no_clearance lacks 内部
TASK_SEEING = ALL - {"outsider", "admin"}  # the city desk and the tasked county
URGENT_RECORDERS = frozenset({"editor", "desk_chief", "duty_officer"})  # record incidents and phone reports
INCIDENT_SEEING = CITY_DESK | CLEARED_UNIT  # the recording desk and the responsible county (内部)


def allow(who: Iterable[str], ok: int = 200, *, rest: int = 404, anon: int = LOGIN, **per: int) -> dict[str, int]:
    """``ok`` for the personas in ``who``, ``rest`` for the others, then the named exceptions."""
    chosen = set(who)
    answer = {p: ok if p in chosen else rest for p in PERSONAS}
    answer[ANONYMOUS] = anon
    answer.update(per)
    return answer


def api(who: Iterable[str], ok: int = 200, *, rest: int = 404, anon: int = API_ANON, **per: int) -> dict[str, int]:
    return allow(who, ok, rest=rest, anon=anon, **per)


NOBODY = allow(())
API_NOBODY = api(())


@dataclass(frozen=True)
class Case:
    label: str
    expect: dict[str, int]
    method: str = "get"
    query: str = ""
    data: dict[str, Any] | None = None
    kwargs: dict[str, str] = field(default_factory=dict)

    def __init__(self, label: str, expect: dict[str, int], method: str = "get", query: str = "",
                 data: dict[str, Any] | None = None, **kwargs: str) -> None:
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "expect", expect)
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "query", query)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "kwargs", kwargs)


def missing(method: str = "get", anon: int = LOGIN, **kwargs: str) -> Case:
    """The answer every forbidden object must equal: 404 for every persona."""
    return Case("missing", allow((), anon=anon), method, **kwargs)


def api_missing(method: str = "get", **kwargs: str) -> Case:
    return missing(method, anon=API_ANON, **kwargs)


POST = "post"

PAGES: dict[str, list[Case]] = {
    "": [Case("home", allow(ALL))],
    # --- accounts ---
    "accounts/login/": [Case("form; the logged-in go home", allow(ALL, 302, anon=200))],
    "accounts/logout/": [Case("log out", allow(ALL, 302, anon=302), POST)],
    "accounts/password/": [Case("own password", allow(ALL))],
    "accounts/users/": [Case("list", allow(MANAGERS))],
    "accounts/users/new/": [Case("form", allow(MANAGERS))],
    "accounts/users/<pk>/": [
        Case("county user", allow(MANAGERS), pk="reporter"),
        Case("other city's user", allow({"admin"}), pk="outsider"),
        missing(pk="missing"),
    ],
    "accounts/users/<pk>/password/": [
        Case("county user", allow(MANAGERS), pk="reporter"),
        Case("other city's user", allow({"admin"}), pk="outsider"),
        missing(pk="missing"),
    ],
    "accounts/users/<pk>/unlock/": [
        Case("county user", allow(MANAGERS, 302), POST, pk="reporter"),
        Case("other city's user", allow({"admin"}, 302), POST, pk="outsider"),
        missing(POST, pk="missing"),
    ],
    # --- network ---
    "network/": [Case("tree", allow(ALL)), Case("search", allow(ALL), query="q=东城")],
    "network/units/<pk>/": [
        Case("county", allow(ALL - {"outsider"}), pk="county"),
        Case("province", allow(ALL), pk="province"),
        Case("town under the county", allow(ALL - {"outsider"}), pk="town"),
        Case("other city's county", allow({"admin", "outsider"}), pk="other_county"),
        missing(pk="missing"),
    ],
    "network/units/<pk>/children/": [
        Case("county", allow(ALL - {"outsider"}), query="expand=1", pk="county"),
        Case("other city's county", allow({"admin", "outsider"}), pk="other_county"),
        missing(pk="missing"),
    ],
    "network/units/new/": [
        Case("top level", allow({"admin"})),
        Case("under the county", allow(MANAGERS), query="parent={county}"),
    ],
    "network/units/<pk>/edit/": [
        Case("county", allow(MANAGERS), pk="county"),
        Case("other city's county", allow({"admin"}), pk="other_county"),
        missing(pk="missing"),
    ],
    "network/units/<pk>/move/": [
        Case("county", allow(MANAGERS), pk="county"),
        Case("other city's county", allow({"admin"}), pk="other_county"),
        missing(pk="missing"),
    ],
    "network/units/<pk>/deactivate/": [
        Case("county", allow(MANAGERS), pk="county"),
        Case("other city's county", allow({"admin"}), pk="other_county"),
        missing(pk="missing"),
    ],
    "network/units/<pk>/reactivate/": [
        Case("county", allow(MANAGERS, 302), POST, pk="county"),
        Case("other city's county", allow({"admin"}, 302), POST, pk="other_county"),
        missing(POST, pk="missing"),
    ],
    "network/units/<pk>/staff/new/": [
        Case("county", allow(MANAGERS), pk="county"),
        Case("other city's county", allow({"admin"}), pk="other_county"),
        missing(pk="missing"),
    ],
    "network/staff/<pk>/edit/": [
        Case("county's staff", allow(MANAGERS), pk="staff"),
        Case("other county's staff", allow({"admin"}), pk="other_staff"),
        missing(pk="missing"),
    ],
    "network/staff/<pk>/remove/": [
        Case("county's staff", allow(MANAGERS, 302), POST, pk="staff"),
        Case("other county's staff", allow({"admin"}, 302), POST, pk="other_staff"),
        missing(POST, pk="missing"),
    ],
    "network/points/": [Case("list", allow(ALL))],
    "network/points/<pk>/revoke/": [
        Case("province desk's point", allow({"admin"}, 200), POST, pk="point"),
        Case("other city's point", allow({"admin"}, 200), POST, pk="other_point"),
        missing(POST, pk="missing"),
    ],
    "network/desks/<pk>/settings/": [
        Case("city desk", allow(MANAGERS), pk="city_desk"),
        Case("province desk", allow({"admin"}), pk="province_desk"),
        missing(pk="missing"),
    ],
    "network/calendar/": [Case("2026", allow(ALL), query="year=2026"), Case("2030", allow(ALL), query="year=2030")],
    "network/import/": [Case("form", allow(MANAGERS))],
    "network/import/template.xlsx": [Case("template", allow(MANAGERS))],
    "network/export/roster.xlsx": [Case("export of what each may see", allow(ALL))],
    # --- items: the unit's side ---
    "items/": [Case("my items", allow(UNIT | {"outsider"}))],
    "items/new/": [Case("form", allow(UNIT | {"outsider"}))],
    "items/autosave/": [Case("first autosave", allow(UNIT | {"outsider"}, 400), POST)],
    "items/hints/": [Case("hints", allow(UNIT | {"outsider"}), POST, data={"title": "x", "body": ""})],
    "items/signoff/": [Case("queue", allow({"approver"}))],
    "items/<pk>/": [
        Case("county draft", allow(UNIT), pk="draft"),
        Case("内部 draft", allow(CLEARED_UNIT), pk="internal_draft"),
        Case("submitted", allow(UNIT), pk="sent"),
        Case("other county's draft", allow({"outsider"}), pk="other_draft"),
        missing(pk="missing"),
    ],
    "items/<pk>/edit/": [
        Case("county draft", allow(UNIT), pk="draft"),
        Case("内部 draft", allow(CLEARED_UNIT), pk="internal_draft"),
        Case("other county's draft", allow({"outsider"}), pk="other_draft"),
        missing(pk="missing"),
    ],
    "items/<pk>/autosave/": [
        Case("county draft", allow(UNIT, 400), POST, pk="draft"),
        Case("other county's draft", allow({"outsider"}, 400), POST, pk="other_draft"),
        missing(POST, pk="missing"),
    ],
    "items/<pk>/discard/": [
        Case("county draft", allow(UNIT, 302), POST, pk="spare_draft"),
        Case("other county's draft", allow({"outsider"}, 302), POST, pk="other_draft"),
        missing(POST, pk="missing"),
    ],
    "items/<pk>/signoff/": [
        Case("county draft", allow({"approver"}, 302), POST, pk="draft"),
        Case("other county's draft", NOBODY, POST, pk="other_draft"),
        missing(POST, pk="missing"),
    ],
    "items/<pk>/entries/<entry_pk>/diff/": [
        Case("the desk's edit", allow(UNIT), pk="sent", entry_pk="entry"),
        Case("another item's entry", NOBODY, pk="draft", entry_pk="entry"),
        Case("another unit's entry", allow({"outsider"}), pk="other_item", entry_pk="elsewhere_entry"),
        missing(pk="sent", entry_pk="missing"),
    ],
    "items/<pk>/attachments/<attachment_pk>/": [
        Case("draft's file", allow(UNIT), pk="draft", attachment_pk="draft_attachment"),
        Case("another item's file", NOBODY, pk="draft", attachment_pk="entry_attachment"),
        missing(pk="draft", attachment_pk="missing"),
    ],
    # --- items: the desk ---
    "desk/": [
        Case("inbox", allow(CITY_DESK)),
        Case("filters", allow(CITY_DESK),
             query="state=new&category=news&tone=positive&sort=urgency&unread=on&mine=on&tag=安全"),
        Case("bad filters", allow(CITY_DESK), query="received_from=2026-13-01&page=abc"),
    ],
    "desk/combine/": [
        Case("two of ours", allow(ACTORS, **dict.fromkeys(READERS, 403)), query="ids={entry},{entry2}"),
        Case("one elsewhere", NOBODY, query="ids={entry},{elsewhere_entry}"),
    ],
    "desk/entries/<pk>/": [
        Case("ours", allow(CITY_DESK), pk="entry"),
        Case("秘密", allow(CITY_DESK - {"duty_officer"}), pk="secret_entry"),
        Case("forwarded", allow(CITY_DESK), pk="forwarded_entry"),
        Case("province's of our forward", allow(CITY_DESK), pk="upper_entry"),
        Case("other city's", NOBODY, pk="elsewhere_entry"),
        missing(pk="missing"),
    ],
    "desk/entries/<pk>/edit/": [
        Case("ours", allow(CITY_DESK), pk="entry"),
        Case("ours, diff with the received text", allow(CITY_DESK), query="diff=received", pk="entry"),
        Case("秘密", allow(CITY_DESK - {"duty_officer"}), pk="secret_entry"),
        Case("other city's", NOBODY, pk="elsewhere_entry"),
        missing(pk="missing"),
    ],
    "desk/entries/<pk>/attachments/<attachment_pk>/": [
        Case("ours", allow(CITY_DESK), pk="entry", attachment_pk="entry_attachment"),
        Case("another entry's file", NOBODY, pk="entry2", attachment_pk="entry_attachment"),
        missing(pk="entry", attachment_pk="missing"),
    ],
    "desk/entries/<pk>/<action>/": [
        Case("preadopt ours", allow(ACTORS, 302, **dict.fromkeys(READERS, 403)), POST, pk="entry2",
             action="=preadopt"),
        Case("preadopt 秘密", allow(ACTORS, 302, leader=403), POST, pk="secret_entry", action="=preadopt"),
        Case("preadopt other city's", NOBODY, POST, pk="elsewhere_entry", action="=preadopt"),
        Case("unknown action", NOBODY, POST, pk="entry2", action="=nothing"),
        missing(POST, pk="missing", action="=preadopt"),
    ],
    "archive/": [Case("search", allow(ALL), query="q=东城"), Case("filter", allow(ALL), query="category=news")],
    # --- publications ---
    "publications/": [
        Case("list", allow(ALL)),
        Case("filters", allow(ALL), query="periodical={periodical}&year=2026&q=东城县"),
        Case("bad filters", allow(ALL), query="periodical=abc&year=x&page=zz"),
    ],
    "publications/periodicals/new/": [Case("form", allow({"desk_chief"}))],
    "publications/periodicals/<pk>/edit/": [
        Case("ours", allow({"desk_chief"}), pk="periodical"),
        Case("other city's", NOBODY, pk="other_periodical"),
        missing(pk="missing"),
    ],
    "publications/periodicals/<pk>/issues/new/": [
        Case("ours", allow(ACTORS, 302), POST, pk="periodical"),
        Case("other city's", NOBODY, POST, pk="other_periodical"),
        missing(POST, pk="missing"),
    ],
    "publications/issues/<pk>/": [
        Case("draft", allow(ACTORS), pk="draft_issue"),
        Case("awaiting sign-off", allow(ACTORS), pk="pending_issue"),
        Case("issued", allow(ISSUE_READERS), pk="issued_issue"),
        Case("other city's", NOBODY, pk="elsewhere_issue"),
        missing(pk="missing"),
    ],
    "publications/issues/<pk>/edit/": [
        Case("draft", allow(ACTORS), pk="draft_issue"),
        Case("awaiting sign-off", allow(ACTORS), pk="pending_issue"),
        Case("issued", allow(ACTORS), pk="issued_issue"),
        Case("other city's", NOBODY, pk="elsewhere_issue"),
        missing(pk="missing"),
    ],
    "publications/issues/<pk>/add/": [
        Case("draft, nothing chosen", allow(ACTORS, 400), POST, pk="draft_issue"),
        Case("other city's", NOBODY, POST, pk="elsewhere_issue"),
        missing(POST, pk="missing"),
    ],
    "publications/issues/<pk>/send/": [
        Case("draft", allow(ACTORS, 302), POST, pk="draft_issue"),
        Case("other city's", NOBODY, POST, pk="elsewhere_issue"),
        missing(POST, pk="missing"),
    ],
    "publications/issues/<pk>/sign/": [
        Case("awaiting sign-off", allow({"desk_chief"}, 302, editor=403), POST, pk="pending_issue"),
        Case("other city's", NOBODY, POST, pk="elsewhere_issue"),
        missing(POST, pk="missing"),
    ],
    "publications/issues/<pk>/return/": [
        Case("awaiting sign-off, no reason", allow({"desk_chief"}, 400, editor=403), POST, pk="pending_issue"),
        Case("other city's", NOBODY, POST, pk="elsewhere_issue"),
        missing(POST, pk="missing"),
    ],
    "publications/issues/<pk>/correct/": [
        Case("issued", allow(ACTORS, 302, **dict.fromkeys(ISSUE_READERS - ACTORS, 403)), POST, pk="issued_issue"),
        Case("other city's", NOBODY, POST, pk="elsewhere_issue"),
        missing(POST, pk="missing"),
    ],
    "publications/issues/<pk>/items/<item_pk>/": [
        Case("draft's item, empty form", allow(ACTORS, 400), POST, pk="draft_issue", item_pk="draft_issue_item"),
        Case("another issue's item", NOBODY, POST, pk="draft_issue", item_pk="issued_issue_item"),
        missing(POST, pk="missing", item_pk="draft_issue_item"),
    ],
    "publications/issues/<pk>/items/<item_pk>/move/": [
        Case("draft's item", allow(ACTORS, 302), POST, pk="draft_issue", item_pk="draft_issue_item"),
        Case("another issue's item", NOBODY, POST, pk="draft_issue", item_pk="issued_issue_item"),
        missing(POST, pk="missing", item_pk="draft_issue_item"),
    ],
    "publications/issues/<pk>/items/<item_pk>/remove/": [
        Case("draft's item", allow(ACTORS, 302), POST, pk="draft_issue", item_pk="draft_issue_item"),
        Case("another issue's item", NOBODY, POST, pk="draft_issue", item_pk="issued_issue_item"),
        missing(POST, pk="missing", item_pk="draft_issue_item"),
    ],
    "publications/issues/<pk>/export.docx": [
        Case("issued", allow(ISSUE_READERS), pk="issued_issue"),
        Case("draft", allow(ACTORS), pk="draft_issue"),
        Case("other city's", NOBODY, pk="elsewhere_issue"),
        missing(pk="missing"),
    ],
    "publications/issues/<pk>/export.pdf": [
        Case("draft", allow(ACTORS), pk="draft_issue"),
        Case("other city's", NOBODY, pk="elsewhere_issue"),
        missing(pk="missing"),
    ],
    # --- instructions and supervision ---
    "supervision/": [Case("list", allow(ALL)), Case("overdue", allow(ALL), query="due=overdue")],
    "supervision/record/entry/<entry_pk>/": [
        Case("our entry", allow(RECORDERS), entry_pk="entry"),
        Case("other city's entry", NOBODY, entry_pk="elsewhere_entry"),
        missing(entry_pk="missing"),
    ],
    "supervision/record/issue/<issue_pk>/": [
        Case("our issued issue", allow(RECORDERS), issue_pk="issued_issue"),
        Case("other city's issue", NOBODY, issue_pk="elsewhere_issue"),
        missing(issue_pk="missing"),
    ],
    "supervision/instructions/<pk>/": [
        Case("ours", allow(TASK_SEEING), pk="instruction"),
        missing(pk="missing"),
    ],
    "supervision/instructions/<pk>/tasks/": [
        Case("ours, empty form", allow(ACTORS, 400), POST, pk="instruction"),
        missing(POST, pk="missing"),
    ],
    "supervision/tasks/<pk>/": [Case("ours", allow(TASK_SEEING), pk="task"), missing(pk="missing")],
    "supervision/tasks/<pk>/report/": [
        Case("already reported", allow(TASK_SEEING, 400), POST, pk="task", data={"text": "已按要求办理。"}),
        missing(POST, pk="missing"),
    ],
    "supervision/tasks/<pk>/accept/": [
        Case("reported", allow(ACTORS, 302, **dict.fromkeys(TASK_SEEING - ACTORS, 403)), POST, pk="task",
             data={"version": "{task_version}"}),
        missing(POST, pk="missing"),
    ],
    "supervision/tasks/<pk>/return/": [
        Case("reported", allow(ACTORS, 302, **dict.fromkeys(TASK_SEEING - ACTORS, 403)), POST, pk="task",
             data={"version": "{task_version}", "reason": "请补充"}),
        missing(POST, pk="missing"),
    ],
    "supervision/tasks/<pk>/close/": [
        Case("reported, not yet accepted", allow(ACTORS, 400, **dict.fromkeys(TASK_SEEING - ACTORS, 403)), POST,
             pk="task", data={"version": "{task_version}"}),
        missing(POST, pk="missing"),
    ],
    "supervision/tasks/<pk>/extend/": [
        Case("reported", allow(ACTORS, 302, **dict.fromkeys(TASK_SEEING - ACTORS, 403)), POST, pk="task",
             data={"version": "{task_version}", "due_on": "{due}", "reason": "延期"}),
        missing(POST, pk="missing"),
    ],
    "supervision/tasks/<pk>/attachments/<attachment_pk>/": [
        Case("report's file", allow(TASK_SEEING), pk="task", attachment_pk="report_attachment"),
        Case("another task's file", NOBODY, pk="missing", attachment_pk="report_attachment"),
        missing(pk="task", attachment_pk="missing"),
    ],
    # --- notifications and audit ---
    "notifications/": [Case("centre", allow(ALL))],
    "notifications/<pk>/open/": [
        Case("the reporter's", allow({"reporter"}, 302), POST, pk="notification"),
        missing(POST, pk="missing"),
    ],
    "notifications/read-all/": [Case("all read", allow(ALL, 302), POST)],
    "notifications/latest/": [Case("drop-down", allow(ALL))],
    "audit/": [Case("log", allow({"admin"}))],
    "audit/export.xlsx": [Case("log as XLSX", allow({"admin"}))],
    # --- urgent information: pages ---
    "urgent/": [Case("board; a unit's users go to their incidents", allow(CITY_DESK, rest=302))],
    "urgent/board/data/": [Case("the board's clocks", allow(CITY_DESK))],
    "urgent/phone/": [Case("empty phone report", allow(URGENT_RECORDERS, 400), POST)],
    "urgent/incidents/": [Case("list", allow(ALL)), Case("closed", allow(ALL), query="state=closed")],
    "urgent/incidents/new/": [Case("form", allow(URGENT_RECORDERS))],
    "urgent/incidents/severity-hint/": [
        Case("hint", allow(CITY_DESK), query="incident_class=accident&deaths=3"),
    ],
    "urgent/incidents/<pk>/": [
        Case("ours", allow(INCIDENT_SEEING), pk="incident"),
        Case("other city's: its county's reporter", allow({"outsider"}), pk="elsewhere_incident"),
        missing(pk="missing"),
    ],
    "urgent/incidents/<pk>/correct/": [
        Case("ours, empty form", allow(URGENT_RECORDERS, 400), POST, pk="incident"),
        Case("other city's", NOBODY, POST, pk="elsewhere_incident"),
        missing(POST, pk="missing"),
    ],
    "urgent/incidents/<pk>/units/": [
        Case("ours, empty form", allow(URGENT_RECORDERS, 400), POST, pk="incident"),
        Case("other city's", NOBODY, POST, pk="elsewhere_incident"),
        missing(POST, pk="missing"),
    ],
    "urgent/incidents/<pk>/reports/": [
        Case("ours, empty form", allow(CLEARED_UNIT, 400), POST, pk="incident"),
        Case("other city's: its county's reporter", allow({"outsider"}, 400), POST, pk="elsewhere_incident"),
        missing(POST, pk="missing"),
    ],
    "urgent/settings/": [Case("the desk's limits", allow({"desk_chief", "admin"}))],
}

PATCH, PUT, DELETE = "patch", "put", "delete"
A = "api/v1/"

# API writes are sent with an empty body unless a case gives one. A persona who sees the
# object may then get the validation error (400) before the role check: nothing leaks, as
# the object is visible; each app's API tests check the role with valid bodies.
# --- scoring: rule sets, penalties, reversals (scoring/urls_rules.py) ---
RULE_READERS = CITY_DESK | {"admin"}
RULE_ONLY_READ = CITY_DESK - {"desk_chief"}
PAGES |= {
    "scoring/rules/": [Case("the desk's versions", allow(RULE_READERS))],
    "scoring/rules/new/": [Case("form", allow(MANAGERS, **dict.fromkeys(RULE_ONLY_READ, 403)))],
    "scoring/rules/<pk>/": [
        Case("city desk's", allow(RULE_READERS), pk="rule_set"),
        Case("other city's", allow({"admin"}), pk="other_rule_set"),
        missing(pk="missing"),
    ],
    "scoring/rules/<pk>/edit/": [
        Case("draft", allow(MANAGERS, **dict.fromkeys(RULE_ONLY_READ, 403)), pk="rule_draft"),
        Case("other city's (active: back to it)", allow({"admin"}, 302), pk="other_rule_set"),
        missing(pk="missing"),
    ],
    "scoring/rules/<pk>/publish/": [
        Case("confirm", allow(MANAGERS, **dict.fromkeys(RULE_ONLY_READ, 403)), pk="rule_draft"),
        Case("other city's", allow({"admin"}), pk="other_rule_set"),
        missing(pk="missing"),
    ],
    "scoring/rules/<pk>/correct/": [
        Case("active", allow(MANAGERS, 302, **dict.fromkeys(RULE_ONLY_READ, 403)), POST, pk="rule_set"),
        Case("other city's", allow({"admin"}, 302), POST, pk="other_rule_set"),
        missing(POST, pk="missing"),
    ],
    "scoring/rules/<pk>/copy/": [
        Case("form", allow(MANAGERS, **dict.fromkeys(RULE_ONLY_READ, 403)), pk="rule_set"),
        Case("other city's", allow({"admin"}), pk="other_rule_set"),
        missing(pk="missing"),
    ],
    "scoring/rules/<pk>/preview/": [
        Case("form", allow(RULE_READERS), pk="rule_draft"),
        Case("other city's", allow({"admin"}), pk="other_rule_set"),
        missing(pk="missing"),
    ],
    "scoring/rules/penalties/": [Case("the desk's penalties", allow(RULE_READERS))],
    "scoring/entries/<pk>/reverse/": [
        Case("confirm", allow(MANAGERS, **dict.fromkeys(RULE_ONLY_READ, 403)), pk="score_entry"),
        Case("other city's", allow({"admin"}), pk="other_score_entry"),
        missing(pk="missing"),
    ],
}

# --- scoring: rankings (scoring/urls_rankings.py) ---
PAGES |= {
    "scoring/": [
        Case("the own desk's ranking", allow(RULE_READERS)),
        Case("the own desk by id", allow(RULE_READERS), query="desk={city_desk}"),
        Case("the province desk: another desk", allow({"admin"}), query="desk={province_desk}"),
        Case("a bad period", allow(RULE_READERS, 400), query="period=2026-13"),
    ],
    "scoring/rankings.xlsx": [
        Case("the own desk's workbook", allow(RULE_READERS), query="period=2026-11"),
        Case("the province desk: another desk", allow({"admin"}), query="desk={province_desk}"),
    ],
}

# --- scoring: appraisal (scoring/urls_appraisal.py) ---
CONFIRMERS_OR_403 = dict.fromkeys(RULE_ONLY_READ, 403)  # the desk's staff read; its chief and admins confirm
APPRAISAL_TERMS = {"year": "2026", "top": "15", "threshold": "12"}
PAGES |= {
    "scoring/appraisal/": [
        Case("the city desk's proposals", allow(RULE_READERS)),
        Case("bad year", allow(RULE_READERS, 400), query="year=abc"),
        Case("the province desk's", allow({"admin"}), query="desk={province_desk}"),
    ],
    "scoring/appraisal/confirm/": [
        Case("an empty form", allow(MANAGERS, 400, **CONFIRMERS_OR_403), POST),
        Case("the lists", allow(MANAGERS, 302, **CONFIRMERS_OR_403), POST,
             data={"desk": "{city_desk}", **APPRAISAL_TERMS}),
        Case("the province desk's", allow({"admin"}, 302), POST, data={"desk": "{province_desk}", **APPRAISAL_TERMS}),
    ],
    "scoring/appraisal/export.xlsx": [
        Case("the city desk's", allow(RULE_READERS)),
        Case("the province desk's", allow({"admin"}), query="desk={province_desk}"),
    ],
    "scoring/appraisal/export.docx": [
        Case("the city desk's", allow(RULE_READERS)),
        Case("the province desk's", allow({"admin"}), query="desk={province_desk}"),
    ],
}

# --- scoring: circulars (scoring/urls_circulars.py) ---
# The city's issued circular reaches the county (reporter, approver, no_clearance: a
# circular carries no classified content); drafts stay at the desk. Acting on a circular
# one sees but may not act on is 403; the duty officer, leader and admin read only.
CIRCULAR_READERS = CITY_DESK | {"admin"} | UNIT
DESK_READERS = CITY_DESK | {"admin"}
NOT_DRAFTERS = {"duty_officer": 403, "leader": 403, "admin": 403}
NOT_SIGNERS = {"editor": 403, **NOT_DRAFTERS}
PAGES |= {
    "scoring/circulars/": [Case("the desk's, or those sent to the unit", allow(ALL))],
    "scoring/circulars/new/": [Case("form", allow(ACTORS, rest=403))],
    "scoring/circulars/<pk>/": [
        Case("issued: the desk and the network", allow(CIRCULAR_READERS), pk="circular"),
        Case("draft: the desk", allow(DESK_READERS), pk="circular_draft"),
        Case("other city's", allow({"admin", "outsider"}), pk="other_circular"),
        missing(pk="missing"),
    ],
    "scoring/circulars/<pk>/edit/": [
        Case("draft", allow(ACTORS, **NOT_DRAFTERS), pk="circular_draft"),
        Case("other city's", allow((), admin=403, outsider=403), pk="other_circular"),
        missing(pk="missing"),
    ],
    "scoring/circulars/<pk>/submit/": [
        Case("draft", allow(ACTORS, 302, **NOT_DRAFTERS), POST, pk="circular_draft",
             data={"version": "{circular_version}"}),
        Case("issued: no longer (400), the network may not (403)",
             allow((), **{**dict.fromkeys(CIRCULAR_READERS, 403), "editor": 400, "desk_chief": 400}), POST,
             pk="circular"),
        missing(POST, pk="missing"),
    ],
    "scoring/circulars/<pk>/return/": [
        Case("pending", allow({"desk_chief"}, 302, **NOT_SIGNERS), POST, pk="circular_pending",
             data={"reason": "再核"}),
        missing(POST, pk="missing"),
    ],
    "scoring/circulars/<pk>/sign/": [
        Case("pending", allow({"desk_chief"}, 302, **NOT_SIGNERS), POST, pk="circular_pending"),
        Case("other city's", allow((), admin=403, outsider=403), POST, pk="other_circular"),
        missing(POST, pk="missing"),
    ],
    "scoring/circulars/<pk>/issue/": [
        Case("signed", allow({"desk_chief"}, 302, **NOT_SIGNERS), POST, pk="circular_signed"),
        missing(POST, pk="missing"),
    ],
    "scoring/circulars/<pk>/export.docx": [
        Case("issued", allow(CIRCULAR_READERS), pk="circular"),
        Case("draft", allow(DESK_READERS), pk="circular_draft"),
        missing(pk="missing"),
    ],
    "scoring/circulars/<pk>/export.xlsx": [
        Case("issued", allow(CIRCULAR_READERS), pk="circular"),
        Case("other city's", allow({"admin", "outsider"}), pk="other_circular"),
        missing(pk="missing"),
    ],
}

API: dict[str, list[Case]] = {
    A: [Case("root", api(ALL))],
    A + "auth/token/": [
        Case("no password", api(ALL, 400, anon=400), POST),
        Case("revoke", api(ALL, 204), DELETE),
    ],
    A + "me/": [Case("me", api(ALL))],
    A + "schema/": [Case("schema", api(ALL))],
    A + "docs/": [Case("swagger", api(ALL))],
    A + "calendar/working-days/": [Case("range", api(ALL), query="start=2026-01-05&end=2026-01-09")],
    A + "search/": [Case("search", api(ALL), query="q=东城")],
    # --- network ---
    A + "units/": [Case("list", api(ALL)), Case("create, empty body", api(ALL, 400), POST)],
    A + "units/<pk>/": [
        Case("county", api(ALL - {"outsider"}), pk="county"),
        Case("other city's county", api({"admin", "outsider"}), pk="other_county"),
        api_missing(pk="missing"),
        Case("update county", api(ALL - {"outsider"}, 400), PUT, pk="county"),
        Case("update other", api({"admin", "outsider"}, 400), PUT, pk="other_county"),
        api_missing(PUT, pk="missing"),
        Case("patch county", api(ALL - {"outsider"}, 400), PATCH, pk="county"),
        Case("patch other", api({"admin", "outsider"}, 400), PATCH, pk="other_county"),
        api_missing(PATCH, pk="missing"),
    ],
    A + "units/<pk>/deactivate/": [
        Case("county", api(ALL - {"outsider"}, 400), POST, pk="county"),
        Case("other city's county", api({"admin", "outsider"}, 400), POST, pk="other_county"),
        api_missing(POST, pk="missing"),
    ],
    A + "units/<pk>/move/": [
        Case("county", api(ALL - {"outsider"}, 400), POST, pk="county"),
        Case("other city's county", api({"admin", "outsider"}, 400), POST, pk="other_county"),
        api_missing(POST, pk="missing"),
    ],
    A + "units/<pk>/reactivate/": [
        Case("county", api(MANAGERS, 409, rest=403, outsider=404), POST, pk="county"),
        Case("other city's county", api({"admin"}, 409, rest=404, outsider=403), POST, pk="other_county"),
        api_missing(POST, pk="missing"),
    ],
    A + "desks/": [Case("list", api(ALL))],
    A + "desks/<pk>/": [
        Case("city desk", api(ALL - {"outsider"}), pk="city_desk"),
        api_missing(pk="missing"),
        Case("patch city desk", api(MANAGERS, rest=403, outsider=404), PATCH, pk="city_desk"),
        api_missing(PATCH, pk="missing"),
    ],
    A + "points/": [Case("list", api(ALL)), Case("admit", api(ALL, 400), POST)],
    A + "points/<pk>/": [Case("province point", api(ALL - {"outsider"}), pk="point"), api_missing(pk="missing")],
    A + "points/<pk>/revoke/": [
        Case("province point", api(ALL - {"outsider"}, 400), POST, pk="point"),
        api_missing(POST, pk="missing"),
    ],
    A + "staff/": [Case("list", api(ALL)), Case("add", api(ALL, 400), POST)],
    A + "staff/<pk>/": [
        Case("county's", api(ALL - {"outsider"}), pk="staff"),
        Case("other county's", api({"admin", "outsider"}), pk="other_staff"),
        api_missing(pk="missing"),
        Case("update county's", api(ALL - {"outsider"}, 400), PUT, pk="staff"),
        api_missing(PUT, pk="missing"),
        Case("patch county's", api(MANAGERS, rest=403, outsider=404), PATCH, pk="staff"),
        api_missing(PATCH, pk="missing"),
        Case("remove county's", api(MANAGERS, 204, rest=403, outsider=404), DELETE, pk="staff"),
        Case("remove other's", api({"admin"}, 204, rest=404, outsider=403), DELETE, pk="other_staff"),
        api_missing(DELETE, pk="missing"),
    ],
    A + "quotas/": [Case("list", api(ALL))],
    A + "quotas/<pk>/": [
        Case("city desk's", api(ALL - {"outsider"}), pk="quota"),
        Case("other city's", api({"admin", "outsider"}), pk="other_quota"),
        api_missing(pk="missing"),
    ],
    A + "calendar/days/": [Case("list", api(ALL))],
    # --- items ---
    A + "items/": [Case("list", api(ALL)), Case("create", api(UNIT | {"outsider"}, 201, rest=403), POST)],
    # Create and submit at once: an empty item is created and refused in one transaction (nothing kept).
    A + "items/submit/": [Case("empty item", api(UNIT | {"outsider"}, 409, rest=403), POST)],
    A + "items/<pk>/": [
        Case("county draft", api(UNIT), pk="draft"),
        Case("内部 draft", api(CLEARED_UNIT), pk="internal_draft"),
        Case("other county's draft", api({"outsider"}), pk="other_draft"),
        api_missing(pk="missing"),
        Case("patch county draft", api(UNIT, 400), PATCH, pk="draft"),
        Case("patch other's draft", api({"outsider"}, 400), PATCH, pk="other_draft"),
        api_missing(PATCH, pk="missing"),
        Case("discard county draft", api(UNIT, 204), DELETE, pk="spare_draft"),
        Case("discard other's draft", api({"outsider"}, 204), DELETE, pk="other_draft"),
        api_missing(DELETE, pk="missing"),
    ],
    A + "items/<pk>/attachments/": [
        Case("county draft", api(UNIT, 415), POST, pk="draft"),
        Case("other county's draft", api({"outsider"}, 415), POST, pk="other_draft"),
        api_missing(POST, pk="missing"),
    ],
    A + "items/<pk>/attachments/<attachment_id>/": [
        Case("draft's file", api(UNIT, 204), DELETE, pk="spare_draft", attachment_id="spare_attachment"),
        Case("another item's file", API_NOBODY, DELETE, pk="draft", attachment_id="entry_attachment"),
        api_missing(DELETE, pk="missing", attachment_id="draft_attachment"),
    ],
    A + "items/<pk>/feedback/": [
        Case("submitted", api(UNIT), pk="sent"),
        Case("other county's", api({"outsider"}), pk="other_item"),
        api_missing(pk="missing"),
    ],
    A + "items/<pk>/request-signoff/": [
        Case("county draft", api(UNIT), POST, pk="draft"),
        Case("other county's draft", api({"outsider"}), POST, pk="other_draft"),
        api_missing(POST, pk="missing"),
    ],
    A + "items/<pk>/return-signoff/": [
        Case("county draft", api(UNIT, 400), POST, pk="draft"),
        Case("other county's draft", api({"outsider"}, 400), POST, pk="other_draft"),
        api_missing(POST, pk="missing"),
    ],
    A + "items/<pk>/signoff/": [
        Case("county draft", api(UNIT, 409), POST, pk="draft"),
        Case("other county's draft", api({"outsider"}, 409), POST, pk="other_draft"),
        api_missing(POST, pk="missing"),
    ],
    A + "items/<pk>/submit/": [
        Case("county draft", api(UNIT, 201), POST, pk="draft"),
        Case("other county's draft", api({"outsider"}, 201), POST, pk="other_draft"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/": [Case("inbox", api(ALL))],
    A + "entries/combine/": [Case("nothing chosen", api(ALL, 400), POST)],
    A + "entries/<pk>/": [
        Case("ours", api(CITY_DESK), pk="entry"),
        Case("秘密", api(CITY_DESK - {"duty_officer"}), pk="secret_entry"),
        Case("other city's", api(()), pk="elsewhere_entry"),
        api_missing(pk="missing"),
    ],
    A + "entries/<pk>/versions/": [
        Case("ours", api(CITY_DESK), pk="entry"),
        Case("other city's", api(()), pk="elsewhere_entry"),
        api_missing(pk="missing"),
    ],
}

API |= {
    A + "entries/<pk>/adoptions/": [
        Case("ours", api(CITY_DESK, 400), POST, pk="entry2"),
        Case("秘密", api(RECORDERS, 400), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/assign/": [
        Case("ours", api(CITY_DESK, 400), POST, pk="entry2"),
        Case("秘密", api(RECORDERS, 400), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/duplicate/": [
        Case("ours", api(CITY_DESK, 400), POST, pk="entry2"),
        Case("秘密", api(RECORDERS, 400), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/edit/": [
        Case("ours", api(CITY_DESK, 400), POST, pk="entry2"),
        Case("秘密", api(RECORDERS, 400), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/forward/": [
        Case("ours", api(ACTORS, 409, duty_officer=403, leader=403), POST, pk="entry2"),
        Case("秘密", api(ACTORS, 409, leader=403), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/major-event/": [
        Case("ours", api(CITY_DESK, 400), POST, pk="entry2"),
        Case("秘密", api(RECORDERS, 400), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/not-adopt/": [
        Case("ours", api(CITY_DESK, 400), POST, pk="entry2"),
        Case("秘密", api(RECORDERS, 400), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/open/": [
        Case("ours", api(CITY_DESK), POST, pk="entry2"),
        Case("秘密", api(RECORDERS), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/preadopt/": [
        Case("ours", api(ACTORS, duty_officer=403, leader=403), POST, pk="entry2"),
        Case("秘密", api(ACTORS, leader=403), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/reconsider/": [
        Case("ours", api(ACTORS, 409, duty_officer=403, leader=403), POST, pk="entry2"),
        Case("秘密", api(ACTORS, 409, leader=403), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/return/": [
        Case("ours", api(CITY_DESK, 400), POST, pk="entry2"),
        Case("秘密", api(RECORDERS, 400), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/verifications/": [
        Case("ours", api(CITY_DESK, 400), POST, pk="entry2"),
        Case("秘密", api(RECORDERS, 400), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
    A + "entries/<pk>/verifications/<verification_id>/close/": [
        Case("ours", api(CITY_DESK, 400), POST, pk="entry2",
             verification_id="verification"),
        Case("another entry's", API_NOBODY, POST, pk="entry", verification_id="verification"),
        Case("other city's", api(()), POST, pk="elsewhere_entry",
             verification_id="elsewhere_verification"),
        api_missing(POST, pk="entry2", verification_id="missing"),
    ],
    A + "adoptions/": [Case("list", api(ALL))],
    A + "adoptions/<pk>/": [Case("issued", api(CITY_DESK | UNIT), pk="adoption"), api_missing(pk="missing")],
    A + "notifications/": [Case("list", api(ALL))],
    A + "notifications/mark-read/": [Case("all", api(ALL), POST)],
    # --- instructions and supervision ---
    A + "instructions/": [Case("list", api(ALL)), Case("record", api(ALL, 400), POST)],
    A + "instructions/<pk>/": [Case("ours", api(TASK_SEEING), pk="instruction"), api_missing(pk="missing")],
    A + "instructions/<pk>/tasks/": [
        Case("ours", api(TASK_SEEING, 400), POST, pk="instruction"),
        api_missing(POST, pk="missing"),
    ],
    A + "supervision-tasks/": [Case("list", api(ALL))],
    A + "supervision-tasks/<pk>/": [Case("ours", api(TASK_SEEING), pk="task"), api_missing(pk="missing")],
    A + "supervision-tasks/<pk>/reports/": [
        Case("ours", api(TASK_SEEING, 415), POST, pk="task"),
        api_missing(POST, pk="missing"),
    ],
    A + "supervision-tasks/<pk>/reports/<report_id>/attachments/<attachment_id>/": [
        Case("report's file", api(TASK_SEEING), pk="task", report_id="report", attachment_id="report_attachment"),
        Case("missing report", API_NOBODY, pk="task", report_id="missing", attachment_id="report_attachment"),
        api_missing(pk="missing", report_id="report", attachment_id="report_attachment"),
    ],
}
API |= {
    A + "supervision-tasks/<pk>/accept/": [
        Case("ours", api(TASK_SEEING - {"desk_chief", "editor"}, 403, editor=200, desk_chief=200), POST, pk="task"),
        api_missing(POST, pk="missing"),
    ],
    A + "supervision-tasks/<pk>/close/": [
        Case("ours", api(ACTORS, 409, **dict.fromkeys(TASK_SEEING - ACTORS, 403)), POST, pk="task"),
        api_missing(POST, pk="missing"),
    ],
    A + "supervision-tasks/<pk>/extend/": [
        Case("ours", api(TASK_SEEING, 400), POST, pk="task"),
        api_missing(POST, pk="missing"),
    ],
    A + "supervision-tasks/<pk>/return/": [
        Case("ours", api(TASK_SEEING, 400), POST, pk="task"),
        api_missing(POST, pk="missing"),
    ],
    # --- publications ---
    A + "periodicals/": [Case("list", api(ALL)), Case("create", api(CITY_DESK, 400, rest=403), POST)],
    A + "periodicals/<pk>/": [
        Case("ours", api(CITY_DESK), pk="periodical"),
        Case("other city's", API_NOBODY, pk="other_periodical"),
        api_missing(pk="missing"),
        Case("patch ours", api(CITY_DESK - {"desk_chief"}, 403, desk_chief=200), PATCH, pk="periodical"),
        Case("patch other city's", API_NOBODY, PATCH, pk="other_periodical"),
        api_missing(PATCH, pk="missing"),
    ],
    A + "issues/": [Case("list", api(ALL)), Case("create", api(ALL, 400), POST)],
    A + "issues/<pk>/": [
        Case("draft", api(ACTORS), pk="draft_issue"),
        Case("issued", api(ISSUE_READERS), pk="issued_issue"),
        Case("other city's", API_NOBODY, pk="elsewhere_issue"),
        api_missing(pk="missing"),
        Case("patch draft", api(ACTORS, 400), PATCH, pk="draft_issue"),
        Case("patch other city's", API_NOBODY, PATCH, pk="elsewhere_issue"),
        api_missing(PATCH, pk="missing"),
    ],
    A + "issues/<pk>/entries/": [
        Case("draft", api(ACTORS, 400), POST, pk="draft_issue"),
        api_missing(POST, pk="missing"),
    ],
    A + "issues/<pk>/export/docx/": [
        Case("issued", api(ISSUE_READERS), pk="issued_issue"),
        Case("other city's", API_NOBODY, pk="elsewhere_issue"),
        api_missing(pk="missing"),
    ],
    A + "issues/<pk>/export/pdf/": [
        Case("other city's", API_NOBODY, pk="elsewhere_issue"),
        api_missing(pk="missing"),
    ],
    A + "issues/<pk>/items/<item_id>/": [
        Case("patch draft's item", api(ACTORS), PATCH, pk="draft_issue", item_id="draft_issue_item"),
        Case("patch another issue's item", API_NOBODY, PATCH, pk="draft_issue", item_id="issued_issue_item"),
        api_missing(PATCH, pk="missing", item_id="draft_issue_item"),
        Case("remove draft's item", api(ACTORS, 204), DELETE, pk="draft_issue", item_id="draft_issue_item"),
        api_missing(DELETE, pk="draft_issue", item_id="missing"),
    ],
    A + "issues/<pk>/items/<item_id>/move/": [
        Case("draft's item", api(ACTORS, 400), POST, pk="draft_issue", item_id="draft_issue_item"),
        api_missing(POST, pk="missing", item_id="draft_issue_item"),
    ],
    A + "issues/<pk>/read/": [
        Case("issued", api(ISSUE_READERS, 204), POST, pk="issued_issue"),
        api_missing(POST, pk="missing"),
    ],
    A + "issues/<pk>/reads/": [
        Case("issued", api(CITY_DESK, reporter=403, approver=403), pk="issued_issue"),
        api_missing(pk="missing"),
    ],
    A + "issues/<pk>/send/": [
        Case("draft", api(ACTORS), POST, pk="draft_issue"),
        api_missing(POST, pk="missing"),
    ],
    A + "issues/<pk>/sign/": [
        Case("awaiting sign-off", api({"desk_chief"}, rest=404, editor=403), POST, pk="pending_issue"),
        api_missing(POST, pk="missing"),
    ],
    A + "issues/<pk>/return/": [
        Case("awaiting sign-off", api(ACTORS, 400), POST, pk="pending_issue"),
        api_missing(POST, pk="missing"),
    ],
}

# --- scoring: rankings (scoring/api/rankings.py) ---
API |= {
    A + "rankings/": [
        Case("the own desk", api(RULE_READERS)),
        Case("the own desk by id", api(RULE_READERS), query="desk={city_desk}&period=2026-11"),
        Case("the province desk: another desk", api({"admin"}), query="desk={province_desk}"),
        Case("a bad period (before the desk)", api(ALL, 400), query="period=2026-13"),
    ],
}

# --- scoring: rule sets, penalties, reversals (scoring/api/rules.py) ---
API |= {
    A + "rule-sets/": [
        Case("list (empty for the rest)", api(ALL)),
        Case("create: an empty body", api(ALL, 400), POST),
    ],
    A + "rule-sets/<pk>/": [
        Case("city desk's", api(RULE_READERS), pk="rule_set"),
        Case("other city's", api({"admin"}), pk="other_rule_set"),
        api_missing(pk="missing"),
        Case("update: an empty body", api(RULE_READERS, 400), "patch", pk="rule_draft"),
        api_missing("patch", pk="missing"),
    ],
    A + "rule-sets/<pk>/publish/": [
        Case("draft", api(MANAGERS, **dict.fromkeys(RULE_ONLY_READ, 403)), POST, pk="rule_draft"),
        api_missing(POST, pk="missing"),
    ],
    A + "rule-sets/<pk>/correct/": [
        Case("active", api(MANAGERS, 201, **dict.fromkeys(RULE_ONLY_READ, 403)), POST, pk="rule_set"),
        Case("other city's", api({"admin"}, 201), POST, pk="other_rule_set"),
        api_missing(POST, pk="missing"),
    ],
    A + "rule-sets/<pk>/copy/": [
        Case("an empty body", api(RULE_READERS, 400), POST, pk="rule_set"),
        Case("a date", api(MANAGERS, 201, **dict.fromkeys(RULE_ONLY_READ, 403)), POST, pk="rule_set",
             data={"valid_from": "2027-01-01"}),
        api_missing(POST, pk="missing"),
    ],
    A + "rule-sets/<pk>/preview/": [
        Case("no events", api(RULE_READERS), POST, pk="rule_draft"),
        Case("other city's", api({"admin"}), POST, pk="other_rule_set"),
        api_missing(POST, pk="missing"),
    ],
    A + "penalties/": [
        Case("list (empty for the rest)", api(ALL)),
        Case("record: an empty body", api(ALL, 400), POST),
    ],
    A + "score-entries/<pk>/reverse/": [
        Case("an empty body", api(RULE_READERS, 400), POST, pk="score_entry"),
        Case("with a reason", api(MANAGERS, 201, **dict.fromkeys(RULE_ONLY_READ, 403)), POST, pk="score_entry",
             data={"reason": "误记"}),
        Case("other city's", api({"admin"}, 201), POST, pk="other_score_entry", data={"reason": "误记"}),
        api_missing(POST, pk="missing"),
    ],
}

# --- scoring: ledger, traces, 我的得分, 撤销采用 (scoring/urls_ledger.py, scoring/api/ledger.py) ---
PAGES |= {
    "scoring/ledger/": [
        Case("the desk's ledger", allow(RULE_READERS)),
        Case("filters", allow(RULE_READERS), query="start=2026-11-01&end=2026-11-30&kind=false_item&status=live"),
        Case("another desk (admin chooses)", allow({"admin"}), query="desk={other_city_desk}"),
    ],
    "scoring/entries/<pk>/": [
        Case("city desk's entry for the county", allow(RULE_READERS | UNIT), pk="score_entry"),
        Case("other city's", allow({"admin", "outsider"}), pk="other_score_entry"),
        missing(pk="missing"),
    ],
    "scoring/mine/": [Case("the unit's points", allow(UNIT | {"outsider"}, rest=403))],
}
API |= {
    A + "score-entries/": [
        Case("list (empty for the rest)", api(ALL)),
        Case("filters", api(ALL), query="on_from=2026-11-01&on_to=2026-11-30&kind=false_item&status=live&unit=1"),
        Case("a bad filter", api(ALL, 400), query="status=nothing"),
    ],
    A + "score-entries/<pk>/": [
        Case("city desk's", api(RULE_READERS), pk="score_entry"),
        Case("other city's", api({"admin"}), pk="other_score_entry"),
        api_missing(pk="missing"),
    ],
    A + "my-scores/": [
        Case("the unit's points", api(UNIT | {"outsider"}, rest=403)),
        Case("a bad year", api(UNIT | {"outsider"}, 400, rest=403), query="year=abc"),
    ],
    A + "entries/<pk>/withdraw-adoption/": [
        Case("ours, an empty body", api(CITY_DESK, 400), POST, pk="entry2"),
        Case("秘密", api(RECORDERS, 400), POST, pk="secret_entry"),
        Case("other city's", api(()), POST, pk="elsewhere_entry"),
        api_missing(POST, pk="missing"),
    ],
}

# --- scoring: appraisal (scoring/api/appraisal.py) ---
APPRAISAL_BODY = {"year": 2026, "top": 15, "threshold": "12", "commend": [], "revoke": []}
API |= {
    A + "appraisal/<desk>/": [
        Case("the city desk's", api(RULE_READERS), desk="city_desk"),
        Case("bad year", api(RULE_READERS, 400), query="year=abc", desk="city_desk"),
        Case("the province desk's", api({"admin"}), desk="province_desk"),
        api_missing(desk="missing"),
    ],
    A + "appraisal/<desk>/confirm/": [
        Case("an empty body", api(MANAGERS, 400, **CONFIRMERS_OR_403), POST, desk="city_desk"),
        Case("the lists", api(MANAGERS, 201, **CONFIRMERS_OR_403), POST, desk="city_desk", data=APPRAISAL_BODY),
        Case("the province desk's", api({"admin"}, 201), POST, desk="province_desk", data=APPRAISAL_BODY),
        api_missing(POST, desk="missing"),
    ],
    A + "appraisal/<desk>/export/xlsx/": [
        Case("the city desk's", api(RULE_READERS), desk="city_desk"),
        Case("the province desk's", api({"admin"}), desk="province_desk"),
        api_missing(desk="missing"),
    ],
    A + "appraisal/<desk>/export/docx/": [
        Case("the city desk's", api(RULE_READERS), desk="city_desk"),
        Case("the province desk's", api({"admin"}), desk="province_desk"),
        api_missing(desk="missing"),
    ],
}

# --- scoring: circulars (scoring/api/circulars.py) ---
API |= {
    A + "circulars/": [
        Case("the desk's, or those sent to the unit", api(ALL)),
        Case("generate: an empty body", api(ALL, 400), POST),
    ],
    A + "circulars/<pk>/": [
        Case("issued: the desk and the network", api(CIRCULAR_READERS), pk="circular"),
        Case("draft: the desk", api(DESK_READERS), pk="circular_draft"),
        Case("other city's", api({"admin", "outsider"}), pk="other_circular"),
        api_missing(pk="missing"),
        Case("update: an empty body", api(DESK_READERS, 400), PATCH, pk="circular_draft"),
        api_missing(PATCH, pk="missing"),
    ],
    A + "circulars/<pk>/submit/": [
        Case("draft", api(ACTORS, **NOT_DRAFTERS), POST, pk="circular_draft"),
        api_missing(POST, pk="missing"),
    ],
    A + "circulars/<pk>/return/": [
        Case("an empty body", api(DESK_READERS, 400), POST, pk="circular_pending"),
        Case("with a reason", api({"desk_chief"}, **NOT_SIGNERS), POST, pk="circular_pending",
             data={"reason": "再核"}),
        api_missing(POST, pk="missing"),
    ],
    A + "circulars/<pk>/sign/": [
        Case("pending", api({"desk_chief"}, **NOT_SIGNERS), POST, pk="circular_pending"),
        api_missing(POST, pk="missing"),
    ],
    A + "circulars/<pk>/issue/": [
        Case("signed", api({"desk_chief"}, **NOT_SIGNERS), POST, pk="circular_signed"),
        Case("other city's", api((), admin=403, outsider=403), POST, pk="other_circular"),
        api_missing(POST, pk="missing"),
    ],
    A + "circulars/<pk>/read/": [
        Case("issued", api(CIRCULAR_READERS, 204), POST, pk="circular"),
        api_missing(POST, pk="missing"),
    ],
    A + "circulars/<pk>/reads/": [
        Case("issued: the desk only", api(DESK_READERS, **dict.fromkeys(UNIT, 403)), pk="circular"),
        api_missing(pk="missing"),
    ],
    A + "circulars/<pk>/export/docx/": [
        Case("issued", api(CIRCULAR_READERS), pk="circular"),
        api_missing(pk="missing"),
    ],
    A + "circulars/<pk>/export/xlsx/": [
        Case("draft", api(DESK_READERS), pk="circular_draft"),
        api_missing(pk="missing"),
    ],
}

# --- urgent information: findings and statistics (urgent/urls_findings.py, urls_stats.py, api/findings.py) ---
# The city desk's staff see its findings; the county's cleared reporters and approvers see them once decided;
# only the desk chief decides (the editor, duty officer and leader see the finding: 403); the duty officer,
# editor and chief record 漏报/瞒报/谎报 on an incident of their desk.
FINDING_DECIDED = CITY_DESK | CLEARED_UNIT
NOT_CHIEF = {"editor": 403, "duty_officer": 403, "leader": 403}
RECORD_FINDINGS = {"editor", "desk_chief", "duty_officer"}
DECIDE = {"version": 1, "reason": "属实"}
PAGES |= {
    "urgent/findings/": [Case("the desk's and the unit's", allow(ALL)),
                         Case("filters", allow(ALL), query="state=proposed&kind=late")],
    "urgent/findings/<pk>/": [
        Case("proposed: the desk", allow(CITY_DESK), pk="finding"),
        Case("confirmed: the desk and the unit", allow(FINDING_DECIDED), pk="finding_confirmed"),
        missing(pk="missing"),
    ],
    "urgent/findings/<pk>/confirm/": [
        Case("proposed", allow({"desk_chief"}, 302, **NOT_CHIEF), POST, pk="finding",
             data={"confirm-version": "1", "confirm-reason": "属实"}),
        Case("already confirmed", allow((), desk_chief=400, **NOT_CHIEF, reporter=403, approver=403), POST,
             pk="finding_confirmed", data={"confirm-version": "2", "confirm-reason": "属实"}),
        missing(POST, pk="missing"),
    ],
    "urgent/findings/<pk>/dismiss/": [
        Case("proposed", allow({"desk_chief"}, 302, **NOT_CHIEF), POST, pk="finding",
             data={"dismiss-version": "1", "dismiss-reason": "误报"}),
        missing(POST, pk="missing"),
    ],
    "urgent/findings/<pk>/circular.docx": [
        Case("confirmed", allow(FINDING_DECIDED), pk="finding_confirmed"),
        Case("proposed: no circular yet", NOBODY, pk="finding"),
        missing(pk="missing"),
    ],
    "urgent/findings/<pk>/files/<file_pk>/": [
        Case("evidence: the desk", allow(CITY_DESK), pk="finding_recorded", file_pk="finding_file"),
        Case("another finding's file", NOBODY, pk="finding", file_pk="finding_file"),
        missing(pk="missing", file_pk="finding_file"),
    ],
    "urgent/findings/record/<incident_pk>/": [
        Case("the desk's incident", allow(RECORD_FINDINGS, leader=403, reporter=403, approver=403),
             incident_pk="finding_incident"),
        missing(incident_pk="missing"),
    ],
    "urgent/findings/units/<unit_pk>/": [
        Case("the county's record", allow(FINDING_DECIDED | {"no_clearance"}), unit_pk="county"),
        missing(unit_pk="missing"),
    ],
    "urgent/stats/": [Case("the desk's network or the unit", allow(ALL)),
                      Case("a bad period", allow(ALL, 400), query="period=2026-13")],
    "urgent/stats/export.xlsx": [Case("download", allow(ALL)),
                                 Case("a bad period", allow(ALL, 400), query="period=x")],
}
API |= {
    A + "urgent/findings/": [
        Case("list", api(ALL)),
        Case("filters", api(ALL), query="state=proposed&kind=late&unit={county}"),
        Case("a bad filter", api(ALL, 400), query="state=nothing"),
        Case("record: an empty body", api(ALL, 400), POST),
    ],
    A + "urgent/findings/<pk>/": [
        Case("proposed: the desk", api(CITY_DESK), pk="finding"),
        Case("confirmed: the desk and the unit", api(FINDING_DECIDED), pk="finding_confirmed"),
        api_missing(pk="missing"),
    ],
    A + "urgent/findings/<pk>/confirm/": [
        Case("proposed", api({"desk_chief"}, **NOT_CHIEF), POST, pk="finding", data=DECIDE),
        Case("an empty body", api(CITY_DESK, 400), POST, pk="finding"),
        api_missing(POST, pk="missing"),
    ],
    A + "urgent/findings/<pk>/dismiss/": [
        Case("proposed", api({"desk_chief"}, **NOT_CHIEF), POST, pk="finding", data=DECIDE),
        api_missing(POST, pk="missing"),
    ],
    A + "urgent/findings/<pk>/circular/": [
        Case("confirmed", api(FINDING_DECIDED), pk="finding_confirmed"),
        Case("proposed: not yet (409)", api(CITY_DESK, 409), pk="finding"),
        api_missing(pk="missing"),
    ],
    A + "urgent/stats/": [Case("the desk's network or the unit", api(ALL)),
                          Case("a bad period", api(ALL, 400), query="period=2026-13")],
}

# --- urgent information: incidents, phone reports, the board, settings (urgent/api/incidents.py, board.py) ---
# The city desk's incident (内部) reaches its staff and the county's cleared reporter and approver; the
# 秘密 one only those cleared for it; the other city's its own county (outsider). Recording is for the
# duty officer, editor and chief; the leader reads. Writes with an empty body: 400 for whoever sees it.
INCIDENT_SEEING = CITY_DESK | CLEARED_UNIT
SECRET_INCIDENT_SEEING = frozenset({"editor", "desk_chief", "leader"})
INCIDENT_RECORDERS = frozenset({"duty_officer", "editor", "desk_chief"})
REPORT_BODY = {"kind": "pre", "title": "预报", "body": "发生透水，正在核实。"}
API |= {
    A + "incidents/": [
        Case("list (empty for the rest)", api(ALL)),
        Case("a bad filter", api(ALL, 400), query="severity=9"),
        Case("record: an empty body", api(INCIDENT_RECORDERS, 400, rest=403), POST),
    ],
    A + "incidents/<pk>/": [
        Case("the city desk's, for the county", api(INCIDENT_SEEING), pk="incident"),
        Case("秘密", api(SECRET_INCIDENT_SEEING), pk="secret_incident"),
        Case("other city's", api({"outsider"}), pk="other_incident"),
        api_missing(pk="missing"),
    ],
    A + "incidents/<pk>/correct/": [
        Case("an empty body", api(INCIDENT_SEEING, 400), POST, pk="incident"),
        Case("upward", api(INCIDENT_RECORDERS, **dict.fromkeys({"leader", *CLEARED_UNIT}, 403)), POST,
             pk="incident", data={"severity": 2, "reason": "伤亡人数上升", "version": 1}),
        Case("other city's", api({"outsider"}, 400), POST, pk="other_incident"),
        api_missing(POST, pk="missing"),
    ],
    A + "incidents/<pk>/add-unit/": [
        Case("an empty body", api(INCIDENT_SEEING, 400), POST, pk="incident"),
        api_missing(POST, pk="missing"),
    ],
    A + "incidents/<pk>/phone-reports/": [
        Case("an empty body", api(INCIDENT_SEEING, 400), POST, pk="incident"),
        Case("secret: an empty body", api(SECRET_INCIDENT_SEEING, 400), POST, pk="secret_incident"),
        api_missing(POST, pk="missing"),
    ],
    A + "incidents/<pk>/reports/": [
        Case("an empty body", api(INCIDENT_SEEING, 400), POST, pk="incident"),
        Case("a 预报", api(CLEARED_UNIT, 201, **dict.fromkeys(CITY_DESK, 403)), POST, pk="incident",
             data=REPORT_BODY),
        Case("other city's", api({"outsider"}, 201), POST, pk="other_incident", data=REPORT_BODY),
        api_missing(POST, pk="missing"),
    ],
    A + "phone-reports/": [Case("an empty body", api(INCIDENT_RECORDERS, 400, rest=403), POST)],
    A + "urgent-board/": [Case("the desk's open incidents", api(CITY_DESK, rest=403))],
    A + "urgent-settings/": [
        Case("the own desk's", api(CITY_DESK, rest=403, admin=400)),
        Case("the city desk by id", api(CITY_DESK | {"admin"}, rest=403), query="desk={city_desk}"),
        Case("another desk", api({"admin"}, rest=403, **dict.fromkeys(CITY_DESK, 404)),
             query="desk={other_city_desk}"),
        Case("a bad desk (before the role)", api(ALL, 400), query="desk=x"),
        Case("update: an empty body", api({"desk_chief"}, 400, rest=403, admin=400), PUT),
        Case("update another desk's: an empty body", api({"admin"}, 400, rest=403,
                                                           **dict.fromkeys(CITY_DESK, 404)),
             PUT, query="desk={other_city_desk}"),
    ],
}

# --- assignments: commissions (约稿; assignments/urls_commissions.py, api/commissions.py) ---
# The city desk's commission to the county: the desk's staff and the county's reporters and approvers see it;
# the other city's to its county: the outsider. Editors and the chief issue (others 403); only a target
# unit's reporters and approvers answer or decline (the desk's staff see it: 403).
COMMISSION_SEEING = CITY_DESK | UNIT
NOT_UNIT = dict.fromkeys(CITY_DESK, 403)
PAGES |= {
    "assignments/": [Case("约稿与专题: the areas of the user's roles", allow(ALL - {"admin"}))],
    "assignments/commissions/": [Case("the desk's or the unit's", allow(ALL - {"admin"}))],
    "assignments/commissions/new/": [
        Case("form", allow(ACTORS, rest=403)),
        Case("an empty form", allow(ACTORS, 400, rest=403), POST),
    ],
    "assignments/commissions/<pk>/": [
        Case("the city desk's, to the county", allow(COMMISSION_SEEING), pk="commission"),
        Case("the other city's", allow({"outsider"}), pk="other_commission"),
        missing(pk="missing"),
    ],
    "assignments/commissions/<pk>/decline/": [
        Case("with a reason", allow(UNIT, 302, **NOT_UNIT), POST, pk="commission", data={"reason": "无相关工作"}),
        Case("no reason", allow(UNIT, 400, **NOT_UNIT), POST, pk="commission"),
        missing(POST, pk="missing"),
    ],
}
API |= {
    A + "commissions/": [
        Case("list", api(ALL)),
        Case("create: an empty body", api(ALL, 400), POST),
    ],
    A + "commissions/<pk>/": [
        Case("the city desk's, to the county", api(COMMISSION_SEEING), pk="commission"),
        Case("the other city's", api({"outsider"}), pk="other_commission"),
        api_missing(pk="missing"),
    ],
    A + "commissions/<pk>/targets/": [
        Case("the city desk's, to the county", api(COMMISSION_SEEING), pk="commission"),
        api_missing(pk="missing"),
    ],
    A + "commissions/<pk>/answer/": [
        Case("an empty body (answering: assignments/tests/test_commissions_api.py)", api(UNIT, 400, **NOT_UNIT),
             POST, pk="commission"),
        Case("the other city's", api({"outsider"}, 400), POST, pk="other_commission"),
        api_missing(POST, pk="missing"),
    ],
    A + "commissions/<pk>/decline/": [
        Case("with a reason", api(UNIT, **NOT_UNIT), POST, pk="commission", data={"reason": "无相关工作"}),
        Case("an empty body", api(UNIT, 400, **NOT_UNIT), POST, pk="commission"),
        api_missing(POST, pk="missing"),
    ],
}

# --- assignments: remarks and sharing (assignments/urls_remarks.py, api/remarks.py, api/sharing.py) ---
# The remark on the county's entry (公开) is read by the city desk and the county's people; the desk's
# editors and chief write it (the duty officer and leader: 403). The share of the county's entry went to
# the county: its people and the sharing desk read it; everyone else 404.
REMARK_SEEING = CITY_DESK | UNIT
PAGES |= {
    "assignments/remarks/entry/<pk>/": [
        Case("an entry at the desk", allow(CITY_DESK), pk="entry2"),
        Case("write: an empty text (400)", allow(ACTORS, 400, **dict.fromkeys(READERS, 403)), POST, pk="entry",
             data={"text": ""}),
        Case("write", allow(ACTORS, 302, **dict.fromkeys(READERS, 403)), POST, pk="entry", data={"text": "好"}),
        Case("another city's entry", NOBODY, pk="elsewhere_entry"),
        missing(pk="missing"),
    ],
    "assignments/remarks/counts/": [Case("the desk's", allow(CITY_DESK)),
                                    Case("a bad period", allow(CITY_DESK, 400), query="period=2026-13")],
    "assignments/remarks/counts.xlsx": [Case("download", allow(CITY_DESK)),
                                        Case("a bad period", allow(CITY_DESK, 400), query="period=x")],
    "assignments/shares/": [Case("received", allow(ALL)), Case("sent", allow(ALL), query="box=sent")],
    "assignments/shares/new/<entry>/": [
        Case("an entry at the desk", allow(ACTORS, **dict.fromkeys(READERS, 403)), entry="entry"),
        Case("share: nothing chosen (400)", allow(ACTORS, 400, **dict.fromkeys(READERS, 403)), POST,
             entry="entry", data={"note": "x"}),
        Case("another city's entry", NOBODY, entry="elsewhere_entry"),
        missing(entry="missing"),
    ],
    "assignments/shares/<pk>/": [
        Case("shared with the county", allow(REMARK_SEEING), pk="share"),
        missing(pk="missing"),
    ],
}
API |= {
    A + "remarks/": [
        Case("list", api(ALL)),
        Case("filters", api(ALL), query="item={sent}&rating=good"),
        Case("a bad filter", api(ALL, 400), query="rating=great"),
        Case("write: an empty body", api(ALL, 400), POST),
    ],
    A + "remarks/counts/": [Case("the desk's", api(CITY_DESK, rest=403)),
                            Case("a bad period", api(CITY_DESK, 400, rest=403), query="period=2026-13")],
    A + "remarks/<pk>/": [
        Case("the county's", api(REMARK_SEEING), pk="remark"),
        Case("update: an empty body", api(REMARK_SEEING, 400), "patch", pk="remark"),
        Case("withdraw", api(ACTORS, 204, **dict.fromkeys(REMARK_SEEING - ACTORS, 403)), "delete", pk="remark"),
        api_missing(pk="missing"),
    ],
    A + "shares/": [
        Case("list", api(ALL)),
        Case("sent", api(ALL), query="box=sent"),
        Case("a bad box", api(ALL, 400), query="box=x"),
        Case("share: an empty body", api(ALL, 400), POST),
    ],
    A + "shares/<pk>/": [
        Case("shared with the county", api(REMARK_SEEING), pk="share"),
        api_missing(pk="missing"),
    ],
    A + "shares/<pk>/read/": [
        Case("read", api(REMARK_SEEING), POST, pk="share"),
        api_missing(POST, pk="missing"),
    ],
}

# --- 舆论监督与群众意见建议 lists and 社情民意 reports (assignments/urls_lists.py, api/lists.py) ---
# The county's sent list reaches the city desk (and admins); its draft only the county; the other city's
# list its own county (outsider). The city desk's editor and chief route rows; the county replies to the
# row routed to it. A POST with an empty form is a 400 for whoever sees the object.
SUP_SEEING = UNIT | CITY_DESK | {"admin"}
OTHER_SUP_SEEING = frozenset({"outsider", "admin"})
NOT_ROUTERS = dict.fromkeys({*READERS, *UNIT, "admin"}, 403)
NOT_REPLIERS = dict.fromkeys({*CITY_DESK, "admin"}, 403)
PAGES |= {
    "assignments/lists/": [Case("own and received", allow(ALL))],
    "assignments/lists/new/": [Case("this month's exists: back to the lists", allow(UNIT | {"outsider"}, 302,
                                                                                     rest=403), POST)],
    "assignments/lists/template.xlsx": [Case("download", allow(ALL))],
    "assignments/lists/tasks/": [Case("the unit's tasks (empty for the rest)", allow(ALL))],
    "assignments/lists/desk/": [Case("the desk's overview", allow(CITY_DESK)),
                                Case("a bad month", allow(CITY_DESK, 400), query="month=2026-13")],
    "assignments/lists/<pk>/": [
        Case("sent", allow(SUP_SEEING), pk="sup_list"),
        Case("draft", allow(UNIT), pk="sup_draft"),
        Case("other city's", allow(OTHER_SUP_SEEING), pk="other_sup_list"),
        missing(pk="missing"),
    ],
    "assignments/lists/<pk>/rows/": [
        Case("draft, empty form", allow(UNIT, 400), POST, pk="sup_draft"),
        missing(POST, pk="missing"),
    ],
    "assignments/lists/<pk>/upload/": [
        Case("draft, no file", allow(UNIT, 400), POST, pk="sup_draft"),
        missing(POST, pk="missing"),
    ],
    "assignments/lists/<pk>/send/": [
        Case("draft", allow(UNIT, 302), POST, pk="sup_draft"),
        Case("already sent", allow((), **dict.fromkeys(UNIT, 400), **NOT_REPLIERS), POST, pk="sup_list"),
        missing(POST, pk="missing"),
    ],
    "assignments/lists/rows/<pk>/": [
        Case("a row", allow(SUP_SEEING), pk="sup_row"),
        Case("other city's row", allow(OTHER_SUP_SEEING), pk="other_sup_row"),
        missing(pk="missing"),
    ],
    "assignments/lists/rows/<pk>/delete/": [
        Case("a draft's row", allow(UNIT, 302), POST, pk="sup_draft_row"),
        Case("a sent list's row", allow((), **dict.fromkeys(UNIT, 400), **NOT_REPLIERS), POST, pk="sup_row"),
        missing(POST, pk="missing"),
    ],
    "assignments/lists/rows/<pk>/route/": [
        Case("empty form", allow(SUP_SEEING, 400), POST, pk="sup_row"),
        Case("to the county", allow(ACTORS, 302, **NOT_ROUTERS), POST, pk="sup_row", data={"unit": "{county}"}),
        missing(POST, pk="missing"),
    ],
    "assignments/lists/rows/<pk>/reply/": [
        Case("empty form", allow(SUP_SEEING, 400), POST, pk="sup_row_routed"),
        Case("a result", allow(UNIT, 302, **NOT_REPLIERS), POST, pk="sup_row_routed", data={"result": "已办结"}),
        missing(POST, pk="missing"),
    ],
    "assignments/sentiment/": [
        Case("the quarter's entries", allow(CITY_DESK)),
        Case("a bad quarter", allow(CITY_DESK, 400), query="quarter=2026-Q5"),
        Case("compile: nothing chosen", allow(ACTORS, 400, **dict.fromkeys(READERS, 403)), POST),
    ],
}
API |= {
    A + "supervision-lists/": [
        Case("own and received", api(ALL)),
        Case("a bad filter", api(ALL, 400), query="state=x"),
        Case("create: an empty body", api(ALL, 400), POST),
        Case("create: this month's exists", api(UNIT | {"outsider"}, 409, rest=403), POST,
             data={"month": "2026-12"}),
    ],
    A + "supervision-lists/overview/": [Case("the desk's", api(CITY_DESK, rest=403)),
                                        Case("a bad month", api(ALL, 400), query="month=2026-13")],
    A + "supervision-lists/<pk>/": [
        Case("sent", api(SUP_SEEING), pk="sup_list"),
        Case("draft", api(UNIT), pk="sup_draft"),
        Case("other city's", api(OTHER_SUP_SEEING), pk="other_sup_list"),
        api_missing(pk="missing"),
    ],
    A + "supervision-lists/<pk>/rows/": [
        Case("draft, an empty body", api(UNIT, 400), POST, pk="sup_draft"),
        Case("sent: a row", api((), **dict.fromkeys(UNIT, 409), **NOT_REPLIERS), POST, pk="sup_list",
             data={"kind": "media", "source": "临江日报", "date": "2026-11-30", "summary": "路灯不亮",
                   "concerned": "城管局"}),
        api_missing(POST, pk="missing"),
    ],
    A + "supervision-lists/<pk>/upload/": [
        Case("JSON instead of a file", api(UNIT, 415), POST, pk="sup_draft"),
        api_missing(POST, pk="missing"),
    ],
    A + "supervision-lists/<pk>/send/": [
        Case("draft", api(UNIT), POST, pk="sup_draft"),
        Case("already sent", api((), **dict.fromkeys(UNIT, 409), **NOT_REPLIERS), POST, pk="sup_list"),
        api_missing(POST, pk="missing"),
    ],
    A + "supervision-rows/": [Case("visible rows", api(ALL)),
                              Case("a bad filter", api(ALL, 400), query="state=x")],
    A + "supervision-rows/<pk>/": [
        Case("a row", api(SUP_SEEING), pk="sup_row"),
        Case("other city's row", api(OTHER_SUP_SEEING), pk="other_sup_row"),
        api_missing(pk="missing"),
    ],
    A + "supervision-rows/<pk>/route/": [
        Case("an empty body", api(SUP_SEEING, 400), POST, pk="sup_row"),
        Case("to the county", api(ACTORS, **NOT_ROUTERS), POST, pk="sup_row", data={"unit": "{county}"}),
        api_missing(POST, pk="missing"),
    ],
    A + "supervision-rows/<pk>/reply/": [
        Case("an empty body", api(SUP_SEEING, 400), POST, pk="sup_row_routed"),
        Case("a result", api(UNIT, **NOT_REPLIERS), POST, pk="sup_row_routed", data={"result": "已办结"}),
        api_missing(POST, pk="missing"),
    ],
    A + "sentiment-reports/": [
        Case("the desk's reports", api(ALL)),
        Case("compile: an empty body", api(ALL, 400), POST),
    ],
}

# --- e-mail intake (intake/urls.py, intake/api/views.py) ---
# The city desk's editors and desk chief work its queue; everyone else (the duty officer and leader
# included) gets 404, as for a missing mail; the mailbox settings are the desk chief's and the admin's.
INTAKE_MAILBOX = frozenset({"desk_chief", "admin"})
PAGES |= {
    "intake/": [Case("the desk's queue", allow(ACTORS)), Case("all states", allow(ACTORS), query="state=all")],
    "intake/mailbox/": [
        Case("the desk's mailbox", allow(INTAKE_MAILBOX)),
        Case("an empty form", allow({"desk_chief"}, 400, admin=404), POST),
    ],
    "intake/<pk>/": [
        Case("queued", allow(ACTORS), pk="intake_msg"),
        Case("quarantined", allow(ACTORS), pk="intake_quarantined"),
        Case("other city's", NOBODY, pk="other_intake"),
        missing(pk="missing"),
    ],
    **{f"intake/<pk>/{verb}/": [
        Case("an empty form", allow(ACTORS, 400), POST, pk="intake_msg"),
        Case("other city's", NOBODY, POST, pk="other_intake"),
        missing(POST, pk="missing"),
    ] for verb in ("accept", "reject", "discard")},
}
API |= {
    A + "intake/messages/": [Case("the desk's mails (others: empty)", api(ALL)),
                             Case("filter", api(ALL), query="state=quarantined")],
    A + "intake/messages/<pk>/": [
        Case("queued", api(ACTORS), pk="intake_msg"),
        Case("other city's", API_NOBODY, pk="other_intake"),
        api_missing(pk="missing"),
    ],
    **{A + f"intake/messages/<pk>/{verb}/": [
        Case("an empty body", api(ACTORS, 400), POST, pk="intake_msg"),
        Case("other city's", API_NOBODY, POST, pk="other_intake"),
        api_missing(POST, pk="missing"),
    ] for verb in ("accept", "reject", "discard")},
    A + "intake/mailbox/": [
        Case("the own desk's", api({"desk_chief"}, admin=400)),
        Case("the city desk by id", api(INTAKE_MAILBOX), query="desk={city_desk}"),
        Case("update: an empty body", api({"desk_chief"}, 400, admin=400), PUT),
    ],
}

# --- 报送要点 and 调研 (assignments/views_priorities.py) ---
# The city desk's published list reaches its staff and the county (which reports to the city desk);
# its draft only the staff. Editors and the chief create; the chief publishes (an editor: 409 from
# the service; a published list: 409 for both). Coverage is for the desk's staff and admins.
PRIORITY_READERS = CITY_DESK | UNIT | {"admin"}
PAGES |= {
    "assignments/priorities/": [Case("the lists one may see", allow(ALL))],
    "assignments/priorities/new/": [
        Case("the form", allow(ACTORS)),
        Case("an empty list", allow(ACTORS, 400), POST, data={"title": ""}),
    ],
    "assignments/priorities/<pk>/": [
        Case("published", allow(PRIORITY_READERS), pk="priorities"),
        Case("draft", allow(CITY_DESK | {"admin"}), pk="priorities_draft"),
        missing(pk="missing"),
    ],
    "assignments/priorities/<pk>/publish/": [
        Case("draft", allow({"desk_chief"}, 302, editor=409), POST, pk="priorities_draft"),
        Case("already published", allow(ACTORS, 409), POST, pk="priorities"),
        missing(POST, pk="missing"),
    ],
    "assignments/priorities/<pk>/notice.docx": [
        Case("published", allow(PRIORITY_READERS), pk="priorities"),
        Case("draft", allow(CITY_DESK | {"admin"}), pk="priorities_draft"),
        missing(pk="missing"),
    ],
    "assignments/priorities/<pk>/coverage/": [
        Case("published", allow(CITY_DESK | {"admin"}), pk="priorities"),
        Case("as XLSX", allow(CITY_DESK | {"admin"}), pk="priorities", query="format=xlsx"),
        missing(pk="missing"),
    ],
    "assignments/research/": [
        Case("topics and quota status", allow(ALL - {"admin"})),
        Case("a bad quarter", allow(ALL - {"admin"}), query="quarter=x"),
        Case("an empty topic", allow(ACTORS, 400), POST, data={"title": ""}),
    ],
}

API |= {
    A + "priorities/": [
        Case("list", api(ALL)),
        Case("create: an empty body", api(ACTORS, 400, rest=400), POST),
    ],
    A + "priorities/<pk>/": [
        Case("published", api(PRIORITY_READERS), pk="priorities"),
        Case("draft", api(CITY_DESK | {"admin"}), pk="priorities_draft"),
        api_missing(pk="missing"),
    ],
    A + "priorities/<pk>/publish/": [
        Case("draft", api({"desk_chief"}, rest=404, editor=409, duty_officer=409, leader=409, admin=409), POST,
             pk="priorities_draft"),
        Case("published", api(PRIORITY_READERS, 409), POST, pk="priorities"),
        api_missing(POST, pk="missing"),
    ],
    A + "priorities/<pk>/coverage/": [
        Case("published", api(CITY_DESK | {"admin"}), pk="priorities"),
        api_missing(pk="missing"),
    ],
    A + "priorities/tag/": [
        Case("an empty body", api((), 400, rest=400), POST),
        Case("an item nobody sees: 409 like a missing one", api((), rest=409), POST,
             data={"item": 2_000_000_000, "topics": []}),
    ],
    A + "research/topics/": [
        Case("list", api(ALL)),
        Case("create: an empty body", api((), 400, rest=400), POST),
    ],
    A + "research/quota/": [
        Case("the desk's staff", api(CITY_DESK)),
        Case("a bad quarter", api(CITY_DESK, 400, rest=400), query="quarter=2026-Q5"),
    ],
}

# The Django admin is one group: its own login, for system administrators only.
ADMIN_SITE = "admin/"
# Every admin pattern shares these rows: (label, path, expect); anyone but an admin is
# sent to the admin's own login page.
ADMIN: list[tuple[str, str, dict[str, int]]] = [
    ("index", "/admin/", allow({"admin"}, rest=302, anon=302)),
    ("rule table", "/admin/network/quota/", allow({"admin"}, rest=302, anon=302)),
    ("add form", "/admin/network/quota/add/", allow({"admin"}, rest=302, anon=302)),
]

MATRIX: dict[str, list[Case]] = {**PAGES, **API}

