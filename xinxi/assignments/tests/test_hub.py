"""约稿与专题 (/assignments/): one menu entry; each role sees the areas it works in."""

from __future__ import annotations

import re

URL = "/assignments/"


def titles(response) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", response.content.decode())


def test_a_reporter_sees_the_units_areas(net, client_for):
    response = client_for("reporter").get(URL)
    assert response.status_code == 200
    assert titles(response) == ["约稿", "报送要点", "调研", "舆情清单", "共享信息"]


def test_an_editor_also_sees_the_desks_work(net, client_for):
    response = client_for("editor").get(URL)
    assert titles(response) == [
        "约稿", "报送要点", "调研", "舆情清单", "社情民意季度汇编", "共享信息", "点评统计", "邮件收稿",
    ]
    assert 'href="/intake/"' in response.content.decode()


def test_a_duty_officer_reads_but_does_not_compile_or_take_mail(net, client_for):
    shown = titles(client_for("duty_officer").get(URL))
    assert shown == ["约稿", "报送要点", "调研", "舆情清单", "共享信息", "点评统计"]


def test_the_menu_has_one_entry_and_an_admin_without_that_work_gets_404(net, client_for):
    page = client_for("reporter").get("/").content.decode()
    assert page.count('href="/assignments/"') == 1 and 'href="/assignments/commissions/"' not in page.split("</nav>")[0]
    assert client_for("admin").get(URL).status_code == 404
