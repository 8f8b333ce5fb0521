"""Ledger pages: 台账 (filters, totals, pagination), the trace of an entry, 我的得分, 撤销采用."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from xinxi.audit.models import AuditEvent
from xinxi.items.models import Adoption
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.network.testing import make_user
from xinxi.scoring import services
from xinxi.scoring.models import EventKind, ScoreEntry
from xinxi.scoring.tests.factories import ON, adopt, at_city, chief_of, line, points, rules

D = Decimal


def world(net: Any) -> dict[str, Any]:
    """Two adoptions and a penalty for the county at the city desk; one adoption at the other city."""
    rule_set = rules(net, net.city.desk, [line("adoption", 5, label="一般采用"), line("false_item", -3)])
    first = at_city(net, title="东城县秋粮收购进度过半")
    second = at_city(net, title="东城县新建污水处理厂")
    adopt(net.editor, first)
    adopt(net.editor, second, adopted_on=dt.date(2026, 11, 10))
    penalty = services.penalty_record(actor=net.desk_chief, desk=net.city.desk, unit=net.county, kind="false_item",
                                      on=dt.date(2026, 11, 15), reason="数字失实")
    rules(net, net.other_city.desk, [line("adoption", 7)])
    other_item = submitted(net.outsider, title="西山县信息")
    other_entry = entry_at(other_item, net.other_city.desk)
    other_editor = chief_of(net.other_city.desk, "qingshan_kz")
    adopt(other_editor, other_entry, publication="青山信息")
    return {
        "rule_set": rule_set,
        "first": first,
        "second": second,
        "penalty": ScoreEntry.objects.get(penalty=penalty),
        "other": ScoreEntry.objects.get(desk=net.other_city.desk),
    }


def test_ledger_lists_the_desks_entries_with_totals_and_trace_links(net, client_for):
    w = world(net)
    page = client_for("editor").get("/scoring/ledger/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "东城县秋粮收购进度过半" in html and "一般采用" in html and "西山县" not in html
    assert page.context["totals"]["points"] == D(7) and page.context["totals"]["count"] == 3
    assert f'href="/scoring/entries/{w["penalty"].pk}/"' in html
    assert f'/scoring/entries/{w["other"].pk}/' not in html


def test_ledger_filters(net, client_for):
    w = world(net)
    client = client_for("desk_chief")

    def shown(query: str) -> tuple[set[int], Decimal]:
        response = client.get(f"/scoring/ledger/?{query}")
        assert response.status_code == 200
        return {e.pk for e, _ in response.context["rows"]}, response.context["totals"]["points"]

    assert shown("kind=false_item") == ({w["penalty"].pk}, D(-3))
    ids, total = shown("start=2026-11-01&end=2026-11-30")
    assert total == D(2) and w["penalty"].pk in ids and len(ids) == 2
    assert shown(f"unit={net.other_county.pk}") == (set(), D(0))
    assert shown(f"rule_set={w['rule_set'].pk}")[1] == D(7)
    services.score_entry_reverse(actor=net.desk_chief, entry=w["penalty"], reason="误记")
    reversal = ScoreEntry.objects.get(reverses=w["penalty"])
    assert shown("status=reversed") == ({w["penalty"].pk}, D(-3))
    assert shown("status=reversal") == ({reversal.pk}, D(3))
    assert shown("status=live")[1] == D(10)
    # Nonsense is ignored, as on every list page.
    assert shown("kind=nothing&start=2026-13-01&unit=abc&status=x")[1] == D(10)


def test_ledger_pages_and_keeps_a_bounded_number_of_queries(net, client_for, django_assert_max_num_queries):
    rule_set = rules(net, net.city.desk, [line("adoption", 5)])
    for n in range(60):
        ScoreEntry.objects.create(desk=net.city.desk, unit=net.county, on=ON, points=D(1), kind=EventKind.BASE,
                                  key=f"base:{n}", rule_set=rule_set, posted_by=net.editor)
    client = client_for("editor")
    with django_assert_max_num_queries(18):
        first = client.get("/scoring/ledger/")
    assert len(first.context["rows"]) == 50 and first.context["totals"]["count"] == 60
    second = client.get("/scoring/ledger/?page=2")
    assert len(second.context["rows"]) == 10 and "第 2 / 2 页" in second.content.decode()


def test_admin_chooses_the_desk_and_another_desk_is_missing(net, client_for):
    w = world(net)
    admin = client_for("admin").get(f"/scoring/ledger/?desk={net.other_city.desk.pk}")
    assert admin.status_code == 200 and admin.context["totals"]["points"] == D(7)
    assert client_for("editor").get(f"/scoring/ledger/?desk={net.other_city.desk.pk}").status_code == 404
    assert client_for("editor").get(f"/scoring/entries/{w['other'].pk}/").status_code == 404
    assert client_for("reporter").get("/scoring/ledger/").status_code == 404


def test_trace_shows_rule_source_and_poster(net, client_for):
    w = world(net)
    entry = ScoreEntry.objects.get(item=w["first"].item, kind=EventKind.ADOPTION)
    page = client_for("desk_chief").get(f"/scoring/entries/{entry.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "一般采用" in html and f'href="/scoring/rules/{w["rule_set"].pk}/"' in html
    assert f'href="/desk/entries/{w["first"].pk}/"' in html and "东城县秋粮收购进度过半" in html
    assert "临江信息 2026年第1期" in html and "王编辑" in html
    assert f'href="/scoring/entries/{entry.pk}/reverse/"' in html  # the chief may reverse it
    editor = client_for("editor").get(f"/scoring/entries/{entry.pk}/").content.decode()
    assert "/reverse/" not in editor


def test_trace_hides_a_classified_title_from_a_user_without_clearance(net, client_for):
    rules(net, net.city.desk, [line("adoption", 5)])
    secret_reporter = make_user("secret_reporter", net.county, "reporter", clearance=Classification.SECRET)
    item = submitted(secret_reporter, title="秘密级信息标题", classification=Classification.SECRET)
    adopt(net.editor, entry_at(item, net.city.desk))
    entry = ScoreEntry.objects.get(item=item)
    cleared = client_for("editor").get(f"/scoring/entries/{entry.pk}/").content.decode()
    assert "秘密级信息标题" in cleared
    for persona in ("duty_officer",):
        response = client_for(persona).get(f"/scoring/entries/{entry.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "秘密级信息标题" not in html and "（涉密信息）" in html and "/desk/entries/" not in html
    ledger = client_for("duty_officer").get("/scoring/ledger/").content.decode()
    assert "秘密级信息标题" not in ledger and "（涉密信息）" in ledger
    # The county's own reporter without clearance sees the entry, not the title.
    mine = client_for("reporter").get(f"/scoring/entries/{entry.pk}/").content.decode()
    assert "秘密级信息标题" not in mine and "（涉密信息）" in mine


def test_trace_as_the_unit_shows_its_side_only(net, client_for):
    w = world(net)
    entry = ScoreEntry.objects.get(item=w["first"].item, kind=EventKind.ADOPTION)
    response = client_for("reporter").get(f"/scoring/entries/{entry.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "东城县秋粮收购进度过半" in html and f'href="/items/{w["first"].item_id}/"' in html
    assert "一般采用" in html and "5.00" in html
    assert "/scoring/rules/" not in html and "王编辑" not in html and "计分依据" not in html
    assert client_for("outsider").get(f"/scoring/entries/{entry.pk}/").status_code == 404
    assert client_for("reporter").get(f"/scoring/entries/{w['other'].pk}/").status_code == 404


def test_my_scores_by_month_with_traces(net, client_for):
    w = world(net)
    response = client_for("reporter").get("/scoring/mine/?year=2026")
    assert response.status_code == 200
    [row] = response.context["per_desk"]
    assert row.desk == net.city.desk and row.total == D(7)
    assert row.months[10] == D(2) and row.months[11] == D(5)  # November: 5 − 3; December: 5
    html = response.content.decode()
    assert f'href="/scoring/entries/{w["penalty"].pk}/"' in html and "东城县秋粮收购进度过半" in html
    assert "西山县" not in html
    assert 'class="chart"' in html and '<title id="chart-' in html  # the trend beside the table
    outsider = client_for("outsider").get("/scoring/mine/")
    assert outsider.status_code == 200 and outsider.context["per_desk"][0].total == D(7)
    assert "东城县" not in outsider.content.decode()
    assert client_for("reporter").get("/scoring/mine/?year=2025").context["rows"] == []
    assert client_for("editor").get("/scoring/mine/").status_code == 403


def test_withdraw_an_adoption_on_the_desk_page_reverses_its_points(net, client_for):
    rules(net, net.city.desk, [line("adoption", 5)])
    entry = at_city(net, title="东城县秋粮收购进度过半")
    [record] = adopt(net.editor, entry)
    assert points(net.city.desk, net.county) == D(5)
    client = client_for("editor")
    page = client.get(f"/desk/entries/{entry.pk}/").content.decode()
    assert "撤销采用" in page and f'value="{record.pk}"' in page
    url = f"/desk/entries/{entry.pk}/withdraw-adoption/"
    missing_reason = client.post(url, {"withdraw-adoption": record.pk, "withdraw-reason": ""})
    assert missing_reason.status_code == 400 and points(net.city.desk, net.county) == D(5)
    done = client.post(url, {"withdraw-adoption": record.pk, "withdraw-reason": "误录"})
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.withdrawn_at is not None and record.withdrawn_reason == "误录"
    assert points(net.city.desk, net.county) == D(0)
    reversal = ScoreEntry.objects.get(reverses__adoption=record)
    assert reversal.points == D(-5) and "误录" in reversal.reason
    assert AuditEvent.objects.filter(action="adoption_withdraw").count() == 1
    after = client.get(f"/desk/entries/{entry.pk}/").content.decode()
    assert "已撤销" in after
    # Withdrawn already: not offered, and refused if posted again.
    again = client.post(url, {"withdraw-adoption": record.pk, "withdraw-reason": "再撤"})
    assert again.status_code == 400 and ScoreEntry.objects.filter(reverses__isnull=False).count() == 1
    refused = client_for("duty_officer").post(url, {"withdraw-adoption": record.pk, "withdraw-reason": "x"})
    assert refused.status_code == 403


def test_withdrawing_moves_the_ranking(net, client_for):
    from xinxi.scoring import figures

    rules(net, net.city.desk, [line("adoption", 5)])
    county_entry = at_city(net)
    [record] = adopt(net.editor, county_entry)
    dept_reporter = make_user("dept_reporter", net.city_dept, "reporter")
    dept_entry = entry_at(submitted(dept_reporter, title="市应急局信息"), net.city.desk)
    adopt(net.editor, dept_entry, adopted_on=dt.date(2026, 11, 30))
    adopt(net.editor, at_city(net, title="另一条"), adopted_on=dt.date(2026, 11, 30))

    def ranks() -> dict[str, Any]:
        rows = figures.ranking(net.city.desk, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
        return {r.unit.name: (r.points, r.rank) for r in rows.rows}

    before = ranks()
    assert before["东城县委办公室"] == (D(10), 1)
    client_for("desk_chief").post(f"/desk/entries/{county_entry.pk}/withdraw-adoption/",
                                  {"withdraw-adoption": record.pk, "withdraw-reason": "误录"})
    after = ranks()
    assert after["东城县委办公室"][0] == D(5) and Adoption.objects.get(pk=record.pk).withdrawn_at is not None


def test_trace_links_a_reversal_both_ways_and_the_penalty_page_links_points(net, client_for):
    w = world(net)
    penalty = w["penalty"]
    listing = client_for("editor").get(f"/scoring/rules/penalties/?desk={net.city.desk.pk}").content.decode()
    assert f'href="/scoring/entries/{penalty.pk}/"' in listing
    services.score_entry_reverse(actor=net.desk_chief, entry=penalty, reason="误记")
    reversal = ScoreEntry.objects.get(reverses=penalty)
    client = client_for("desk_chief")
    original = client.get(f"/scoring/entries/{penalty.pk}/").content.decode()
    assert f'href="/scoring/entries/{reversal.pk}/"' in original and "更正：误记" in original
    assert "数字失实" in original and f"/scoring/entries/{penalty.pk}/reverse/" not in original
    back = client.get(f"/scoring/entries/{reversal.pk}/").content.decode()
    assert f'href="/scoring/entries/{penalty.pk}/"' in back and "本记录冲销了" in back
    unit_side = client_for("reporter").get(f"/scoring/entries/{reversal.pk}/").content.decode()
    assert "更正：误记" in unit_side and "赵科长" not in unit_side


def test_a_unit_never_sees_the_title_of_another_units_item(net, client_for):
    from xinxi.items import desk_services

    rules(net, net.city.desk, [line("adoption", 5)])
    dept_reporter = make_user("dept_reporter", net.city_dept, "reporter")
    ours = at_city(net, title="东城县防汛准备")
    theirs = entry_at(submitted(dept_reporter, title="应急局防汛部署"), net.city.desk)
    combined = desk_services.entry_combine(actor=net.editor, entries=[ours, theirs], title="全市防汛综合",
                                           body="综合稿。")
    adopt(net.editor, combined, kind="combined")
    entry = ScoreEntry.objects.get(unit=net.county)
    html = client_for("reporter").get(f"/scoring/entries/{entry.pk}/").content.decode()
    assert "全市防汛综合" not in html and "应急局" not in html and "（综合或转报的信息）" in html
    mine = client_for("reporter").get("/scoring/mine/").content.decode()
    assert "全市防汛综合" not in mine and "（综合或转报的信息）" in mine
    desk_side = client_for("editor").get(f"/scoring/entries/{entry.pk}/").content.decode()
    assert "全市防汛综合" in desk_side
