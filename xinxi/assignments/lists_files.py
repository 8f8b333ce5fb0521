"""Reading a 舆论监督与群众意见建议 list from a file, and the blank template.

Accepted: the template XLSX (sheet "清单", header in row 1, data from row 2), or a CSV with
the same header in UTF-8 (with or without BOM) or GBK/GB18030 (what Excel saves on Chinese
Windows). Every row is checked; each problem names its row (as Excel numbers it, the header
is row 1) and column. The upload is all-or-nothing: ``services_lists.list_upload`` saves
nothing from a file with any error, and the user fixes the file and uploads it again
(a partly saved file would leave them not knowing which rows to send again).

Text is taken as plain text: HTML in a cell is stored as typed and shown escaped; control
characters are removed. A formula cell is read as the value Excel last saved (none: empty).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from xinxi.assignments.models import RowKind
from xinxi.items import text

SHEET = "清单"
COLUMNS = ("类型", "来源（媒体名称/渠道）", "日期", "内容摘要", "涉及单位", "意见建议")
WIDTHS = (14, 24, 14, 60, 24, 40)
MAX_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
MAX_ROWS = 500
SOURCE_MAX, CONCERNED_MAX, SUMMARY_MAX, SUGGESTION_MAX = 100, 100, 2000, 2000
NOT_A_LIST = (
    "不是有效的清单文件：请上传由模板填写的 Excel（.xlsx）文件，或同样表头的 CSV 文件"
    "（.xls 和设置了打开密码的文件不能直接导入，请在 Excel 或 WPS 中另存为 .xlsx）。"
)
KIND_LABELS = {label: value for value, label in RowKind.choices}
DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        return f"{where}{('“' + self.column + '”') if self.column else ''}：{self.message}"


@dataclass
class Parsed:
    rows: list[dict[str, Any]]
    errors: list[RowError]


class FileRefused(Exception):
    """The file as a whole cannot be read (type, size, header)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def template() -> bytes:
    """The blank template: the header, one example row, a drop-down for 类型, and a 说明 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.append(["舆论监督", "临江日报", timezone.localdate().replace(day=1), "示例：报道某路段夜间施工噪声扰民",
               "临江市住房和城乡建设局", "建议调整施工时段（填写前请删除本行）"])
    ws["C2"].number_format = "yyyy-mm-dd"
    kinds = DataValidation(type="list", formula1='"' + ",".join(KIND_LABELS) + '"', allow_blank=False)
    kinds.add(f"A2:A{MAX_ROWS + 1}")
    ws.add_data_validation(kinds)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("说明")
    for line in (
        "每行一条：类型填“舆论监督”或“群众意见建议”；来源、日期、内容摘要、涉及单位必填，意见建议可空。",
        "日期写成 2026-12-01、2026/12/1 或 2026年12月1日，不能晚于今天。",
        f"来源、涉及单位不超过 {SOURCE_MAX} 字，内容摘要、意见建议不超过 {SUMMARY_MAX} 字；最多 {MAX_ROWS} 行。",
        "有任何一行出错时整个文件都不导入，请按错误报告改正后重新上传。",
        "示例行（内容摘要以“示例：”开头）不会导入。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cells_xlsx(data: bytes) -> list[tuple[Any, ...]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRefused(NOT_A_LIST) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise FileRefused("文件解压后的内容过大，不像是一份月度清单，请检查文件。")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise FileRefused(NOT_A_LIST) from None
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows: list[tuple[Any, ...]] = []
        for values in ws.iter_rows(values_only=True, max_col=len(COLUMNS) + 4):
            rows.append(tuple(values))
            if len(rows) > MAX_ROWS + 1 + 50:  # blank rows at the end are allowed a little slack
                break
        return rows
    except Exception:
        raise FileRefused(NOT_A_LIST) from None
    finally:
        wb.close()


def _cells_csv(data: bytes) -> list[tuple[Any, ...]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            decoded = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise FileRefused(NOT_A_LIST)
    if "\x00" in decoded:
        raise FileRefused(NOT_A_LIST)
    try:
        return [tuple(r) for r in csv.reader(io.StringIO(decoded))][: MAX_ROWS + 51]
    except csv.Error:
        raise FileRefused(NOT_A_LIST) from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return text.clean_body(str(value))


def _date(value: Any, today: dt.date) -> tuple[dt.date | None, str]:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        raw = _text(value)
        if not raw:
            return None, "必填"
        match = DATE_TEXT.match(raw)
        if not match:
            return None, f"“{raw[:20]}”不是日期，请写成 2026-12-01"
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None, f"“{raw[:20]}”不是有效日期"
    if day > today:
        return None, "日期不能晚于今天"
    if day.year < 2000:
        return None, "日期过早，请检查"
    return day, ""


def check_row(values: dict[str, Any], today: dt.date) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One row's fields by column label → the cleaned row and its problems (column, message).

    The same checks serve the file, the page form and the API.
    """
    problems: list[tuple[str, str]] = []
    row: dict[str, Any] = {}
    kind_raw = _text(values.get(COLUMNS[0]))
    kind = KIND_LABELS.get(kind_raw) or (kind_raw if kind_raw in RowKind.values else "")
    if not kind:
        problems.append((COLUMNS[0], "请填“舆论监督”或“群众意见建议”" if kind_raw else "必填"))
    row["kind"] = kind
    for key, label, limit, required in (
        ("source", COLUMNS[1], SOURCE_MAX, True),
        ("summary", COLUMNS[3], SUMMARY_MAX, True),
        ("concerned", COLUMNS[4], CONCERNED_MAX, True),
        ("suggestion", COLUMNS[5], SUGGESTION_MAX, False),
    ):
        value = _text(values.get(label))
        if key in ("source", "concerned"):
            value = " ".join(value.split())
        if required and not value:
            problems.append((label, "必填"))
        elif len(value) > limit:
            problems.append((label, f"不能超过 {limit} 字（现有 {len(value)} 字）"))
        row[key] = value
    day, problem = _date(values.get(COLUMNS[2]), today)
    if problem:
        problems.append((COLUMNS[2], problem))
    row["date"] = day
    return row, problems


def read(data: bytes, name: str, today: dt.date) -> Parsed:
    """Check a whole file; ``FileRefused`` when it cannot be read at all."""
    if not data:
        raise FileRefused("文件是空的。")
    if len(data) > MAX_BYTES:
        raise FileRefused(f"文件过大（{len(data) // 1024} KB）：清单文件不能超过 {MAX_BYTES // 1024 // 1024} MB。")
    if data[:2] == b"PK":
        cells = _cells_xlsx(data)
    elif name.lower().endswith(".csv"):
        cells = _cells_csv(data)
    else:
        raise FileRefused(NOT_A_LIST)
    if not cells:
        raise FileRefused("文件中没有内容：请使用清单模板。")
    header = [_text(c) for c in cells[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise FileRefused(f"第 1 行表头缺少“{'”“'.join(missing)}”列：请使用清单模板（表头不要改动）。")
    where = {c: header.index(c) for c in COLUMNS}
    rows: list[dict[str, Any]] = []
    errors: list[RowError] = []
    data_rows = [(n, r) for n, r in enumerate(cells[1:], start=2) if any(_text(v) for v in r)]
    if len(data_rows) > MAX_ROWS:
        raise FileRefused(f"清单超过 {MAX_ROWS} 行：请分月或拆分后上传。")
    for number, raw in data_rows:
        values = {c: raw[i] if i < len(raw) else None for c, i in where.items()}
        if _text(values[COLUMNS[3]]).startswith("示例："):
            continue
        row, problems = check_row(values, today)
        errors.extend(RowError(number, column, message) for column, message in problems)
        if not problems:
            rows.append(row)
    if not rows and not errors:
        raise FileRefused("文件中没有可导入的行（示例行不导入）。")
    return Parsed(rows, errors)
