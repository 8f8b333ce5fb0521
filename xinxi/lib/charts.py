"""Charts drawn on the server: inline SVG for pages, PNG (Pillow) for DOCX documents.

No JavaScript and nothing loaded from the network. A chart is plain data:

- ``BarChart(title, labels, series, unit="分", horizontal=False)``: grouped bars, one group per
  label, one bar per ``Series``; ``horizontal=True`` for long names (units, desks). A vertical
  chart with more than ``MAX_VERTICAL_GROUPS`` labels is drawn horizontally.
- ``LineChart(title, labels, series, unit="分")``: a trend (labels are months, say); at most
  ``MAX_X_LABELS`` labels are printed along the axis, every point carries its value in a tooltip.
- ``ShareChart(title, labels, values, unit="")``: shares of a total as one 100% bar with a
  legend giving each part's value and its % (one decimal); past ``MAX_SHARES`` parts the
  smallest are merged into "其他".

Values may be ``int``, ``float`` or ``Decimal``; all zero (or no labels) draws a "暂无数据" chart.
Both outputs come from one layout (``_layout``: rectangles, lines and texts on a 720-unit-wide
canvas), so the page and the document show the same chart:

- ``render_svg(chart)``: ``<svg class="chart" role="img">`` with ``<title>``/``<desc>`` (the data in
  words, for screen readers), a viewBox (scales to its container), a CJK font stack, every
  label escaped, a long label wrapped or cut with "…" and its full text in a ``<title>``. Only
  presentation attributes, no ``style``: the page's CSP allows no inline styles.
- ``render_png(chart, width_px=1560, dpi=254)``: the default is the 156 mm text block of a
  GB/T 9704 page at natural size. Needs a Chinese font (``lib.fonts``); ``CJKFontMissing``
  (a ``ServiceError`` in Chinese) without one.

In templates: ``{% load charts %}{% chart obj %}`` (``lib/chart_tags.py``).
"""

from __future__ import annotations

import html
import io
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Number = int | float | Decimal

WIDTH = 720  # layout units; the SVG viewBox width, scaled for PNG
MAX_VERTICAL_GROUPS = 16
MAX_X_LABELS = 12
MAX_SHARES = 10
MAX_DESC_ITEMS = 40
EMPTY_TEXT = "暂无数据"

FONT_STACK = (
    "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',"
    "'Heiti SC',SimHei,'Noto Sans CJK JP',sans-serif"
)
INK, MUTED, GRID, AXIS, WHITE = "#1f2328", "#656d76", "#e5e8ec", "#8c959f", "#ffffff"
PALETTE = ("#0b57d0", "#b71c1c", "#1a7f37", "#9a6700", "#8250df", "#0a7ea4", "#d4580d", "#57606a", "#bf3989")
OTHER_COLOR = "#afb8c1"


# --- the data ---


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"图表数据「{where}」不是数字：{value!r}。")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"图表数据「{where}」不是有限的数字：{value!r}。")
    return number


@dataclass
class Series:
    """One named row of values, one value per label of its chart."""

    name: str
    values: Sequence[Number]

    def __post_init__(self) -> None:
        self.name = str(self.name)
        self.values = tuple(self.values)
        for value in self.values:
            _number(value, self.name)


def _check_series(labels: Sequence[str], series: Sequence[Series]) -> None:
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(f"图表系列「{s.name}」有 {len(s.values)} 个数值，但有 {len(labels)} 个标签。")


@dataclass
class BarChart:
    """Grouped bars: a group per label, a bar per series; horizontal for long labels."""

    title: str
    labels: Sequence[str]
    series: Sequence[Series]
    unit: str = "分"
    horizontal: bool = False

    def __post_init__(self) -> None:
        self.labels = tuple(str(label) for label in self.labels)
        self.series = tuple(self.series)
        _check_series(self.labels, self.series)


@dataclass
class LineChart:
    """A trend: labels along the axis (months), a line per series."""

    title: str
    labels: Sequence[str]
    series: Sequence[Series]
    unit: str = "分"

    def __post_init__(self) -> None:
        self.labels = tuple(str(label) for label in self.labels)
        self.series = tuple(self.series)
        _check_series(self.labels, self.series)


@dataclass
class ShareChart:
    """Shares of a total (no negative parts), drawn as one 100% bar with a legend."""

    title: str
    labels: Sequence[str]
    values: Sequence[Number]
    unit: str = ""

    def __post_init__(self) -> None:
        self.labels = tuple(str(label) for label in self.labels)
        self.values = tuple(self.values)
        if len(self.values) != len(self.labels):
            raise ValueError(f"占比图有 {len(self.values)} 个数值，但有 {len(self.labels)} 个标签。")
        for label, value in zip(self.labels, self.values, strict=True):
            if _number(value, label) < 0:
                raise ValueError(f"占比图的数值不能为负数：「{label}」为 {value}。")


Chart = BarChart | LineChart | ShareChart


def format_number(value: Number) -> str:
    """12 → "12", Decimal("12.50") → "12.5", 3.14159 → "3.14" (at most two decimals)."""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    text = f"{number.quantize(Decimal('0.01')):f}" if number != number.to_integral_value() else f"{number:.0f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(part: float, total: float) -> str:
    return f"{part / total * 100:.1f}%" if total else "0.0%"


# --- the layout: shapes on a WIDTH-wide canvas ---


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    tip: str = ""
    stroke: str = ""


@dataclass
class Line:
    points: list[tuple[float, float]]
    stroke: str
    width: float = 1.0
    dashed: bool = False


@dataclass
class Dot:
    x: float
    y: float
    r: float
    fill: str
    tip: str = ""


@dataclass
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float = 12
    fill: str = INK
    anchor: Literal["start", "middle", "end"] = "start"
    bold: bool = False
    tip: str = ""  # the full text when ``text`` was cut


Shape = Rect | Line | Dot | Text


@dataclass
class Scene:
    height: float
    title: str
    desc: str
    shapes: list[Shape] = field(default_factory=list)


def _char_width(char: str) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in "ilIj.,:;|!'` ":
        return 0.3
    if char.isupper() or char in "mwMW%@#&":
        return 0.7
    return 0.56


def text_width(text: str, size: float) -> float:
    """An estimate of the drawn width (a CJK character is 1 em, Latin about half)."""
    return sum(_char_width(c) for c in text) * size


def cut(text: str, width: float, size: float) -> str:
    """``text`` cut to ``width`` with "…" when it does not fit."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for char in text:
        if text_width(out + char + "…", size) > width:
            break
        out += char
    return out + "…"


def _word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "._")


def wrap(text: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    """``text`` in at most ``max_lines`` lines of ``width``, the last cut with "…" if needed."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines - 1 and text_width(rest, size) > width:
        line = ""
        for char in rest:
            if line and text_width(line + char, size) > width:
                break
            line += char
        # never right after a number or a Latin word ("2026年1|月" becomes "2026年|1月")
        cut_at = len(line)
        while 0 < cut_at < len(rest) and _word_char(rest[cut_at - 1]) and not rest[cut_at].isspace():
            cut_at -= 1
        line = line[:cut_at] or line
        lines.append(line)
        rest = rest[len(line) :]
    if rest or not lines:
        lines.append(cut(rest, width, size))
    return lines


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _scale(values: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) of the value axis: includes 0, ends on round ticks."""
    low, high = min(0.0, *values), max(0.0, *values)
    if low == high:
        high = 1.0
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _tick_label(value: float) -> str:
    return format_number(Decimal(str(round(value, 6))))


def _color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _header(chart: Chart, shapes: list[Shape], names: Sequence[str]) -> float:
    """Title, unit and legend; returns the y where the plot may start."""
    unit = f"单位：{chart.unit}" if chart.unit else ""
    unit_w = text_width(unit, 12) + 24 if unit else 0
    title = chart.title or ""
    if title:
        shown = cut(title, WIDTH - 32 - unit_w, 16)
        shapes.append(Text(16, 28, shown, 16, INK, bold=True, tip=title if shown != title else ""))
    if unit:
        shapes.append(Text(WIDTH - 16, 28, unit, 12, MUTED, "end"))
    y = 44
    if len(names) > 1 or (names and names[0]):
        x, row_y = 16.0, y + 14
        for i, name in enumerate(names):
            shown = cut(name, 180, 12)
            w = 18 + text_width(shown, 12) + 18
            if x + w > WIDTH - 16 and x > 16:
                x, row_y = 16.0, row_y + 20
            shapes.append(Rect(x, row_y - 10, 12, 12, _color(i), tip=name))
            shapes.append(Text(x + 18, row_y, shown, 12, INK, tip=name if shown != name else ""))
            x += w
        y = row_y + 10
    return y + 12


def _empty(chart: Chart) -> Scene:
    shapes: list[Shape] = []
    top = _header(chart, shapes, ())
    height = top + 140
    shapes.append(Rect(16, top, WIDTH - 32, 120, "#f6f7f9", stroke=GRID))
    shapes.append(Text(WIDTH / 2, top + 66, EMPTY_TEXT, 16, MUTED, "middle"))
    desc = f"{chart.title}：{EMPTY_TEXT}。" if chart.title else f"{EMPTY_TEXT}。"
    return Scene(height, chart.title or "图表", desc, shapes)


def _is_empty(labels: Sequence[str], rows: Sequence[Sequence[float]]) -> bool:
    return not labels or not rows or all(v == 0 for row in rows for v in row)


def _desc_series(chart: BarChart | LineChart, kind: str) -> str:
    unit = f"，单位：{chart.unit}" if chart.unit else ""
    parts = []
    for s in chart.series:
        pairs = [f"{label} {format_number(v)}" for label, v in zip(chart.labels, s.values, strict=True)]
        more = f"等 {len(pairs)} 项" if len(pairs) > MAX_DESC_ITEMS else ""
        parts.append(f"{s.name + '：' if s.name else ''}{'，'.join(pairs[:MAX_DESC_ITEMS])}{more}")
    return f"{kind}{unit}。" + "；".join(parts) + "。"


def _layout_bars(chart: BarChart) -> Scene:
    values = [[_number(v, s.name) for v in s.values] for s in chart.series]
    if _is_empty(chart.labels, values):
        return _empty(chart)
    if chart.horizontal or len(chart.labels) > MAX_VERTICAL_GROUPS:
        return _layout_hbars(chart, values)
    shapes: list[Shape] = []
    top = _header(chart, shapes, [s.name for s in chart.series]) + 14
    low, high, step = _scale([v for row in values for v in row])
    ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
    left = 16 + max(text_width(_tick_label(t), 11) for t in ticks) + 8
    right = WIDTH - 16
    plot_h = 240
    bottom = top + plot_h
    n = len(chart.labels)
    slot = (right - left) / n
    label_lines = [wrap(label, slot - 4, 12) for label in chart.labels]
    lines = max(len(ls) for ls in label_lines)
    height = bottom + 12 + lines * 15 + 10

    def y_of(v: float) -> float:
        return bottom - (v - low) / (high - low) * plot_h

    for t in ticks:
        shapes.append(Line([(left, y_of(t)), (right, y_of(t))], AXIS if t == 0 else GRID, 1, dashed=t != 0))
        shapes.append(Text(left - 6, y_of(t) + 4, _tick_label(t), 11, MUTED, "end"))
    group = slot * 0.8
    bar_w = min(48.0, group / len(values))
    value_size = max(8.0, min(11.0, bar_w / max(1, max(len(format_number(v)) for row in values for v in row)) / 0.56))
    for i, label in enumerate(chart.labels):
        start = left + slot * i + (slot - bar_w * len(values)) / 2
        for j, s in enumerate(chart.series):
            v = values[j][i]
            y0, y1 = sorted((y_of(0), y_of(v)))
            x = start + j * bar_w
            tip = f"{s.name + ' · ' if s.name else ''}{label}：{format_number(s.values[i])}{chart.unit}"
            shapes.append(Rect(x + 1, y0, bar_w - 2, max(y1 - y0, 0.5), _color(j), tip=tip))
            text_y = y0 - 4 if v >= 0 else y1 + value_size + 2
            shapes.append(Text(x + bar_w / 2, text_y, format_number(s.values[i]), value_size, INK, "middle"))
        cx = left + slot * (i + 0.5)
        for k, line in enumerate(label_lines[i]):
            shown_tip = label if "".join(label_lines[i]) != label else ""
            shapes.append(Text(cx, bottom + 18 + k * 15, line, 12, INK, "middle", tip=shown_tip))
    return Scene(height, chart.title or "柱状图", _desc_series(chart, "柱状图"), shapes)


def _layout_hbars(chart: BarChart, values: list[list[float]]) -> Scene:
    shapes: list[Shape] = []
    top = _header(chart, shapes, [s.name for s in chart.series]) + 4
    low, high, step = _scale([v for row in values for v in row])
    ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
    label_w = 168.0
    left, right = 16 + label_w + 8, WIDTH - 16 - 44
    bar_h = 16.0 if len(values) > 1 else 18.0
    row_h = max(len(values) * bar_h + 12, 36)
    bottom = top + row_h * len(chart.labels)
    height = bottom + 28

    def x_of(v: float) -> float:
        return left + (v - low) / (high - low) * (right - left)

    for t in ticks:
        shapes.append(Line([(x_of(t), top), (x_of(t), bottom)], AXIS if t == 0 else GRID, 1, dashed=t != 0))
        shapes.append(Text(x_of(t), bottom + 18, _tick_label(t), 11, MUTED, "middle"))
    for i, label in enumerate(chart.labels):
        row_top = top + row_h * i
        lines = wrap(label, label_w, 12)
        tip = label if "".join(lines) != label else ""
        first = row_top + row_h / 2 + 4 - (len(lines) - 1) * 7.5
        for k, line in enumerate(lines):
            shapes.append(Text(16 + label_w, first + k * 15, line, 12, INK, "end", tip=tip))
        start = row_top + (row_h - bar_h * len(values)) / 2
        for j, s in enumerate(chart.series):
            v = values[j][i]
            x0, x1 = sorted((x_of(0), x_of(v)))
            y = start + j * bar_h
            bar_tip = f"{s.name + ' · ' if s.name else ''}{label}：{format_number(s.values[i])}{chart.unit}"
            shapes.append(Rect(x0, y + 1, max(x1 - x0, 0.5), bar_h - 2, _color(j), tip=bar_tip))
            text = format_number(s.values[i])
            if v >= 0:
                shapes.append(Text(x1 + 4, y + bar_h / 2 + 4, text, 11, INK, "start"))
            else:
                shapes.append(Text(x0 - 4, y + bar_h / 2 + 4, text, 11, INK, "end"))
    return Scene(height, chart.title or "条形图", _desc_series(chart, "条形图"), shapes)


def _layout_line(chart: LineChart) -> Scene:
    values = [[_number(v, s.name) for v in s.values] for s in chart.series]
    if _is_empty(chart.labels, values):
        return _empty(chart)
    shapes: list[Shape] = []
    top = _header(chart, shapes, [s.name for s in chart.series]) + 14
    low, high, step = _scale([v for row in values for v in row])
    ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
    left = 16 + max(text_width(_tick_label(t), 11) for t in ticks) + 8
    right = WIDTH - 16
    plot_h = 220
    bottom = top + plot_h
    n = len(chart.labels)
    every = math.ceil(n / MAX_X_LABELS)
    slot = (right - left) / n
    label_lines = [wrap(label, slot * every - 4, 12) for label in chart.labels]
    height = bottom + 12 + max(len(lines) for lines in label_lines) * 15 + 10

    def x_of(i: int) -> float:
        return left + slot * (i + 0.5)

    def y_of(v: float) -> float:
        return bottom - (v - low) / (high - low) * plot_h

    for t in ticks:
        shapes.append(Line([(left, y_of(t)), (right, y_of(t))], AXIS if t == 0 else GRID, 1, dashed=t != 0))
        shapes.append(Text(left - 6, y_of(t) + 4, _tick_label(t), 11, MUTED, "end"))
    for i, label in enumerate(chart.labels):
        if i % every == 0:
            tip = label if "".join(label_lines[i]) != label else ""
            for k, line in enumerate(label_lines[i]):
                shapes.append(Text(x_of(i), bottom + 18 + k * 15, line, 12, INK, "middle", tip=tip))
    show_values = n <= MAX_X_LABELS and len(values) <= 3
    for j, s in enumerate(chart.series):
        points = [(x_of(i), y_of(v)) for i, v in enumerate(values[j])]
        if len(points) > 1:
            shapes.append(Line(points, _color(j), 2.5))
        for i, (x, y) in enumerate(points):
            tip = f"{s.name + ' · ' if s.name else ''}{chart.labels[i]}：{format_number(s.values[i])}{chart.unit}"
            shapes.append(Dot(x, y, 3.5, _color(j), tip=tip))
            if show_values:
                shapes.append(Text(x, y - 8, format_number(s.values[i]), 11, _color(j), "middle"))
    return Scene(height, chart.title or "趋势图", _desc_series(chart, "折线图"), shapes)


def _layout_share(chart: ShareChart) -> Scene:
    pairs = [(label, _number(v, label), v) for label, v in zip(chart.labels, chart.values, strict=True)]
    total = sum(p[1] for p in pairs)
    if not pairs or total == 0:
        return _empty(chart)
    ordered, other = pairs, []
    if len(pairs) > MAX_SHARES:  # the largest parts, the rest as "其他"
        ordered = sorted(pairs, key=lambda p: -p[1])
        ordered, rest = ordered[: MAX_SHARES - 1], ordered[MAX_SHARES - 1 :]
        merged = sum_raw([p[2] for p in rest])
        other = [(f"其他（{len(rest)} 项）", float(merged), format_number(merged), OTHER_COLOR)]
    # label, value, value text, colour
    parts = [(label, v, format_number(raw), _color(i)) for i, (label, v, raw) in enumerate(ordered)] + other
    shapes: list[Shape] = []
    top = _header(chart, shapes, ()) + 4
    x, bar_h, span = 16.0, 40.0, WIDTH - 32
    unit = chart.unit
    for label, v, text, colour in parts:
        w = v / total * span
        if w <= 0:
            continue
        shapes.append(Rect(x, top, w, bar_h, colour, tip=f"{label}：{text}{unit}（{percent(v, total)}）"))
        pct = percent(v, total)
        if text_width(pct, 12) + 8 <= w:
            shapes.append(Text(x + w / 2, top + bar_h / 2 + 4, pct, 12, WHITE, "middle", bold=True))
        x += w
    y = top + bar_h + 28
    for label, v, text, colour in parts:
        shown = cut(label, 380, 13)
        shapes.append(Rect(16, y - 11, 12, 12, colour))
        shapes.append(Text(36, y, shown, 13, INK, tip=label if shown != label else ""))
        shapes.append(Text(WIDTH - 16, y, f"{text}{unit}　{percent(v, total)}", 13, INK, "end"))
        y += 22
    shapes.append(Text(WIDTH - 16, y + 4, f"合计 {format_number(sum_raw(chart.values))}{unit}", 12, MUTED, "end"))
    height = y + 18
    desc = "占比图。" + "；".join(f"{label} {text}{unit}，占 {percent(v, total)}" for label, v, text, _ in parts) + "。"
    return Scene(height, chart.title or "占比图", desc, shapes)


def sum_raw(values: Sequence[Number]) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal(0))


def _layout(chart: Chart) -> Scene:
    if isinstance(chart, BarChart):
        return _layout_bars(chart)
    if isinstance(chart, LineChart):
        return _layout_line(chart)
    if isinstance(chart, ShareChart):
        return _layout_share(chart)
    raise TypeError(f"不是图表：{type(chart).__name__}")


# --- SVG ---

_ids = itertools.count(1)
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text: str) -> str:
    return html.escape(_XML_BAD.sub("", str(text)), quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _tip(tip: str) -> str:
    return f"<title>{_esc(tip)}</title>" if tip else ""


def _svg_shape(shape: Shape) -> str:
    if isinstance(shape, Rect):
        stroke = f' stroke="{shape.stroke}"' if shape.stroke else ""
        attrs = f'x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" height="{_n(shape.h)}"'
        return f'<rect {attrs} fill="{shape.fill}"{stroke}>{_tip(shape.tip)}</rect>'
    if isinstance(shape, Line):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
        dash = ' stroke-dasharray="3 3"' if shape.dashed else ""
        return (
            f'<polyline points="{points}" fill="none" stroke="{shape.stroke}" stroke-width="{_n(shape.width)}"'
            f' stroke-linejoin="round" stroke-linecap="round"{dash}/>'
        )
    if isinstance(shape, Dot):
        attrs = f'cx="{_n(shape.x)}" cy="{_n(shape.y)}" r="{_n(shape.r)}" fill="{shape.fill}"'
        return f"<circle {attrs}>{_tip(shape.tip)}</circle>"
    anchor = f' text-anchor="{shape.anchor}"' if shape.anchor != "start" else ""
    weight = ' font-weight="bold"' if shape.bold else ""
    return (
        f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}" fill="{shape.fill}"{anchor}{weight}>'
        f"{_tip(shape.tip)}{_esc(shape.text)}</text>"
    )


def render_svg(chart: Chart) -> str:
    """The chart as inline SVG markup (safe: every text escaped)."""
    scene = _layout(chart)
    uid = f"chart-{next(_ids)}"
    height = _n(math.ceil(scene.height))
    body = "".join(_svg_shape(shape) for shape in scene.shapes)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" aria-labelledby="{uid}-t {uid}-d" font-family="{_esc(FONT_STACK)}">'
        f'<title id="{uid}-t">{_esc(scene.title)}</title><desc id="{uid}-d">{_esc(scene.desc)}</desc>'
        f"{body}</svg>"
    )


# --- PNG ---


def render_png(chart: Chart, width_px: int = 1560, dpi: int = 254) -> bytes:
    """The chart as a PNG ``width_px`` wide (default: 156 mm at 254 dpi); ``CJKFontMissing`` without a Chinese font."""
    from PIL import Image, ImageDraw, ImageFont

    from xinxi.lib.fonts import require_cjk_font

    if width_px < 200 or width_px > 10000:
        raise ValueError("图片宽度应在 200 到 10000 像素之间。")
    regular = require_cjk_font(what="绘制图表")
    bold = require_cjk_font(bold=True, what="绘制图表")
    scene = _layout(chart)
    ss = 2  # drawn twice as large, then reduced: smooth lines and edges
    k = width_px / WIDTH * ss
    height_px = max(1, math.ceil(scene.height * width_px / WIDTH))
    image = Image.new("RGB", (width_px * ss, height_px * ss), WHITE)
    draw = ImageDraw.Draw(image)
    faces: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}

    def face(size: float, is_bold: bool) -> ImageFont.FreeTypeFont:
        px = max(1, round(size * k))
        if (px, is_bold) not in faces:
            font = bold if is_bold else regular
            faces[(px, is_bold)] = ImageFont.truetype(str(font.path), px, index=font.index)
        return faces[(px, is_bold)]

    for shape in scene.shapes:
        if isinstance(shape, Rect):
            box = (shape.x * k, shape.y * k, (shape.x + shape.w) * k, (shape.y + shape.h) * k)
            draw.rectangle(box, fill=shape.fill, outline=shape.stroke or None, width=max(1, round(k)))
        elif isinstance(shape, Line):
            points = [(x * k, y * k) for x, y in shape.points]
            width = max(1, round(shape.width * k))
            if shape.dashed:
                for (x0, y0), (x1, y1) in itertools.pairwise(points):
                    length = math.hypot(x1 - x0, y1 - y0)
                    dash = 3 * k
                    steps = max(1, int(length // (2 * dash)) + 1)
                    for s in range(steps):
                        a, b = s * 2 * dash / length, min(1.0, (s * 2 * dash + dash) / length)
                        if a >= 1:
                            break
                        draw.line(
                            [(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a), (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)],
                            fill=shape.stroke,
                            width=width,
                        )
            else:
                draw.line(points, fill=shape.stroke, width=width, joint="curve")
        elif isinstance(shape, Dot):
            r = shape.r * k
            draw.ellipse((shape.x * k - r, shape.y * k - r, shape.x * k + r, shape.y * k + r), fill=shape.fill)
        else:
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[shape.anchor]
            font = face(shape.size, shape.bold)
            draw.text((shape.x * k, shape.y * k), shape.text, fill=shape.fill, font=font, anchor=anchor)
    image = image.resize((width_px, height_px), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()
