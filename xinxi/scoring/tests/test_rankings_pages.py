"""The ranking page /scoring/ and its XLSX export: periods, class filter, roll-up, links, access, bounds."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from xinxi.items import desk_services
from xinxi.network import services as network_services
from xinxi.network.models import UnitClass
from xinxi.network.testing import make_unit, make_user
from xinxi.scoring.tests.factories import adopt, at_city, line, province_editor, rules

D = Decimal


def _content(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_the_page_shows_the_last_month_by_default_and_the_chosen_period(net, client_for):
    rules(net, net.city.desk, [line("adoption", 10)])
    adopt(net.editor, at_city(net))
    client = client_for("editor")
    default = client.get("/scoring/")
    assert default.status_code == 200
    assert "2026年11月" in _content(default)  # the tests' clock stands at 2026-12-01
    december = client.get("/scoring/", {"kind": "month", "month": "2026-12"})
    body = _content(december)
    ranking = december.context["ranking"]
    assert december.context["period"].label == "2026年12月"
    assert [(r.unit, r.rank, r.points) for r in ranking.rows][:1] == [(net.county, 1, D(10))]
    link = f"/scoring/ledger/?desk={net.city.desk.pk}&amp;start=2026-12-01&amp;end=2026-12-31&amp;unit={net.county.pk}"
    assert f'href="{link}"' in body
    assert "零分单位" in body and "报喜不报忧" in body and "下降明显" in body
    assert body.count("<svg") >= 3  # points by unit, shares, trend
    quarter = client.get("/scoring/", {"kind": "quarter", "year": "2026", "quarter": "Q4"})
    assert quarter.context["period"].label == "2026年第四季度"
    year = client.get("/scoring/", {"kind": "year", "year": "2026"})
    assert (year.context["ranking"].start, year.context["ranking"].end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    custom = client.get("/scoring/", {"kind": "custom", "start": "2026-11-20", "end": "2026-12-05"})
    assert custom.context["period"].kind == "custom" and custom.context["ranking"].total == D(10)
    assert client.get("/scoring/", {"period": "2026-Q4"}).context["period"].kind == "quarter"


def test_a_bad_parameter_is_400_naming_it(net, client_for):
    client = client_for("editor")
    for query, param in [({"period": "2026-13"}, "period"), ({"kind": "custom", "start": "2026-12-01"}, "end"),
                         ({"class": "x"}, "class"), ({"class": "999"}, "class"), ({"kind": "week"}, "kind")]:
        response = client.get("/scoring/", query)
        assert response.status_code == 400, query
        assert f"参数 {param} 有误" in _content(response)
    assert client.get("/scoring/rankings.xlsx", {"period": "x"}).status_code == 400


def test_the_class_filter_and_the_roll_up_of_the_province_desk(net, client_for):
    admin = net.admin
    province_chief = make_user("sheng_kz", net.province, "desk_chief", "editor", clearance=3)
    rules(net, net.province.desk, [line("adoption", 10)])
    chief = province_editor(net)
    forwarded = desk_services.entry_forward(actor=net.editor, entry=at_city(net))
    adopt(chief, forwarded, "东海信息")
    network_services.point_admit(actor=province_chief, unit=net.county, desk=net.province.desk,
                                 admitted_on=dt.date(2026, 1, 5), reason="直报点")
    from xinxi.items.models import DeskEntry

    direct = at_city(net)
    adopt(chief, DeskEntry.objects.get(item=direct.item, desk=net.province.desk), "东海信息", issue_no="第2期")
    adopt(chief, DeskEntry.objects.get(item=at_city(net).item, desk=net.province.desk), "东海信息", issue_no="第3期")
    client = client_for("admin")
    response = client.get("/scoring/", {"desk": net.province.desk.pk, "period": "2026-12", "view": "groups"})
    assert response.status_code == 200
    body = _content(response)
    city = next(g for g in response.context["ranking"].groups if g.unit == net.city)
    assert [(r.unit, r.share) for r in city.rows] == [(net.county, D("66.7")), (net.city, D("33.3"))]
    assert sum(g.share for g in response.context["ranking"].groups) == D(100)
    assert f'data-group="{net.city.pk}"' in body and "66.7%" in body and "33.3%" in body
    cities = UnitClass.objects.create(name="设区市")
    net.other_city.unit_class = cities
    net.other_city.save()
    filtered = client.get("/scoring/", {"desk": net.province.desk.pk, "period": "2026-12", "class": cities.pk})
    assert [r.unit for r in filtered.context["ranking"].rows] == [net.other_city]
    assert admin.is_admin


def test_another_desks_ranking_is_missing(net, client_for):
    assert client_for("editor").get("/scoring/", {"desk": net.province.desk.pk}).status_code == 404
    assert client_for("editor").get("/scoring/rankings.xlsx", {"desk": net.province.desk.pk}).status_code == 404
    assert client_for("reporter").get("/scoring/").status_code == 404
    assert client_for("editor").get("/scoring/", {"desk": net.city.desk.pk}).status_code == 200


def test_classified_titles_never_appear(net, client_for):
    rules(net, net.city.desk, [line("adoption", 10)])
    adopt(net.editor, at_city(net, title="绝密的会议内容不得外传", classification=net.reporter.clearance))
    for persona in ("editor", "duty_officer"):
        body = _content(client_for(persona).get("/scoring/", {"period": "2026-12"}))
        assert "绝密的会议内容" not in body
    data = client_for("duty_officer").get("/scoring/rankings.xlsx", {"period": "2026-12"}).content
    workbook = load_workbook(io.BytesIO(data))
    cells = [str(c.value) for ws in workbook.worksheets for r in ws.iter_rows() for c in r if c.value is not None]
    assert not any("绝密的会议内容" in c for c in cells)


def test_the_page_keeps_a_bounded_number_of_queries(net, client_for, django_assert_max_num_queries):
    rules(net, net.city.desk, [line("adoption", 10)])
    client = client_for("editor")
    client.get("/scoring/", {"period": "2026-12"})
    with django_assert_max_num_queries(22):
        client.get("/scoring/", {"period": "2026-12"})
    for n in range(6):
        make_unit(f"临江市第{n}局", net.city, kind="department")
        adopt(net.editor, at_city(net), issue_no=f"第{n}期")
    with django_assert_max_num_queries(22):
        response = client.get("/scoring/", {"period": "2026-12", "view": "groups"})
    assert len(response.context["ranking"].rows) >= 9


def test_the_xlsx_export_has_every_table(net, client_for):
    rules(net, net.city.desk, [line("adoption", 10)])
    adopt(net.editor, at_city(net))
    adopt(net.editor, at_city(net, tone="problem"), issue_no="第2期")
    response = client_for("editor").get("/scoring/rankings.xlsx", {"period": "2026-12"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["单位排名", "分组汇总", "名单", "月度趋势", "说明"]
    units = list(workbook["单位排名"].iter_rows(values_only=True))
    assert units[0][:3] == ("排名", "单位", "所属")
    header = units[0]
    first = dict(zip(header, units[1], strict=True))
    assert (first["排名"], first["单位"], first["报送"], first["本级采用"], first["得分"], first["全科室占比(%)"]) == (
        1, net.county.name, 2, 2, 20, 100)
    assert units[-1][0] == "合计"
    groups = list(workbook["分组汇总"].iter_rows(values_only=True))
    assert groups[1][:5] == (1, net.county.name, None, 20, 100)
    lists = {(r[0], r[1]) for r in workbook["名单"].iter_rows(min_row=2, values_only=True)}
    assert ("零分单位", net.town.name) in lists and ("零分单位", net.county.name) not in lists
    months = list(workbook["月度趋势"].iter_rows(min_row=2, values_only=True))
    assert len(months) == 12 and months[-1] == ("2026-12", 20)
    about = dict(workbook["说明"].iter_rows(values_only=True))
    assert about["统计期"].startswith("2026年12月") and about["导出人"] == net.editor.username


def test_a_unit_named_like_a_formula_stays_text(net, client_for):
    net.town.name = "=1+1"
    net.town.save()
    data = client_for("editor").get("/scoring/rankings.xlsx", {"period": "2026-12"}).content
    sheet = load_workbook(io.BytesIO(data))["单位排名"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)
