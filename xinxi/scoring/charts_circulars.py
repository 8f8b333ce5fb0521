"""The charts of a circular (points by unit, points by month): PNG pictures for its DOCX, SVG for its page.

Drawn by ``xinxi.lib.charts``, the one chart path of pages and documents, from the
circular's figures snapshot. Without a Chinese font on the server a PNG cannot be drawn
(``CJKFontMissing``); the document then says so in place of the picture instead of
failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xinxi.lib import charts
from xinxi.lib.fonts import CJKFontMissing

TOP_UNITS = 15  # the bar chart shows the leading units; the table lists them all


@dataclass(frozen=True)
class Picture:
    caption: str
    png: bytes | None  # None: no Chinese font to draw it with
    note: str = ""


def circular_charts(data: dict[str, Any]) -> list[charts.BarChart | charts.LineChart]:
    """The circular's two charts from its figures snapshot."""
    rows = data.get("rows", [])
    shown = rows[:TOP_UNITS]
    label = data.get("label", "")
    bar_title = f"{label}各单位得分（前{TOP_UNITS}名）" if len(rows) > TOP_UNITS else f"{label}各单位得分"
    bar = charts.BarChart(
        bar_title, [r["unit"] for r in shown], [charts.Series("得分", [Decimal(r["points"]) for r in shown])],
        unit="分", horizontal=True,
    )
    trend = data.get("trend", [])
    line = charts.LineChart(
        "逐月得分", [f"{m[:4]}年{int(m[5:7])}月" for m, _ in trend],
        [charts.Series("得分", [Decimal(p) for _, p in trend])], unit="分",
    )
    return [bar, line]


def circular_pictures(data: dict[str, Any]) -> list[Picture]:
    pictures = []
    for chart in circular_charts(data):
        try:
            pictures.append(Picture(chart.title, charts.render_png(chart)))
        except CJKFontMissing as exc:
            pictures.append(Picture(chart.title, None, exc.messages[0]))
    return pictures


def circular_svgs(data: dict[str, Any]) -> list[str]:
    """The same charts as inline SVG for the circular's page (every text escaped by ``lib.charts``)."""
    return [charts.render_svg(chart) for chart in circular_charts(data)]
