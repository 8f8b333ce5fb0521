"""The charts of a circular (points by unit, points by month), as PNG pictures for its DOCX.

Drawn by ``xinxi.lib.charts`` (the one chart path of pages and documents). Until that
module is installed, a plain Pillow drawing (bars and a line, no text; the caption under
the picture names it) stands in, so a circular always carries its two pictures.
"""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType
from typing import Any

TOP_UNITS = 15  # the bar chart shows the leading units; the table lists them all


@dataclass(frozen=True)
class Picture:
    caption: str
    png: bytes


def _charts() -> ModuleType | None:
    try:
        return importlib.import_module("xinxi.lib.charts")
    except ImportError:
        return None


def _bars(data: dict[str, Any]) -> tuple[list[str], list[Decimal]]:
    rows = data.get("rows", [])[:TOP_UNITS]
    return [r["unit"] for r in rows], [Decimal(r["points"]) for r in rows]


def _trend(data: dict[str, Any]) -> tuple[list[str], list[Decimal]]:
    trend = data.get("trend", [])
    return [f"{m[:4]}年{int(m[5:7])}月" for m, _ in trend], [Decimal(p) for _, p in trend]


def circular_pictures(data: dict[str, Any]) -> list[Picture]:
    """The circular's two charts from its figures snapshot."""
    labels, values = _bars(data)
    months, totals = _trend(data)
    bar_title = f"{data.get('label', '')}各单位得分（前{TOP_UNITS}名）" if len(data.get("rows", [])) > TOP_UNITS \
        else f"{data.get('label', '')}各单位得分"
    line_title = "逐月得分"
    charts = _charts()
    if charts is not None:
        bar = charts.BarChart(bar_title, labels, [charts.Series("得分", values)], unit="分", horizontal=True)
        line = charts.LineChart(line_title, months, [charts.Series("得分", totals)], unit="分")
        return [Picture(bar_title, charts.render_png(bar)), Picture(line_title, charts.render_png(line))]
    return [Picture(bar_title, _plain_bars(values)), Picture(line_title, _plain_line(totals))]


# --- the stand-in drawing ---

WIDTH, HEIGHT, PAD = 1560, 720, 60
INK, BAR = (40, 40, 40), (192, 0, 0)


def _canvas() -> tuple[Any, Any]:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(PAD, PAD), (PAD, HEIGHT - PAD), (WIDTH - PAD, HEIGHT - PAD)], fill=INK, width=3)
    return image, draw


def _png(image: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _plain_bars(values: list[Decimal]) -> bytes:
    image, draw = _canvas()
    top = max([float(v) for v in values if v > 0], default=0.0)
    if values and top:
        step = (WIDTH - 2 * PAD) / len(values)
        for i, value in enumerate(values):
            height = max(float(value), 0.0) / top * (HEIGHT - 2 * PAD - 10)
            x = PAD + i * step + step * 0.15
            draw.rectangle([x, HEIGHT - PAD - height, x + step * 0.7, HEIGHT - PAD], fill=BAR)
    return _png(image)


def _plain_line(values: list[Decimal]) -> bytes:
    image, draw = _canvas()
    numbers = [float(v) for v in values]
    low, high = min([*numbers, 0.0]), max([*numbers, 0.0])
    if len(numbers) > 1 and high > low:
        step = (WIDTH - 2 * PAD) / (len(numbers) - 1)
        points = [
            (PAD + i * step, HEIGHT - PAD - (v - low) / (high - low) * (HEIGHT - 2 * PAD - 10))
            for i, v in enumerate(numbers)
        ]
        draw.line(points, fill=BAR, width=5)
    return _png(image)
