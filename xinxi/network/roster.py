"""The roster (花名册) of units and staff as Excel: import, export and the blank template.

The exported workbook is also the import format, so an export re-imports cleanly:
sheet "单位" (one row per unit, parents before children) and sheet "人员" (one row
per staff member). Values are the Chinese labels users see in the pages.

An import is all-or-nothing: every row goes through the network services (which check
permissions) inside one transaction; every problem is collected with its sheet, row
and column, and if there is any, the transaction is rolled back and nothing is written.
Rows identical to what is stored are left alone, so re-importing an export changes
nothing, even for units the importer may see but not manage.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.enums import Choices
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xinxi.audit.services import audit_record
from xinxi.lib.errors import ServiceError, error_text
from xinxi.network import permissions, services
from xinxi.network.models import Level, StaffMember, StaffRole, Unit, UnitClass, UnitKind, region_code_validator

if TYPE_CHECKING:
    from xinxi.accounts.models import User

UNIT_SHEET = "单位"
STAFF_SHEET = "人员"
HELP_SHEET = "说明"
UNIT_COLUMNS = ("单位名称", "上级单位", "单位类型", "层级", "行政区划代码", "单位类别", "排序", "状态")
UNIT_REQUIRED = UNIT_COLUMNS[:5]
STAFF_COLUMNS = ("单位", "姓名", "身份", "职务", "办公电话", "手机")
STAFF_REQUIRED = STAFF_COLUMNS[:3]
UNIT_WIDTHS = (30, 46, 22, 8, 14, 16, 8, 8)
STAFF_WIDTHS = (46, 12, 14, 20, 18, 16)
TEXT_COLUMNS = {UNIT_SHEET: ("行政区划代码",), STAFF_SHEET: ("办公电话", "手机")}
STATUS_LABELS = {True: "在用", False: "停用"}

MAX_ROWS = 5000
# A zip can expand enormously; no honest roster comes near this.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
EXAMPLE_PREFIX = "示例："
PATH_SEPARATORS = re.compile(r"[/／]")
NOT_XLSX = (
    "不是有效的 Excel（.xlsx）文件。请用 Excel 或 WPS 打开后“另存为” .xlsx 格式再上传"
    "（.xls、.csv 文件和设置了打开密码的文件不能直接导入）。"
)
PATH_HINT = "请写出从顶层单位开始、用“/”分隔的完整路径"


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class RowError:
    """One problem, located the way Excel shows it (row 1 is the header)."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)
    units_created: int = 0
    units_updated: int = 0
    staff_added: int = 0
    staff_updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.row_errors

    def counts(self) -> dict[str, int]:
        return {
            "units_created": self.units_created,
            "units_updated": self.units_updated,
            "staff_added": self.staff_added,
            "staff_updated": self.staff_updated,
            "unchanged": self.unchanged,
        }

    def summary(self) -> str:
        text = (
            f"新建单位 {self.units_created}、更新单位 {self.units_updated}、"
            f"新增人员 {self.staff_added}、更新人员 {self.staff_updated}"
        )
        if self.unchanged:
            text += f"（另有 {self.unchanged} 行与现有数据相同，未作改动）"
        return text


class FileProblem(Exception):
    """The upload as a whole cannot be read; the message is for the user."""


class SheetProblems(Exception):
    """The sheets' headers or sizes are wrong, so no row is looked at."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


# ---------------------------------------------------------------------------
# Reading a workbook


def normalise(value: object) -> str:
    """A cell as text: numbers without a trailing ".0", whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


@dataclass
class Sheet:
    name: str
    columns: dict[str, int]
    rows: list[tuple[int, tuple[str, ...]]]

    def value(self, values: tuple[str, ...], column: str) -> str | None:
        """The cell of ``column`` in a row; None when the sheet has no such column."""
        index = self.columns.get(column)
        if index is None:
            return None
        return values[index] if index < len(values) else ""


def _open_workbook(data: IO[bytes]) -> Any:
    try:
        data.seek(0)
        with zipfile.ZipFile(data) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileProblem(NOT_XLSX) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise FileProblem("文件解压后的内容过大，不像是单位和人员名单，请检查文件。")
    data.seek(0)
    try:
        return load_workbook(data, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise FileProblem(NOT_XLSX) from None


def _read_sheet(workbook: Any, name: str, known: tuple[str, ...], required: tuple[str, ...]) -> Sheet | list[RowError]:
    """The sheet's header and non-blank rows, or the problems that stop it being read."""
    if name not in workbook.sheetnames:
        return [RowError(name, None, "", f"文件中没有名为“{name}”的工作表（请使用导入模板）。")]
    rows: Iterator[tuple[Any, ...]] = workbook[name].iter_rows(values_only=True)
    header = [normalise(v).rstrip("*＊ ") for v in next(rows, ())]
    if not any(header):
        return [RowError(name, None, "", f"工作表“{name}”是空的：第 1 行应为表头（{'、'.join(known)}）。")]
    columns: dict[str, int] = {}
    unknown: list[str] = []
    errors: list[RowError] = []
    for index, title in enumerate(header):
        if not title:
            continue
        if title not in known:
            unknown.append(title)
        elif title in columns:
            errors.append(RowError(name, 1, title, f"列“{title}”出现了两次。"))
        else:
            columns[title] = index
    missing = [c for c in required if c not in columns]
    if missing:
        errors.append(RowError(name, 1, "、".join(missing), f"缺少必填列：{'、'.join(missing)}。"))
    if unknown:
        errors.append(RowError(
            name, 1, "、".join(unknown),
            f"有无法识别的列：{'、'.join(unknown)}。允许的列为：{'、'.join(known)}（请勿增加其他列）。",
        ))
    data: list[tuple[int, tuple[str, ...]]] = []
    stray: dict[int, int] = {}  # column index without a header → first row using it
    for row_no, raw in enumerate(rows, start=2):
        values = tuple(normalise(v) for v in raw)
        if not any(values):
            continue
        if len(data) == MAX_ROWS:
            errors.append(RowError(name, row_no, "", f"工作表“{name}”超过 {MAX_ROWS} 行的上限，请分批导入。"))
            break
        for index, value in enumerate(values):
            if value and (index >= len(header) or not header[index]):
                stray.setdefault(index, row_no)
        data.append((row_no, values))
    for index, row_no in sorted(stray.items()):
        letter = get_column_letter(index + 1)
        errors.append(RowError(name, row_no, letter, f"第 {letter} 列没有表头，却填有数据。"))
    return errors or Sheet(name, columns, data)


def read_roster(data: IO[bytes]) -> tuple[Sheet, Sheet]:
    """Both sheets of an uploaded roster; FileProblem or a list of problems otherwise."""
    workbook = _open_workbook(data)
    try:
        units = _read_sheet(workbook, UNIT_SHEET, UNIT_COLUMNS, UNIT_REQUIRED)
        staff = _read_sheet(workbook, STAFF_SHEET, STAFF_COLUMNS, STAFF_REQUIRED)
    except Exception:  # a damaged sheet only shows up while its rows are read
        raise FileProblem(NOT_XLSX) from None
    finally:
        workbook.close()
    problems = [e for part in (units, staff) if isinstance(part, list) for e in part]
    if problems:
        raise SheetProblems(problems)
    assert isinstance(units, Sheet) and isinstance(staff, Sheet)
    if not units.rows and not staff.rows:
        raise FileProblem("文件里没有数据行：请在“单位”或“人员”工作表第 2 行起填写。")
    return units, staff


# ---------------------------------------------------------------------------
# Finding units by name or path


class RefError(Exception):
    """A unit reference that does not name exactly one unit; the message is for the user."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


class UnitIndex:
    """The units the user may see, in memory, kept up to date as the import creates units."""

    def __init__(self, units: Iterable[Unit], visible_ids: set[int]) -> None:
        self.by_pk: dict[int, Unit] = {}
        self.by_name: dict[str, list[Unit]] = {}
        self.by_parent: dict[tuple[int | None, str], Unit] = {}
        self.visible_ids = visible_ids
        for unit in units:
            self.add(unit)

    def add(self, unit: Unit) -> None:
        self.by_pk[unit.pk] = unit
        self.by_name.setdefault(unit.name, []).append(unit)
        self.by_parent[(unit.parent_id, unit.name)] = unit

    def child(self, parent: Unit | None, name: str) -> Unit | None:
        return self.by_parent.get((parent.pk if parent else None, name))

    def path_of(self, unit: Unit) -> str:
        names = [self.by_pk[i].name for i in unit.ancestor_ids if i in self.by_pk]
        return "/".join([*names, unit.name])

    def resolve(self, ref: str) -> Unit:
        """The unit a cell names: a name unique among visible units, or a path from the top."""
        if ref in self.by_name or not PATH_SEPARATORS.search(ref):
            return self._by_unique_name(ref, ref)
        parts = [p.strip() for p in PATH_SEPARATORS.split(ref)]
        if not all(parts):
            raise RefError(f"单位路径“{ref}”格式不正确：各级单位名称之间用一个“/”分隔，不能留空。")
        roots = [u for u in self.by_name.get(parts[0], []) if u.parent_id is None]
        current = roots[0] if roots else self._by_unique_name(parts[0], ref)
        for part in parts[1:]:
            child = self.by_parent.get((current.pk, part))
            if child is None:
                raise RefError(
                    f"找不到单位“{ref}”：“{self.path_of(current)}”下没有名为“{part}”的单位。", missing=True
                )
            current = child
        return current

    def _by_unique_name(self, name: str, ref: str) -> Unit:
        matches = self.by_name.get(name, [])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise RefError(
                f"找不到单位“{ref}”。请核对名称，或{PATH_HINT}，如“省委办公厅/市委办公室/县委办公室”。", missing=True
            )
        example = next((self.path_of(u) for u in matches if u.pk in self.visible_ids), "")
        example_text = f"，如“{example}”" if example else ""
        raise RefError(f"单位名称“{name}”不唯一（共有 {len(matches)} 个同名单位），{PATH_HINT}{example_text}。")


# ---------------------------------------------------------------------------
# Importing


def _choice(raw: str | None, choices: type[Choices], label: str, problems: list[tuple[str, str]]) -> Any:
    """The stored value for a label (or a stored value typed as is)."""
    text = raw or ""
    by_text = {str(lbl): value for value, lbl in choices.choices} | {str(v): v for v in choices.values}
    if text in by_text:
        return by_text[text]
    allowed = "、".join(str(lbl) for lbl in choices.labels)
    shown = f"“{text}”不正确" if text else "不能为空"
    problems.append((label, f"{label}{shown}，应为：{allowed}。"))
    return None


class _Importer:
    """One import run: the in-memory index, the counts and the problems."""

    def __init__(self, actor: User, result: ImportResult, unit_sheet: Sheet) -> None:
        self.actor = actor
        self.result = result
        # Only units the user may see (and their ancestors, whose names paths show anyway)
        # are named: an error must not reveal the others.
        visible = set(permissions.visible_units(actor).values_list("pk", flat=True))
        self.units = UnitIndex(
            Unit.objects.filter(pk__in=nameable_ids(visible)).select_related("unit_class").order_by("path"), visible
        )
        self.classes = {c.name: c for c in UnitClass.objects.all()}
        self.unit_rows: dict[tuple[int | None, str], int] = {}
        self.failed_units: dict[str, int] = {}
        # Where each unit name appears in the unit sheet, to explain forward references.
        self.unit_name_rows: dict[str, int] = {}
        for row_no, values in unit_sheet.rows:
            self.unit_name_rows.setdefault(unit_sheet.value(values, "单位名称") or "", row_no)
        self.members: dict[int, list[StaffMember]] = {}
        self.staff_rows: dict[tuple[int, str], int] = {}
        self.matched: set[int] = set()

    def problem(self, sheet: str, row: int, column: str, message: str) -> None:
        self.result.row_errors.append(RowError(sheet, row, column, message))

    def resolve(self, ref: str, row_no: int | None = None) -> Unit:
        """Resolve a reference; ``row_no`` is the row of the unit sheet that makes it."""
        try:
            return self.units.resolve(ref)
        except RefError as exc:
            if not exc.missing:
                raise
            name = PATH_SEPARATORS.split(ref)[-1].strip()
            if name in self.failed_units:
                raise RefError(
                    f"单位“{ref}”未能导入（见“{UNIT_SHEET}”表第 {self.failed_units[name]} 行的错误）。"
                ) from None
            later = self.unit_name_rows.get(name)
            if later is not None and row_no is not None and later > row_no:
                raise RefError(
                    f"找不到单位“{ref}”：它在“{UNIT_SHEET}”表第 {later} 行，上级单位须排在下级单位之前。"
                ) from None
            raise

    # -- units ------------------------------------------------------------

    def unit_row(self, sheet: Sheet, row_no: int, values: tuple[str, ...]) -> None:
        name = sheet.value(values, "单位名称") or ""
        if name.startswith(EXAMPLE_PREFIX):
            self.problem(UNIT_SHEET, row_no, "单位名称", "这是模板中的示例行，请删除后再导入。")
            return
        fields, parent, problems = self._unit_fields(sheet, row_no, values)
        if not name:
            problems.insert(0, ("单位名称", "单位名称不能为空。"))
        for column, message in problems:
            self.problem(UNIT_SHEET, row_no, column, message)
        if problems:
            self.failed_units.setdefault(name, row_no)
            return
        key = (parent.pk if parent else None, name)
        if key in self.unit_rows:
            duplicate = f"与第 {self.unit_rows[key]} 行重复（同一上级单位下的同名单位）。"
            self.problem(UNIT_SHEET, row_no, "单位名称", duplicate)
            return
        self.unit_rows[key] = row_no
        try:
            self._save_unit(name, parent, fields)
        except ServiceError as exc:
            self.failed_units.setdefault(name, row_no)
            self.problem(UNIT_SHEET, row_no, "", self._unit_refusal(exc, name, parent))
        except IntegrityError:
            self.failed_units.setdefault(name, row_no)
            self.problem(UNIT_SHEET, row_no, "单位名称", "与他人同时进行的修改冲突，请稍后重新导入。")

    def _unit_fields(
        self, sheet: Sheet, row_no: int, values: tuple[str, ...]
    ) -> tuple[dict[str, Any], Unit | None, list[tuple[str, str]]]:
        problems: list[tuple[str, str]] = []
        parent = None
        parent_ref = sheet.value(values, "上级单位")
        if parent_ref:
            try:
                parent = self.resolve(parent_ref, row_no)
            except RefError as exc:
                problems.append(("上级单位", str(exc)))
        fields: dict[str, Any] = {
            "kind": _choice(sheet.value(values, "单位类型"), UnitKind, "单位类型", problems),
            "level": _choice(sheet.value(values, "层级"), Level, "层级", problems),
        }
        region_code = sheet.value(values, "行政区划代码") or ""
        try:
            region_code_validator(region_code)
        except ValidationError:
            problems.append(("行政区划代码", f"行政区划代码“{region_code}”应为 6、9 或 12 位数字。"))
        fields["region_code"] = region_code
        class_name = sheet.value(values, "单位类别")
        if class_name is not None:
            fields["unit_class"] = self.classes.get(class_name) if class_name else None
            if class_name and fields["unit_class"] is None:
                known = "、".join(self.classes) or "（尚未设置任何类别）"
                problems.append(("单位类别", f"单位类别“{class_name}”不存在，现有类别：{known}。"))
        sort_order = sheet.value(values, "排序")
        if sort_order is not None:
            if sort_order and not (sort_order.isdigit() and int(sort_order) < 10**9):
                problems.append(("排序", f"排序“{sort_order}”应为不小于 0 的整数。"))
            else:
                fields["sort_order"] = int(sort_order or 0)
        return fields, parent, problems

    def _save_unit(self, name: str, parent: Unit | None, fields: dict[str, Any]) -> None:
        existing = self.units.child(parent, name)
        if existing is None:
            unit = services.unit_create(actor=self.actor, name=name, parent=parent, **fields)
            self.units.add(unit)
            self.units.visible_ids.add(unit.pk)
            self.result.units_created += 1
            return
        current: dict[str, Any] = {
            "kind": existing.kind, "level": existing.level, "region_code": existing.region_code,
            "unit_class": existing.unit_class, "sort_order": existing.sort_order,
        }
        wanted = current | fields
        if wanted == current:
            self.result.unchanged += 1
            return
        services.unit_update(actor=self.actor, unit=existing, version=existing.version, name=name, **wanted)
        self.result.units_updated += 1

    def _unit_refusal(self, exc: ServiceError, name: str, parent: Unit | None) -> str:
        if getattr(exc, "code", None) != "forbidden":
            return error_text(exc)
        if self.units.child(parent, name) is not None:
            return f"您无权修改单位“{name}”（只能修改本科室所辖范围内的单位）。"
        if parent is None:
            return "只有系统管理员可以新建顶层单位（“上级单位”为空）。"
        return f"您无权在“{parent.name}”下新建单位（只能在本科室所辖范围内新建）。"

    # -- staff ------------------------------------------------------------

    def staff_row(self, sheet: Sheet, row_no: int, values: tuple[str, ...]) -> None:
        unit_ref = sheet.value(values, "单位") or ""
        name = sheet.value(values, "姓名") or ""
        if name.startswith(EXAMPLE_PREFIX) or unit_ref.startswith(EXAMPLE_PREFIX):
            self.problem(STAFF_SHEET, row_no, "姓名", "这是模板中的示例行，请删除后再导入。")
            return
        problems: list[tuple[str, str]] = []
        unit = None
        if not unit_ref:
            problems.append(("单位", "单位不能为空。"))
        else:
            try:
                unit = self.resolve(unit_ref)
            except RefError as exc:
                problems.append(("单位", str(exc)))
        if not name:
            problems.append(("姓名", "姓名不能为空。"))
        elif len(name) > 50:
            problems.append(("姓名", "姓名不能超过 50 个字。"))
        fields: dict[str, Any] = {"role": _choice(sheet.value(values, "身份"), StaffRole, "身份", problems)}
        for column, key in (("职务", "title"), ("办公电话", "phone"), ("手机", "mobile")):
            value = sheet.value(values, column)
            if value is not None:
                fields[key] = value
        if len(fields.get("title", "")) > 50:
            problems.append(("职务", "职务不能超过 50 个字。"))
        for column, message in problems:
            self.problem(STAFF_SHEET, row_no, column, message)
        if problems or unit is None:
            return
        try:
            self._save_member(unit, name, fields, row_no)
        except ServiceError as exc:
            message = error_text(exc)
            if getattr(exc, "code", None) == "forbidden":
                message = f"您无权管理“{unit.name}”的人员（只能导入本科室所辖单位的人员）。"
            self.problem(STAFF_SHEET, row_no, "", message)

    def _members_of(self, unit: Unit) -> list[StaffMember]:
        if unit.pk not in self.members:
            members = list(StaffMember.objects.filter(unit=unit).order_by("pk"))
            for member in members:
                member.unit = unit  # spare the services a query each
            self.members[unit.pk] = members
        return self.members[unit.pk]

    def _save_member(self, unit: Unit, name: str, fields: dict[str, Any], row_no: int) -> None:
        namesakes = [m for m in self._members_of(unit) if m.name == name]
        key = (unit.pk, name)
        for member in namesakes:
            current = {"role": member.role, "title": member.title, "phone": member.phone, "mobile": member.mobile}
            if member.pk not in self.matched and current | fields == current:
                self.matched.add(member.pk)
                self.staff_rows.setdefault(key, row_no)
                self.result.unchanged += 1
                return
        if key in self.staff_rows:
            self.problem(STAFF_SHEET, row_no, "姓名", f"与第 {self.staff_rows[key]} 行重复（同一单位的同名人员）。")
            return
        self.staff_rows[key] = row_no
        if len(namesakes) > 1:
            self.problem(
                STAFF_SHEET, row_no, "姓名",
                f"“{unit.name}”有 {len(namesakes)} 名叫“{name}”的人员，无法确定更新哪一位，请在单位页面修改。",
            )
            return
        if not namesakes:
            services.staff_add(actor=self.actor, unit=unit, name=name, **fields)
            self.result.staff_added += 1
            return
        member = namesakes[0]
        wanted = {"role": member.role, "title": member.title, "phone": member.phone, "mobile": member.mobile} | fields
        services.staff_update(actor=self.actor, member=member, name=name, active=member.active, **wanted)
        self.matched.add(member.pk)
        self.result.staff_updated += 1


def roster_import(*, actor: User, upload: Any) -> ImportResult:
    """Import an uploaded roster workbook: everything, or nothing and a list of problems.

    ``upload`` is a Django ``UploadedFile`` (anything with ``size``, ``name`` and a
    seekable binary file interface). Only network managers may import; each row is
    further checked by the service that writes it.
    """
    if not permissions.can_manage_network(actor):
        raise ServiceError(services.NOT_ALLOWED, code="forbidden")
    result = ImportResult()
    limit = settings.XINXI_MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        result.file_errors.append(
            f"文件太大（{_size_text(upload.size or 0)}），上限为 {_size_text(limit)}，请拆分后分批导入。"
        )
        return result
    try:
        unit_sheet, staff_sheet = read_roster(upload)
    except FileProblem as exc:
        result.file_errors.append(str(exc))
        return result
    except SheetProblems as exc:
        result.row_errors.extend(exc.errors)
        return result
    with transaction.atomic():
        importer = _Importer(actor, result, unit_sheet)
        for row_no, values in unit_sheet.rows:
            importer.unit_row(unit_sheet, row_no, values)
        for row_no, values in staff_sheet.rows:
            importer.staff_row(staff_sheet, row_no, values)
        if result.ok:
            detail: dict[str, Any] = {**result.counts(), "file": str(upload.name or "")[:200]}
            audit_record(actor=actor, action="roster_import", detail=detail)
        else:
            transaction.set_rollback(True)
    return result


def _size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


# ---------------------------------------------------------------------------
# Writing workbooks


def nameable_ids(visible: set[int]) -> set[int]:
    """The units a user's files may name: those they see, and the ancestors of those."""
    paths = Unit.objects.filter(pk__in=visible).values_list("path", flat=True)
    return visible | {int(p) for path in paths for p in path.strip("/").split("/") if p}


class _References:
    """How the export names a unit: its name when unique among nameable units, else its path."""

    def __init__(self, units: list[Unit]) -> None:
        self.names = {u.pk: u.name for u in units}
        missing = {i for u in units for i in u.ancestor_ids} - self.names.keys()
        self.names.update(Unit.objects.filter(pk__in=missing).values_list("pk", "name"))
        counts = Counter(self.names.values())
        self.duplicated = {name for name, n in counts.items() if n > 1}

    def of(self, unit: Unit) -> str:
        if unit.name not in self.duplicated:
            return unit.name
        return "/".join([*(self.names.get(i, "?") for i in unit.ancestor_ids), unit.name])

    def parent_of(self, unit: Unit) -> str:
        if unit.parent_id is None:
            return ""
        name = self.names[unit.parent_id]
        if name not in self.duplicated:
            return name
        return "/".join(self.names.get(i, "?") for i in unit.ancestor_ids)


SHEET_COLUMNS = {UNIT_SHEET: UNIT_COLUMNS, STAFF_SHEET: STAFF_COLUMNS}


def _header(ws: Any, widths: tuple[int, ...], required: tuple[str, ...]) -> None:
    """Bold, frozen header; required columns in red; text columns formatted as text."""
    fill = PatternFill("solid", fgColor="F0F2F5")
    for index, (title, width) in enumerate(zip(SHEET_COLUMNS[ws.title], widths, strict=True), start=1):
        cell = ws.cell(row=1, column=index, value=title)
        cell.font = Font(bold=True, color="B71C1C" if title in required else "000000")
        cell.fill = fill
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = width
        if title in TEXT_COLUMNS.get(ws.title, ()):
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"


def _write_rows(ws: Any, rows: Iterable[list[Any]]) -> None:
    """Rows from row 2 on; text is always text (a name starting with "=" is no formula)."""
    columns = SHEET_COLUMNS[ws.title]
    text_columns = TEXT_COLUMNS.get(ws.title, ())
    for row_no, values in enumerate(rows, start=2):
        for index, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=row_no, column=index, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
                if columns[index - 1] in text_columns:
                    cell.number_format = "@"


def _dropdown(ws: Any, column: str, labels: Iterable[str]) -> None:
    """A drop-down list of the allowed labels (a warning, not a block, when typed otherwise)."""
    letter = get_column_letter(SHEET_COLUMNS[ws.title].index(column) + 1)
    validation = DataValidation(
        type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True, errorStyle="warning",
        error="请从下拉列表中选择。", errorTitle=column,
    )
    ws.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}1048576")


def _new_workbook() -> tuple[Any, Any, Any]:
    workbook = Workbook()
    units = workbook.active
    units.title = UNIT_SHEET
    staff = workbook.create_sheet(STAFF_SHEET)
    _header(units, UNIT_WIDTHS, UNIT_REQUIRED)
    _header(staff, STAFF_WIDTHS, STAFF_REQUIRED)
    _dropdown(units, "单位类型", (str(x) for x in UnitKind.labels))
    _dropdown(units, "层级", (str(x) for x in Level.labels))
    _dropdown(staff, "身份", (str(x) for x in StaffRole.labels))
    return workbook, units, staff


def _to_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_export(*, user: Any) -> bytes:
    """The units and staff the user may see, as a workbook that re-imports cleanly."""
    units = list(permissions.visible_units(user).select_related("unit_class").order_by("path"))
    by_pk = {u.pk: u for u in units}
    staff = [
        m for m in permissions.visible_staff(user).order_by("unit__path", "role", "name", "pk")
        if m.unit_id in by_pk
    ]
    refs = _References(units)
    # The roster holds phone numbers: who took a copy is recorded.
    audit_record(actor=user, action="roster_export", detail={"units": len(units), "staff": len(staff)})
    workbook, unit_ws, staff_ws = _new_workbook()
    _write_rows(unit_ws, (
        [
            unit.name, refs.parent_of(unit), unit.get_kind_display(), unit.get_level_display(), unit.region_code,
            unit.unit_class.name if unit.unit_class else "", unit.sort_order, STATUS_LABELS[unit.active],
        ]
        for unit in units
    ))
    _write_rows(staff_ws, (
        [refs.of(by_pk[m.unit_id]), m.name, m.get_role_display(), m.title, m.phone, m.mobile]
        for m in staff
    ))
    return _to_bytes(workbook)


HELP_RULES = (
    "文件须包含“单位”和“人员”两个工作表，第 1 行为表头，列名与本模板一致，不能增加其他列；"
    "“说明”等其他工作表不会导入。",
    "单位表必填列：单位名称、上级单位、单位类型、层级、行政区划代码；人员表必填列：单位、姓名、身份。"
    "其余列可以整列删去，删去的列在更新时保留原值。",
    "引用单位（“上级单位”“人员”表的“单位”）时，写单位名称（须在全网唯一），或写从顶层单位开始、"
    "用“/”分隔的完整路径，如“东海省委办公厅/临江市委办公室/东城县委办公室”。",
    "上级单位可以是本文件中排在前面的行新建的单位；上级单位留空表示顶层单位（仅系统管理员可新建）。",
    "同一上级单位下同名的单位视为同一单位：已有则更新，没有则新建。同一单位中同名的人员：已有则更新，没有则新增。"
    "与现有数据完全相同的行不作改动。",
    "单位类型、层级、身份请从下拉列表选择（可选值见上方）；单位类别须是系统中已有的类别，可以留空。",
    "行政区划代码为 6、9 或 12 位数字；排序为不小于 0 的整数；手机为以 1 开头的 11 位数字。",
    "“状态”列只供查看，导入时不处理；停用或启用单位请在单位页面操作。导入不会删除任何单位或人员。",
    f"每个工作表最多 {MAX_ROWS} 行。只能在本人有权管理的单位下新建、修改单位和人员。",
    "导入是整体进行的：只要有一行出错，就全部不导入，并逐行列出错误；改正后重新上传即可。",
    f"以“{EXAMPLE_PREFIX}”开头的行是示例，导入前请删除。",
)


def roster_template() -> bytes:
    """A blank roster: both sheets with an example row each, and a sheet of rules."""
    workbook, units, staff = _new_workbook()
    example_unit = f"{EXAMPLE_PREFIX}东城县委办公室"
    _write_rows(units, [[
        example_unit, "东海省委办公厅/临江市委办公室", UnitKind.PARTY_OFFICE.label, Level.COUNTY.label, "370102",
        "", 10, STATUS_LABELS[True],
    ]])
    _write_rows(staff, [[
        example_unit, f"{EXAMPLE_PREFIX}张三", StaffRole.PARTTIME.label, "综合科科长", "0531-12345678", "13800000000",
    ]])
    grey = Font(italic=True, color="808080")
    for ws in (units, staff):
        for cell in ws[2]:
            cell.font = grey
    _help_sheet(workbook.create_sheet(HELP_SHEET))
    return _to_bytes(workbook)


def _help_sheet(ws: Any) -> None:
    """Allowed values side by side at the top, the rules below them."""
    ws["A1"] = "信息网络花名册导入说明"
    ws["A1"].font = Font(bold=True, size=14)
    lists = {
        "单位类型": [str(x) for x in UnitKind.labels],
        "层级": [str(x) for x in Level.labels],
        "身份": [str(x) for x in StaffRole.labels],
        "单位类别": list(UnitClass.objects.values_list("name", flat=True)) or ["（尚未设置，请留空）"],
        "状态": list(STATUS_LABELS.values()),
    }
    for index, (title, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = 34 if title == "单位类型" else 16
        ws.cell(row=3, column=index, value=f"{title}可选值").font = Font(bold=True)
        for row_no, value in enumerate(values, start=4):
            ws.cell(row=row_no, column=index, value=value)
    start = 4 + max(len(v) for v in lists.values()) + 1
    ws.cell(row=start, column=1, value="填写规则").font = Font(bold=True)
    for number, rule in enumerate(HELP_RULES, start=1):
        ws.cell(row=start + number, column=1, value=f"{number}. {rule}")
