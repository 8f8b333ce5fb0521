"""Importing and exporting the roster of units and staff as Excel (.xlsx)."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from xinxi.audit.models import AuditEvent
from xinxi.lib.errors import ServiceError
from xinxi.network import roster
from xinxi.network.models import StaffMember, StaffRole, Unit, UnitClass
from xinxi.network.roster import STAFF_COLUMNS, UNIT_COLUMNS, normalise
from xinxi.network.testing import PERSONAS, make_unit

IMPORT_URL = "/network/import/"
TEMPLATE_URL = "/network/import/template.xlsx"
EXPORT_URL = "/network/export/roster.xlsx"


def make_xlsx(
    units: list[list[Any]] | None = None,
    staff: list[list[Any]] | None = None,
    *,
    unit_header: tuple[str, ...] | list[str] = UNIT_COLUMNS,
    staff_header: tuple[str, ...] | list[str] = STAFF_COLUMNS,
) -> bytes:
    """A roster workbook built in memory, the way a user fills one in."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "单位"
    ws.append(list(unit_header))
    for row in units or []:
        ws.append(row)
    ws = workbook.create_sheet("人员")
    ws.append(list(staff_header))
    for row in staff or []:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def unit_row(name: str, parent: str, *, kind: str = "党委办公室", level: str = "县级", code: Any = "370103",
             unit_class: str = "", sort: Any = 0) -> list[Any]:
    return [name, parent, kind, level, code, unit_class, sort, "在用"]


def upload(client: Client, content: bytes, name: str = "花名册.xlsx") -> Any:
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)}, follow=True)


def error_rows(response: Any) -> list[tuple[str, str, str, str]]:
    """The rows of the error report table: (sheet, row, column, message)."""
    html = response.content.decode()
    table = re.search(r'<table class="report-errors">(.*?)</table>', html, re.S)
    assert table, "no error report on the page"
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table.group(1))
    return [tuple(r) for r in rows]


def page_text(response: Any) -> str:
    return response.content.decode()


def read_export(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(response.content))


def sheet_rows(workbook: Any, name: str) -> list[tuple[Any, ...]]:
    return list(workbook[name].iter_rows(values_only=True))


# -- importing --------------------------------------------------------------------


def test_import_creates_units_and_staff_and_writes_one_audit_record(net, client_for):
    content = make_xlsx(
        units=[
            unit_row("  南城县委办公室 ", "临江市委办公室", code=370103),
            unit_row("南城镇", " 东海省委办公厅 / 临江市委办公室 / 南城县委办公室 ", kind="乡镇/街道", level="乡级",
                     code="370103001"),
        ],
        staff=[
            ["南城县委办公室", "陈  信息", "兼职信息员", "综合科科员", "0531-1234567", 13900001111],
            ["东城县委办公室", "刘专职", "专职信息员", None, None, None],
        ],
    )
    response = upload(client_for("desk_chief"), content)

    assert response.status_code == 200
    assert "导入完成：新建单位 2、更新单位 0、新增人员 2、更新人员 0" in page_text(response)
    county = Unit.objects.get(name="南城县委办公室")
    assert county.parent == net.city
    assert county.region_code == "370103"  # typed as a number in Excel
    assert county.path == f"{net.city.path}{county.pk}/"
    town = Unit.objects.get(name="南城镇")
    assert town.parent == county and town.get_level_display() == "乡级"
    member = StaffMember.objects.get(unit=county)
    assert (member.name, member.role, member.title, member.phone, member.mobile) == (
        "陈 信息", StaffRole.PARTTIME, "综合科科员", "0531-1234567", "13900001111"
    )
    assert StaffMember.objects.get(unit=net.county).name == "刘专职"
    event = AuditEvent.objects.get(action="roster_import")
    assert event.actor == net.desk_chief
    assert event.detail["units_created"] == 2 and event.detail["staff_added"] == 2


def test_import_updates_existing_units_and_staff(net, client_for):
    StaffMember.objects.create(unit=net.county, name="刘专职", role=StaffRole.PARTTIME, mobile="13900001111")
    version = net.county.version
    content = make_xlsx(
        units=[unit_row("东城县委办公室", "临江市委办公室", code="370102", sort=5)],
        staff=[["东城县委办公室", "刘专职", "专职信息员", "副科长", "", "13900002222"]],
    )
    response = upload(client_for("admin"), content)

    assert "导入完成：新建单位 0、更新单位 1、新增人员 0、更新人员 1" in page_text(response)
    net.county.refresh_from_db()
    assert net.county.sort_order == 5 and net.county.version == version + 1
    member = StaffMember.objects.get(unit=net.county)
    assert (member.role, member.title, member.mobile) == (StaffRole.FULLTIME, "副科长", "13900002222")
    assert StaffMember.objects.count() == 1


def test_columns_left_out_keep_their_values_on_update(net, client_for):
    cls = UnitClass.objects.create(name="县（市、区）")
    Unit.objects.filter(pk=net.county.pk).update(unit_class=cls, sort_order=7)
    StaffMember.objects.create(unit=net.county, name="刘专职", role=StaffRole.PARTTIME, mobile="13900001111")
    content = make_xlsx(
        units=[["东城县委办公室", "临江市委办公室", "党委办公室", "县级", "370102"]],
        staff=[["东城县委办公室", "刘专职", "专职信息员"]],
        unit_header=UNIT_COLUMNS[:5], staff_header=STAFF_COLUMNS[:3],
    )
    response = upload(client_for("admin"), content)

    assert "更新单位 0" in page_text(response) and "更新人员 1" in page_text(response)
    net.county.refresh_from_db()
    assert (net.county.unit_class, net.county.sort_order) == (cls, 7)
    assert StaffMember.objects.get(unit=net.county).mobile == "13900001111"


def test_one_bad_row_among_good_rows_imports_nothing_and_reports_every_problem(net, client_for):
    units_before, staff_before = Unit.objects.count(), StaffMember.objects.count()
    content = make_xlsx(
        units=[
            unit_row("南城县委办公室", "临江市委办公室"),
            unit_row("北城县委办公室", "临江市委办公室"),
            unit_row("西城县委办公室", "临江市委办公室", level="区级"),
            unit_row("中城县委办公室", "临江市委办公室", code="3701"),
        ],
        staff=[
            ["南城县委办公室", "陈信息", "兼职信息员", "", "", "13900001111"],
            ["北城县委办公室", "王信息", "兼职信息员", "", "", "12345"],
            ["西城县委办公室", "赵信息", "兼职信息员", "", "", ""],
        ],
    )
    response = upload(client_for("desk_chief"), content)

    text = page_text(response)
    assert response.status_code == 200
    assert "未导入任何数据" in text
    rows = error_rows(response)
    assert ("单位", "4", "层级", "层级“区级”不正确，应为：省级、市级、县级、乡级。") in rows
    assert ("单位", "5", "行政区划代码", "行政区划代码“3701”应为 6、9 或 12 位数字。") in rows
    assert any(r[:2] == ("人员", "3") and "手机号码“12345”" in r[3] for r in rows)
    # The staff row of the failed unit points at that unit's own error.
    assert any(r[:3] == ("人员", "4", "单位") and "见“单位”表第 4 行" in r[3] for r in rows)
    assert len(rows) == 4
    assert (Unit.objects.count(), StaffMember.objects.count()) == (units_before, staff_before)
    assert not AuditEvent.objects.filter(action__in=["roster_import", "unit_create", "staff_add"]).exists()


def test_missing_columns_are_named(net, client_for):
    header = [c for c in UNIT_COLUMNS if c not in ("层级", "行政区划代码")]
    response = upload(client_for("admin"), make_xlsx([["南城县委办公室", "临江市委办公室", "党委办公室"]],
                                                     unit_header=header))
    assert "未导入任何数据" in page_text(response)
    assert ("单位", "1", "层级、行政区划代码", "缺少必填列：层级、行政区划代码。") in error_rows(response)
    assert not Unit.objects.filter(name="南城县委办公室").exists()


def test_unknown_columns_are_an_error(net, client_for):
    response = upload(client_for("admin"), make_xlsx(
        staff=[["东城县委办公室", "刘专职", "专职信息员", "", "", "", "夜班"]],
        staff_header=[*STAFF_COLUMNS, "备注"],
    ))
    rows = error_rows(response)
    assert len(rows) == 1
    sheet, row, column, message = rows[0]
    assert (sheet, row, column) == ("人员", "1", "备注")
    assert message.startswith("有无法识别的列：备注。")
    assert not StaffMember.objects.exists()


def test_data_in_a_column_without_header_is_an_error(net, client_for):
    row = [*unit_row("南城县委办公室", "临江市委办公室"), None, "多出来的"]
    response = upload(client_for("admin"), make_xlsx([row]))
    assert ("单位", "2", "J", "第 J 列没有表头，却填有数据。") in error_rows(response)


@pytest.mark.parametrize("content", [
    "单位名称,上级单位,单位类型\n南城县委办公室,临江市委办公室,党委办公室\n".encode("gbk"),
    b"PK\x03\x04\x14\x00\x00\x00broken zip",
    make_xlsx()[:400],
], ids=["gbk-text", "corrupt-zip", "truncated-xlsx"])
def test_a_file_that_is_not_xlsx_is_refused(net, client_for, content):
    response = upload(client_for("admin"), content, name="花名册.xlsx")
    text = page_text(response)
    assert "不是有效的 Excel（.xlsx）文件" in text
    assert "未导入任何数据" in text


def test_an_oversized_file_is_refused_before_it_is_read(net, client_for, settings, monkeypatch):
    settings.XINXI_MAX_UPLOAD_BYTES = 2048
    content = make_xlsx([unit_row("南城县委办公室", "临江市委办公室")])
    assert len(content) > 2048

    def must_not_parse(data: Any) -> Any:
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(roster, "read_roster", must_not_parse)
    response = upload(client_for("admin"), content)
    assert "文件太大" in page_text(response) and "上限为 2 KB" in page_text(response)
    assert "未导入任何数据" in page_text(response)
    assert not Unit.objects.filter(name="南城县委办公室").exists()


def test_an_empty_or_missing_sheet_is_an_error(net, client_for):
    workbook = Workbook()
    workbook.active.title = "单位"
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = error_rows(upload(client_for("admin"), buffer.getvalue()))
    assert any(r[0] == "单位" and "是空的" in r[3] for r in rows)
    assert any(r[0] == "人员" and "没有名为“人员”的工作表" in r[3] for r in rows)


def test_a_file_with_headers_only_is_an_error(net, client_for):
    response = upload(client_for("admin"), make_xlsx())
    assert "文件里没有数据行" in page_text(response)


def test_more_than_5000_rows_is_refused(net, client_for):
    rows = [unit_row(f"单位{i}", "临江市委办公室") for i in range(roster.MAX_ROWS + 1)]
    response = upload(client_for("admin"), make_xlsx(rows))
    assert any("超过 5000 行" in r[3] for r in error_rows(response))
    assert not Unit.objects.filter(name="单位0").exists()


def test_an_ambiguous_name_asks_for_the_path(net, client_for):
    make_unit("东城镇", net.other_county, kind="township", region_code="370202001")
    response = upload(client_for("admin"), make_xlsx([unit_row("东城一村", "东城镇", kind="其他", level="乡级")]))
    rows = error_rows(response)
    assert len(rows) == 1
    assert rows[0][:3] == ("单位", "2", "上级单位")
    assert "“东城镇”不唯一" in rows[0][3] and "完整路径" in rows[0][3]
    assert not Unit.objects.filter(name="东城一村").exists()

    path = "东海省委办公厅/临江市委办公室/东城县委办公室/东城镇"
    response = upload(client_for("admin"), make_xlsx([unit_row("东城一村", path, kind="其他", level="乡级")]))
    assert "新建单位 1" in page_text(response)
    assert Unit.objects.get(name="东城一村").parent == net.town


def test_an_unknown_name_or_path_is_a_row_error(net, client_for):
    response = upload(client_for("admin"), make_xlsx(
        units=[unit_row("南城县委办公室", "临江市委")],
        staff=[["东海省委办公厅/青山市委办公室/东城县委办公室", "刘专职", "专职信息员", "", "", ""]],
    ))
    rows = error_rows(response)
    assert rows[0][:3] == ("单位", "2", "上级单位") and "找不到单位“临江市委”" in rows[0][3]
    assert rows[1][:3] == ("人员", "2", "单位")
    assert "“东海省委办公厅/青山市委办公室”下没有名为“东城县委办公室”的单位" in rows[1][3]


def test_a_parent_must_come_before_its_children(net, client_for):
    response = upload(client_for("admin"), make_xlsx([
        unit_row("南城镇", "南城县委办公室", kind="乡镇/街道", level="乡级"),
        unit_row("南城县委办公室", "临江市委办公室"),
    ]))
    rows = error_rows(response)
    assert len(rows) == 1 and "第 3 行" in rows[0][3] and "之前" in rows[0][3]
    assert not Unit.objects.filter(name="南城县委办公室").exists()


def test_duplicate_rows_are_reported(net, client_for):
    response = upload(client_for("admin"), make_xlsx(
        units=[unit_row("南城县委办公室", "临江市委办公室"), unit_row("南城县委办公室", "临江市委办公室", sort=3)],
        staff=[
            ["东城县委办公室", "刘专职", "专职信息员", "", "", ""],
            ["东城县委办公室", "刘专职", "兼职信息员", "", "", ""],
        ],
    ))
    rows = error_rows(response)
    assert ("单位", "3", "单位名称", "与第 2 行重复（同一上级单位下的同名单位）。") in rows
    assert ("人员", "3", "姓名", "与第 2 行重复（同一单位的同名人员）。") in rows


def test_unknown_unit_class_and_bad_choices_are_row_errors(net, client_for):
    UnitClass.objects.create(name="县（市、区）")
    response = upload(client_for("admin"), make_xlsx(
        units=[unit_row("南城县委办公室", "临江市委办公室", kind="办公室", unit_class="地级市")],
        staff=[["东城县委办公室", "刘专职", "信息员", "", "", ""]],
    ))
    rows = error_rows(response)
    assert ("单位", "2", "单位类别", "单位类别“地级市”不存在，现有类别：县（市、区）。") in rows
    assert any(r[:3] == ("单位", "2", "单位类型") and "“办公室”不正确" in r[3] for r in rows)
    assert any(r[:3] == ("人员", "2", "身份") and "分管领导、专职信息员、兼职信息员" in r[3] for r in rows)


def test_desk_chief_cannot_import_under_another_citys_unit(net, client_for):
    content = make_xlsx(
        units=[
            unit_row("南城县委办公室", "临江市委办公室"),
            unit_row("北山县委办公室", "青山市委办公室", code="370203"),
        ],
        staff=[["西山县委办公室", "吴信息", "兼职信息员", "", "", ""]],
    )
    response = upload(client_for("desk_chief"), content)

    # Units outside the chief's view are answered like missing ones: nothing leaks.
    rows = error_rows(response)
    assert any(r[:3] == ("单位", "3", "上级单位") and "找不到单位“青山市委办公室”" in r[3] for r in rows)
    assert any(r[:3] == ("人员", "2", "单位") and "找不到单位“西山县委办公室”" in r[3] for r in rows)
    assert len(rows) == 2
    assert "未导入任何数据" in page_text(response)
    assert not Unit.objects.filter(name__in=["南城县委办公室", "北山县委办公室"]).exists()
    assert not StaffMember.objects.exists()


def test_desk_chief_cannot_import_under_a_visible_unit_outside_the_subtree(net, client_for):
    # The province office is visible to the city chief (it is above them) but not theirs to manage.
    content = make_xlsx(units=[unit_row("东海省驻京联络处", "东海省委办公厅", level="省级", code="370000")])
    rows = error_rows(upload(client_for("desk_chief"), content))
    assert ("单位", "2", "—", "您无权在“东海省委办公厅”下新建单位（只能在本科室所辖范围内新建）。") in rows
    assert not Unit.objects.filter(name="东海省驻京联络处").exists()


def test_only_an_admin_creates_top_level_units(net, client_for):
    row = unit_row("南海省委办公厅", "", level="省级", code="460000")
    rows = error_rows(upload(client_for("desk_chief"), make_xlsx([row])))
    assert rows == [("单位", "2", "—", "只有系统管理员可以新建顶层单位（“上级单位”为空）。")]
    assert "新建单位 1" in page_text(upload(client_for("admin"), make_xlsx([row])))
    assert Unit.objects.get(name="南海省委办公厅").parent is None


def test_the_unmodified_template_is_refused(net, client_for):
    template = client_for("admin").get(TEMPLATE_URL).content
    rows = error_rows(upload(client_for("admin"), template))
    assert {(r[0], r[1]) for r in rows} == {("单位", "2"), ("人员", "2")}
    assert all("示例行" in r[3] for r in rows)


def test_cells_are_normalised():
    assert normalise(370102) == "370102"
    assert normalise(370102.0) == "370102"
    assert normalise(13900001111.0) == "13900001111"
    assert normalise(None) == ""
    assert normalise("  东城县\u3000 委办公室 \n") == "东城县 委办公室"


# -- exporting and the template ------------------------------------------------------------


def unit_names(workbook: Any) -> set[str]:
    return {row[0] for row in sheet_rows(workbook, "单位")[1:]}


def test_export_contains_only_what_the_user_may_see(net, client_for):
    StaffMember.objects.create(unit=net.county, name="刘专职", role=StaffRole.FULLTIME, mobile="13900001111")
    StaffMember.objects.create(unit=net.other_county, name="吴信息", role=StaffRole.PARTTIME)

    outsider = read_export(client_for("outsider").get(EXPORT_URL))
    assert {"西山县委办公室", "青山市委办公室", "东海省委办公厅"} <= unit_names(outsider)
    assert not unit_names(outsider) & {"临江市委办公室", "东城县委办公室", "东城镇"}
    assert [row[1] for row in sheet_rows(outsider, "人员")[1:]] == ["吴信息"]

    chief = read_export(client_for("desk_chief").get(EXPORT_URL))
    assert {"临江市委办公室", "东城县委办公室", "东城镇", "临江市应急管理局"} <= unit_names(chief)
    assert "西山县委办公室" not in unit_names(chief)
    assert sheet_rows(chief, "人员")[1:] == [("东城县委办公室", "刘专职", "专职信息员", None, None, "13900001111")]


def test_export_layout_and_file_name(net, client_for):
    response = client_for("desk_chief").get(EXPORT_URL)
    workbook = read_export(response)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    filename = unquote(disposition.split("''", 1)[1])
    assert re.fullmatch(r"信息网络花名册-\d{8}\.xlsx", filename)
    assert workbook.sheetnames[:2] == ["单位", "人员"]
    units = workbook["单位"]
    assert [c.value for c in units[1]] == list(UNIT_COLUMNS)
    assert all(c.font.bold for c in units[1])
    assert units.freeze_panes == "A2"
    assert units.column_dimensions["A"].width >= 20
    rows = sheet_rows(workbook, "单位")
    county = next(r for r in rows if r[0] == "东城县委办公室")
    assert county == ("东城县委办公室", "临江市委办公室", "党委办公室", "县级", "370102", None, 0, "在用")
    # Parents come before their children (tree order).
    names = [r[0] for r in rows[1:]]
    assert names.index("东海省委办公厅") < names.index("临江市委办公室") < names.index("东城县委办公室")
    assert [c.value for c in workbook["人员"][1]] == list(STAFF_COLUMNS)


def test_export_writes_formula_like_text_as_text(net, client_for):
    make_unit("=HYPERLINK(\"http://x\")", net.city, region_code="370104")
    workbook = read_export(client_for("admin").get(EXPORT_URL))
    cell = next(c for c in workbook["单位"]["A"] if c.value == "=HYPERLINK(\"http://x\")")
    assert cell.data_type == "s"


def test_export_uses_paths_for_names_that_are_not_unique(net, client_for):
    make_unit("东城镇", net.other_county, kind="township", region_code="370202001")
    make_unit("东城一村", net.town, kind="other", region_code="370102001")
    StaffMember.objects.create(unit=net.town, name="张伟", role=StaffRole.PARTTIME)
    workbook = read_export(client_for("admin").get(EXPORT_URL))
    path = "东海省委办公厅/临江市委办公室/东城县委办公室/东城镇"
    assert ("东城一村", path) in {r[:2] for r in sheet_rows(workbook, "单位")}
    assert ("东城县委办公室", "临江市委办公室") in {r[:2] for r in sheet_rows(workbook, "单位")}
    assert sheet_rows(workbook, "人员")[1][:2] == (path, "张伟")


def roundtrip(client: Client) -> Any:
    exported = client.get(EXPORT_URL).content
    return upload(client, exported, name="信息网络花名册.xlsx")


@pytest.mark.parametrize("persona", ["admin", "desk_chief"])
def test_export_then_import_changes_nothing(net, client_for, persona):
    cls = UnitClass.objects.create(name="县（市、区）")
    Unit.objects.filter(pk=net.county.pk).update(unit_class=cls, sort_order=3)
    make_unit("东城镇", net.other_county, kind="township", region_code="370202001")
    make_unit("旧城镇", net.county, kind="township", region_code="370102002", active=False)
    StaffMember.objects.create(unit=net.county, name="刘专职", role=StaffRole.FULLTIME, title="科长",
                               phone="0531-1234567", mobile="13900001111")
    StaffMember.objects.create(unit=net.town, name="张伟", role=StaffRole.PARTTIME)
    StaffMember.objects.create(unit=net.town, name="张伟", role=StaffRole.PARTTIME, mobile="13900003333")
    StaffMember.objects.create(unit=net.province, name="省领导", role=StaffRole.LEADER)
    before_units = list(Unit.objects.values().order_by("pk"))
    before_staff = list(StaffMember.objects.values().order_by("pk"))

    response = roundtrip(client_for(persona))

    text = page_text(response)
    assert "导入完成：新建单位 0、更新单位 0、新增人员 0、更新人员 0" in text
    assert "与现有数据相同，未作改动" in text
    assert list(Unit.objects.values().order_by("pk")) == before_units
    assert list(StaffMember.objects.values().order_by("pk")) == before_staff


def test_edited_export_reimports_as_updates(net, client_for):
    client = client_for("desk_chief")
    workbook = load_workbook(io.BytesIO(client.get(EXPORT_URL).content))
    units = workbook["单位"]
    row = next(r for r in units.iter_rows(min_row=2) if r[0].value == "东城县委办公室")
    row[6].value = 9
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, buffer.getvalue())
    assert "新建单位 0、更新单位 1、新增人员 0、更新人员 0" in page_text(response)
    net.county.refresh_from_db()
    assert net.county.sort_order == 9


def test_export_queries_are_bounded(net, client_for, django_assert_max_num_queries):
    client = client_for("admin")
    for i in range(20):
        unit = make_unit(f"测试镇{i}", net.county, kind="township", region_code=f"370102{i:03d}")
        StaffMember.objects.bulk_create([
            StaffMember(unit=unit, name=f"信息员{i}-{j}", role=StaffRole.PARTTIME) for j in range(3)
        ])
    with django_assert_max_num_queries(12):
        response = client.get(EXPORT_URL)
    assert len(sheet_rows(read_export(response), "人员")) == 61


def test_template_has_both_sheets_an_example_row_each_and_the_rules(net, client_for):
    UnitClass.objects.create(name="县（市、区）")
    response = client_for("desk_chief").get(TEMPLATE_URL)
    workbook = read_export(response)
    assert workbook.sheetnames == ["单位", "人员", "说明"]
    units, staff = sheet_rows(workbook, "单位"), sheet_rows(workbook, "人员")
    assert units[0] == UNIT_COLUMNS and staff[0] == STAFF_COLUMNS
    assert len(units) == 2 and len(staff) == 2
    assert units[1][2:5] == ("党委办公室", "县级", "370102")
    help_text = " ".join(str(v) for row in sheet_rows(workbook, "说明") for v in row if v)
    for value in ("党委办公室", "特约信息员点（人大代表/政协委员）", "省级", "乡级", "分管领导", "兼职信息员",
                  "县（市、区）", "完整路径", "5000"):
        assert value in help_text


# -- access ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_import_page_and_template_are_for_network_managers_only(net, client_for, persona):
    client = client_for(persona)
    expected = 200 if persona in ("admin", "desk_chief") else 404
    response = client.get(IMPORT_URL)
    assert response.status_code == expected
    assert client.get(TEMPLATE_URL).status_code == expected
    content = make_xlsx([unit_row("南城县委办公室", "临江市委办公室")])
    assert client.post(IMPORT_URL, {"file": SimpleUploadedFile("a.xlsx", content)}).status_code in (
        (302,) if expected == 200 else (404,)
    )
    if expected == 200:
        text = page_text(response)
        assert 'enctype="multipart/form-data"' in text
        assert TEMPLATE_URL in text and EXPORT_URL in text


@pytest.mark.parametrize("persona", PERSONAS)
def test_export_is_for_every_logged_in_user(net, client_for, persona):
    workbook = read_export(client_for(persona).get(EXPORT_URL))
    assert unit_names(workbook)  # everyone sees at least their own chain


@pytest.mark.parametrize("url", [IMPORT_URL, TEMPLATE_URL, EXPORT_URL])
def test_anonymous_users_are_sent_to_login(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_only_network_managers_may_call_the_import(net):
    content = SimpleUploadedFile("a.xlsx", make_xlsx([unit_row("南城县委办公室", "临江市委办公室")]))
    with pytest.raises(ServiceError):
        roster.roster_import(actor=net.editor, upload=content)
    assert not AuditEvent.objects.filter(action="roster_import").exists()


def test_import_form_requires_a_file(net, client_for):
    response = client_for("admin").post(IMPORT_URL, {})
    assert response.status_code == 200
    assert "field-error" in page_text(response)


def test_export_is_audited_and_linked_from_the_tree(net, client_for):
    from xinxi.audit.models import AuditEvent

    client = client_for("duty_officer")
    assert "导出花名册" in client.get("/network/").content.decode()
    assert "导入单位与人员" not in client.get("/network/").content.decode()
    assert "导入单位与人员" in client_for("desk_chief").get("/network/").content.decode()
    client.get("/network/export/roster.xlsx")
    assert AuditEvent.objects.filter(action="roster_export", actor=net.duty_officer).exists()
