"""Rule set pages: the draft editor, publish, correct, copy, the preview, penalties and reversals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from xinxi.scoring import services
from xinxi.scoring.models import EventKind, Penalty, RuleSet, RuleSetState, ScoreEntry
from xinxi.scoring.tests.factories import ON, adopt, at_city, line, points, rules

D = Decimal
POLICIES = {
    "multi_adoption": "add", "joint": "full", "joint_fixed_points": "0", "upward": "level_lines", "upward_k": "2",
    "base_points": "0", "base_period": "none", "threshold_items": "0", "threshold_points": "0",
    "zeroing_misses": "0", "month_floor": "0", "rate_floor": "0",
}


def form_data(name: str = "2027年计分办法", valid_from: str = "2026-12-01", lines: list[dict[str, Any]] | None = None,
              multipliers: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    lines = [{"kind": "adoption", "points": "5"}] if lines is None else lines
    multipliers = multipliers or []
    data: dict[str, Any] = {"name": name, "valid_from": valid_from, "note": "", **POLICIES,
                            "lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": "0",
                            "multipliers-TOTAL_FORMS": str(len(multipliers)), "multipliers-INITIAL_FORMS": "0"}
    for i, row in enumerate(lines):
        data |= {f"lines-{i}-{k}": v for k, v in row.items()}
    for i, row in enumerate(multipliers):
        data |= {f"multipliers-{i}-{k}": v for k, v in row.items()}
    return data | extra


def draft(net: Any, *rows: dict[str, Any], **policies: Any) -> RuleSet:
    return services.rule_set_create(actor=net.desk_chief, desk=net.city.desk, name="草稿", valid_from=ON,
                                    lines=list(rows) or [line("adoption", 5)], **policies)


def test_the_desk_chief_creates_a_draft_with_lines_and_multipliers(net, client_for):
    data = form_data(lines=[{"kind": "adoption", "points": "5", "label": "一般采用"},
                            {"kind": "instruction", "points": "20", "leader_level": "city_main"},
                            {"kind": "", "points": ""}],
                     multipliers=[{"target": "research", "factor": "2"}])
    response = client_for("desk_chief").post("/scoring/rules/new/", data)
    assert response.status_code == 302
    made = RuleSet.objects.get(desk=net.city.desk)
    assert made.state == RuleSetState.DRAFT and made.name == "2027年计分办法"
    assert [(ln.kind, ln.points, ln.leader_level) for ln in made.lines.all()] == [
        ("adoption", D(5), ""), ("instruction", D(20), "city_main")
    ]
    assert [(m.target, m.factor) for m in made.multipliers.all()] == [("research", D(2))]
    page = client_for("editor").get(f"/scoring/rules/{made.pk}/").content.decode()
    assert "一般采用" in page and "草稿" in page and "修改" not in page  # the editor reads only


def test_add_row_without_javascript_keeps_what_was_typed(net, client_for):
    data = form_data(name="我的草稿", add_line="1")
    response = client_for("desk_chief").post("/scoring/rules/new/", data)
    assert response.status_code == 200 and not RuleSet.objects.exists()
    page = response.content.decode()
    assert 'name="lines-TOTAL_FORMS" value="2"' in page and "我的草稿" in page
    assert 'name="lines-1-kind"' in page


def test_edit_a_draft_and_a_stale_version_is_refused(net, client_for):
    made = draft(net)
    client = client_for("desk_chief")
    edit = client.get(f"/scoring/rules/{made.pk}/edit/")
    assert edit.status_code == 200 and 'name="lines-0-points"' in edit.content.decode()
    assert 'name="valid_from" value="2026-12-01"' in edit.content.decode()  # what a date input can show
    ok = client.post(f"/scoring/rules/{made.pk}/edit/", form_data(
        name="改过", version=str(made.version),
        lines=[{"kind": "adoption", "points": "5"}, {"kind": "forwarded", "points": "1"}]))
    assert ok.status_code == 302
    made.refresh_from_db()
    assert made.name == "改过" and made.lines.count() == 2
    stale = client.post(f"/scoring/rules/{made.pk}/edit/", form_data(name="又改", version=str(made.version - 1)))
    assert stale.status_code == 409
    assert "已被他人修改" in stale.content.decode() and "又改" in stale.content.decode()
    made.refresh_from_db()
    assert made.name == "改过"


def test_html_in_a_name_is_escaped(net, client_for):
    made = services.rule_set_create(actor=net.desk_chief, desk=net.city.desk, name="<b>x</b>", valid_from=ON,
                                    lines=[line("adoption", 5)])
    for url in ("/scoring/rules/", f"/scoring/rules/{made.pk}/"):
        page = client_for("desk_chief").get(url).content.decode()
        assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page


def test_a_penalty_line_with_positive_points_is_refused_and_the_form_kept(net, client_for):
    data = form_data(name="带扣分", lines=[{"kind": "false_item", "points": "5", "label": "失实"}])
    response = client_for("desk_chief").post("/scoring/rules/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "“信息失实”是扣分事项，分值应为负数或 0。" in page
    assert 'value="带扣分"' in page and 'value="失实"' in page
    assert not RuleSet.objects.exists()


def test_editor_and_other_desk_cannot_change_rules(net, client_for):
    made = draft(net)
    assert client_for("editor").get(f"/scoring/rules/{made.pk}/edit/").status_code == 403
    assert client_for("editor").post(f"/scoring/rules/{made.pk}/publish/").status_code == 403
    assert client_for("outsider").get(f"/scoring/rules/{made.pk}/").status_code == 404
    made.refresh_from_db()
    assert made.state == RuleSetState.DRAFT


def test_publish_with_confirmation(net, client_for):
    made = draft(net)
    client = client_for("desk_chief")
    confirm = client.get(f"/scoring/rules/{made.pk}/publish/").content.decode()
    assert "确认生效" in confirm
    assert client.post(f"/scoring/rules/{made.pk}/publish/").status_code == 302
    made.refresh_from_db()
    assert made.state == RuleSetState.ACTIVE and made.published_by == net.desk_chief
    listing = client.get("/scoring/rules/").content.decode()
    assert "生效" in listing and "更正此版本" in listing
    # An active version is not edited: the edit page sends back with the reason.
    back = client.get(f"/scoring/rules/{made.pk}/edit/", follow=True).content.decode()
    assert "已生效的计分办法不能修改" in back


def test_correct_then_publish_rescores_visibly(net, client_for):
    active = rules(net, net.city.desk, [line("adoption", 5)])
    adopt(net.editor, at_city(net))
    assert points(net.city.desk, net.county) == D(5)
    client = client_for("desk_chief")
    response = client.post(f"/scoring/rules/{active.pk}/correct/")
    correction = RuleSet.objects.get(supersedes=active)
    assert response.url == f"/scoring/rules/{correction.pk}/edit/"
    form = client.get(f"/scoring/rules/{correction.pk}/edit/").content.decode()
    assert "更正版本与被更正的版本同日生效" in form
    client.post(f"/scoring/rules/{correction.pk}/edit/", form_data(
        name="更正", version=str(correction.version), lines=[{"kind": "adoption", "points": "8"}]))
    assert "是（1 条积分记录）" in client.get("/scoring/rules/").content.decode()
    done = client.post(f"/scoring/rules/{correction.pk}/publish/", follow=True).content.decode()
    assert "重新计分 1 条" in done
    assert points(net.city.desk, net.county) == D(8)
    active.refresh_from_db()
    assert active.state == RuleSetState.SUPERSEDED
    assert "已被更正版本取代" in client.get("/scoring/rules/").content.decode()


def test_copy_as_a_new_version(net, client_for):
    active = rules(net, net.city.desk, [line("adoption", 5)])
    client = client_for("desk_chief")
    bad = client.post(f"/scoring/rules/{active.pk}/copy/", {"valid_from": "x"})
    assert bad.status_code == 400
    ok = client.post(f"/scoring/rules/{active.pk}/copy/", {"valid_from": "2027-01-01"})
    copy = RuleSet.objects.exclude(pk=active.pk).get()
    assert ok.url == f"/scoring/rules/{copy.pk}/edit/" and copy.valid_from == dt.date(2027, 1, 1)
    assert copy.lines.get().points == D(5)


def test_admin_chooses_the_desk(net, client_for):
    rules(net, net.province.desk, [line("adoption", 3)], valid_from=dt.date(2026, 2, 1))
    page = client_for("admin").get(f"/scoring/rules/?desk={net.province.desk.pk}").content.decode()
    assert "2026-02-01" in page and "新建" in page
    assert client_for("desk_chief").get(f"/scoring/rules/?desk={net.province.desk.pk}").status_code == 404


def test_list_queries_are_bounded(net, client_for, django_assert_max_num_queries):
    for i in range(5):
        services.rule_set_create(actor=net.desk_chief, desk=net.city.desk, name=f"草稿{i}", valid_from=ON,
                                 lines=[line("adoption", 5)])
    client = client_for("desk_chief")
    with django_assert_max_num_queries(12):
        assert client.get("/scoring/rules/").status_code == 200


# --- preview ---


def preview_data(rows: list[dict[str, Any]], adoptions: list[int] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    data: dict[str, Any] = {"events-TOTAL_FORMS": str(len(rows)), "events-INITIAL_FORMS": "0", "compute": "1"}
    for i, row in enumerate(rows):
        data |= {f"events-{i}-{k}": v for k, v in row.items()}
    if adoptions:
        data["adoptions"] = [str(a) for a in adoptions]
    return data


def test_preview_matches_hand_computed_points_and_writes_nothing(net, client_for):
    made = draft(net, line("adoption", 5), line("adoption", 8, adoption_kind="full"),
                 line("instruction", 20, leader_level="city_main"), line("false_item", -3),
                 joint="split", multipliers=[{"target": "research", "factor": "2"}])
    before = ScoreEntry.objects.count()
    county, town = str(net.county.pk), str(net.town.pk)
    response = client_for("desk_chief").post(f"/scoring/rules/{made.pk}/preview/", preview_data([
        {"unit": county, "kind": "adoption", "adoption_kind": "full", "category": "research"},  # 8 × 2 = 16
        {"unit": county, "kind": "adoption", "sources": "3"},  # 5 ÷ 3 → 1.67 (the first share)
        {"unit": town, "kind": "instruction", "leader_level": "city_main"},  # 20
        {"unit": town, "kind": "false_item"},  # −3
    ]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "× 2.00（类别：调研）" in page and "÷ 3个单位平分" in page
    totals = response.context["result"].totals
    assert [(u.pk, p) for u, p in totals] == [(net.county.pk, D("17.67")), (net.town.pk, D(17))]
    assert ScoreEntry.objects.count() == before


def test_preview_of_real_adoptions(net, client_for):
    rules(net, net.city.desk, [line("adoption", 5)])
    entry = at_city(net, title="真实采用的信息")
    [adoption] = adopt(net.editor, entry)
    made = draft(net, line("adoption", 12))
    before = ScoreEntry.objects.count()
    client = client_for("desk_chief")
    form = client.get(f"/scoring/rules/{made.pk}/preview/").content.decode()
    assert "真实采用的信息" in form
    response = client.post(f"/scoring/rules/{made.pk}/preview/", preview_data([], [adoption.pk]))
    assert [(u.pk, p) for u, p in response.context["result"].totals] == [(net.county.pk, D(12))]
    assert ScoreEntry.objects.count() == before


def test_preview_hides_the_title_of_an_adoption_above_clearance(net, client_for):
    from xinxi.items import desk_services
    from xinxi.items.tests.factories import entry_at, submitted
    from xinxi.network.testing import make_user

    cleared = make_user("cleared_reporter", net.county, "reporter", clearance=2)
    entry = entry_at(submitted(cleared, title="秘密的采用", classification=2), net.city.desk)
    desk_services.entry_open(actor=net.editor, entry=entry)
    adopt(net.editor, entry)
    made = draft(net)
    duty = client_for("duty_officer").get(f"/scoring/rules/{made.pk}/preview/").content.decode()
    assert "秘密的采用" not in duty and "（涉密信息）" in duty
    assert "秘密的采用" in client_for("editor").get(f"/scoring/rules/{made.pk}/preview/").content.decode()


def test_preview_row_errors_keep_the_rows(net, client_for):
    made = draft(net)
    response = client_for("desk_chief").post(f"/scoring/rules/{made.pk}/preview/", preview_data([
        {"kind": "adoption", "column": "要情"}]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择单位。" in page and 'value="要情"' in page


# --- penalties and reversals ---


def test_the_desk_chief_records_a_penalty_and_reverses_it(net, client_for):
    rules(net, net.city.desk, [line("adoption", 5), line("false_item", -5)])
    client = client_for("desk_chief")
    response = client.post("/scoring/rules/penalties/", {
        "unit": net.county.pk, "kind": "false_item", "on": "2026-11-20", "reason": "数字与事实不符"})
    assert response.status_code == 302
    penalty = Penalty.objects.get()
    assert points(net.city.desk, net.county) == D(-5)
    listing = client.get("/scoring/rules/penalties/").content.decode()
    assert "数字与事实不符" in listing and "-5.00" in listing
    entry = ScoreEntry.objects.get(penalty=penalty)
    confirm = client.get(f"/scoring/entries/{entry.pk}/reverse/").content.decode()
    assert "东城县委办公室" in confirm and "信息失实" in confirm
    empty = client.post(f"/scoring/entries/{entry.pk}/reverse/", {"reason": " "})
    assert empty.status_code == 400 and points(net.city.desk, net.county) == D(-5)
    assert client.post(f"/scoring/entries/{entry.pk}/reverse/", {"reason": "核实无误"}).status_code == 302
    assert points(net.city.desk, net.county) == D(0)
    assert "冲销" not in client.get("/scoring/rules/penalties/").content.decode().split('id="penalties"')[1]
    again = client.post(f"/scoring/entries/{entry.pk}/reverse/", {"reason": "再次"})
    assert again.status_code == 400 and "已冲销" in again.content.decode()
    assert ScoreEntry.objects.filter(kind=EventKind.FALSE_ITEM).count() == 2


def test_a_penalty_without_a_line_is_refused_and_the_form_kept(net, client_for):
    rules(net, net.city.desk, [line("adoption", 5)])
    response = client_for("desk_chief").post("/scoring/rules/penalties/", {
        "unit": net.county.pk, "kind": "late_report", "on": "2026-11-20", "reason": "迟报两小时"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有“紧急信息迟报”的扣分条目" in page and "迟报两小时" in page
    assert not Penalty.objects.exists()


def test_the_editor_reads_penalties_but_cannot_record(net, client_for):
    rules(net, net.city.desk, [line("false_item", -5)])
    services.penalty_record(actor=net.desk_chief, desk=net.city.desk, unit=net.county, kind="false_item", on=ON,
                            reason="失实")
    client = client_for("editor")
    page = client.get("/scoring/rules/penalties/").content.decode()
    assert "失实" in page and "确认扣分" not in page and "冲销" not in page
    refused = client.post("/scoring/rules/penalties/", {
        "unit": net.county.pk, "kind": "false_item", "on": "2026-11-20", "reason": "又失实"})
    assert refused.status_code == 403 and Penalty.objects.count() == 1


def test_penalty_list_queries_are_bounded(net, client_for, django_assert_max_num_queries):
    rules(net, net.city.desk, [line("false_item", -5), line("late_report", -2)])
    for i in range(12):
        services.penalty_record(actor=net.desk_chief, desk=net.city.desk, unit=net.county,
                                kind="false_item" if i % 2 else "late_report", on=ON, reason=f"第{i}次")
    client = client_for("desk_chief")
    with django_assert_max_num_queries(15):
        page = client.get("/scoring/rules/penalties/").content.decode()
    assert page.count("第") >= 6
