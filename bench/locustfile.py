"""Mixed load on the pages people use: reporters drafting and submitting, editors, searchers.

Run by ``bench/mixed_load.py`` (which starts the production gunicorn and writes the
figures); by hand: ``XINXI_LOAD_USERS=users.json locust -f bench/locustfile.py --headless
-H http://127.0.0.1:PORT -u 100 -r 10 -t 5m``. ``users.json`` names the accounts:
``{"reporters": [...], "editors": [...], "searchers": [...], "password": "..."}``.

Every request goes through the HTML pages with their CSRF tokens, as a browser does; a
POST answered with a redirect is timed together with the page it leads to. Weights 7:2:1
(reporters, editors, searchers); think times as people take them.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, task

ACCOUNTS: dict[str, Any] = json.loads(open(os.environ["XINXI_LOAD_USERS"], encoding="utf-8").read())  # noqa: SIM115
NEXT = {kind: itertools.cycle(ACCOUNTS[kind]) for kind in ("reporters", "editors", "searchers")}
WORDS = ["基层治理", "安全生产", "乡村振兴", "营商环境", "老旧小区", "矛盾纠纷", "就业", "防汛", "招商引资", "民生"]
SENTENCES = [
    "我县组织开展基层走访，现场登记群众反映的问题并逐项办理。",
    "相关部门按期答复，办结率达到百分之九十以上。",
    "下一步将建立长效机制，推动问题解决在基层、化解在萌芽。",
    "镇村两级干部分片包干，逐户核实情况，形成问题清单和责任清单。",
]
ENTRY = re.compile(r'href="/desk/entries/(\d+)/"')


class FormFields(HTMLParser):
    """The fields a browser would send for the form whose ``action`` (or id) is given."""

    def __init__(self, match: str) -> None:
        super().__init__()
        self.match, self.inside, self.fields = match, False, {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = self.match in (a.get("action", ""), a.get("id", ""))
        elif not self.inside:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("file", "submit", "checkbox"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and (self.select not in self.fields or "selected" in a):
            self.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.fields[self.textarea or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data


def form(html: str, match: str) -> dict[str, str]:
    parser = FormFields(match)
    parser.feed(html)
    return dict(parser.fields)


class Person(HttpUser):
    abstract = True
    kind = ""

    def on_start(self) -> None:
        self.username = next(NEXT[self.kind])
        page = self.client.get("/accounts/login/", name="登录页 login page")
        data = form(page.text, "/accounts/login/")
        data.update(username=self.username, password=ACCOUNTS["password"])
        with self.client.post("/accounts/login/", data=data, name="登录 login", catch_response=True) as r:
            if "/accounts/login/" in r.url:
                r.failure(f"{self.username} 登录失败")

    def post(self, path: str, data: dict[str, str], name: str, expect: str) -> Any:
        """POST a form; a failure unless the answer (after redirects) is at a path matching ``expect``."""
        with self.client.post(path, data=data, name=name, catch_response=True) as r:
            if r.ok and not re.fullmatch(expect, urlsplit(r.url or "").path):
                r.failure(f"应转到 {expect}，实际 {r.url}")
            return r


class Reporter(Person):
    """Opens the new item form, writes for a while, saves the draft, then submits it."""

    weight = 7
    kind = "reporters"
    wait_time = between(20, 60)

    @task
    def draft_and_submit(self) -> None:
        page = self.client.get("/items/new/", name="新建信息表单 item form")
        data = form(page.text, "item-form")
        n = random.randint(1, 10**6)
        data.update(
            title=f"{random.choice(['江阳市', '青阳县', '金河县'])}{random.choice(WORDS)}工作取得新进展（{n}）",
            body="".join(random.choices(SENTENCES, k=6)) + f"共走访群众{n % 5000 + 100}户。",
            action="save",
        )
        gevent_sleep(10, 30)  # typing
        saved = self.post("/items/new/", data, "保存草稿 save draft", r"/items/\d+/edit/")
        match = re.search(r"/items/(\d+)/edit/", saved.url or "")
        if not match:
            return
        gevent_sleep(5, 15)  # reading it over
        data = form(saved.text, "item-form")
        data["action"] = "submit"
        pk = match.group(1)
        self.post(f"/items/{pk}/edit/", data, "报送 submit", f"/items/{pk}/")


class Editor(Person):
    """Works the inbox: the list, a filter, one entry; edits it or pre-adopts it."""

    weight = 2
    kind = "editors"
    wait_time = between(5, 15)

    @task
    def work_inbox(self) -> None:
        page = self.client.get("/desk/", name="收稿箱 inbox")
        gevent_sleep(3, 8)
        choice = random.choice(
            ["?state=new", "?category=news", "?tone=problem", "?sort=urgency", "?unit_class=3", "?page=2"]
        )
        filtered = self.client.get(f"/desk/{choice}", name="收稿箱筛选 inbox filter")
        ids = ENTRY.findall(filtered.text) or ENTRY.findall(page.text)
        if not ids:
            return
        gevent_sleep(2, 6)
        pk = random.choice(ids[:20])
        entry = self.client.get(f"/desk/entries/{pk}/", name="打开来稿 open entry")
        gevent_sleep(10, 30)  # reading
        action = f"/desk/entries/{pk}/preadopt/"
        if random.random() < 0.5:
            edit = self.client.get(f"/desk/entries/{pk}/edit/", name="编辑来稿页 edit page")
            data = form(edit.text, "edit-form")
            if not data.get("body"):
                return
            gevent_sleep(10, 30)
            data.update(body=data["body"].rstrip() + "（编辑部核实。）", note="润色")
            path = f"/desk/entries/{pk}/edit/"
            # Another simulated editor saved this entry first: the page refuses the stale
            # version and says who saved (as designed).
            self.post_or_refused(path, data, "编辑保存 save edit", path, 409, "不是最新版本",
                                 "编辑冲突 edit conflict (409)")
        elif action in entry.text:
            # Another simulated editor moved this entry on first (pre-adopted it, or not):
            # the page refuses and names its state (as designed).
            self.post_or_refused(action, form(entry.text, action), "预采用 pre-adopt", f"/desk/entries/{pk}/",
                                 400, "当前为", "预采用已被处理 pre-adopt refused (400)")

    def post_or_refused(
        self, path: str, data: dict[str, str], name: str, expect: str, status: int, says: str, apart: str
    ) -> None:
        """POST a form that another editor may have made stale: a refusal with ``status``
        saying ``says`` is the designed answer, counted apart under ``apart``, not a failure."""
        with self.client.post(path, data=data, name=name, catch_response=True) as r:
            if r.status_code == status and says in r.text:
                r.success()
                self.environment.events.request.fire(
                    request_type="POST", name=apart, response_time=0, response_length=0, exception=None, context={},
                )
            elif r.ok and urlsplit(r.url or "").path != expect:
                r.failure(f"应转到 {expect}，实际 {r.url}")


class Searcher(Person):
    """Searches the archive and turns a page."""

    weight = 1
    kind = "searchers"
    wait_time = between(10, 30)

    @task
    def search(self) -> None:
        word = random.choice(WORDS)
        self.client.get(f"/archive/?q={word}", name="检索 search")
        gevent_sleep(5, 15)
        self.client.get(f"/archive/?q={word}&page=2", name="检索翻页 search page 2")


def gevent_sleep(low: float, high: float) -> None:
    """A person's pause inside a task (reading, typing)."""
    gevent.sleep(random.uniform(low, high))
