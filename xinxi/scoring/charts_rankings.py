"""The ranking page's charts: points by unit, shares by group, points by month, as inline SVG.

Uses ``xinxi.lib.charts`` when it exists (the shared chart module for pages and
documents); until then a small SVG drawing of its own, with no script and no external
file, so that the page works offline. Each chart is a figure with a caption and the
numbers as a title on every bar or point (read by screen readers and on hover).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from xinxi.scoring.figures import Ranking

WIDTH = 560
BAR = 18
GAP = 6
LABEL = 150
MAX_BARS = 20
COLOURS = ["#b22222", "#1f5fa8", "#2e8b57", "#c77c0e", "#6a4c93", "#3a7d7c", "#8c564b", "#7f7f7f"]


def _safe(markup: str) -> SafeString:
    return mark_safe(markup)  # noqa: S308 - every label in it went through escape(), the rest are numbers


def _num(value: Decimal | float) -> str:
    return f"{Decimal(value).normalize():f}" if value else "0"


def bars(labels: Sequence[str], values: Sequence[Decimal], *, caption: str, unit: str = "分") -> SafeString:
    """Horizontal bars, the largest first as given; negative values drawn from zero leftwards are clipped at 0."""
    labels, values = list(labels)[:MAX_BARS], list(values)[:MAX_BARS]
    top = max([v for v in values if v > 0] or [Decimal(1)])
    height = len(values) * (BAR + GAP) + GAP
    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = GAP + i * (BAR + GAP)
        length = int((WIDTH - LABEL - 60) * max(value, Decimal(0)) / top)
        parts.append(
            f'<g><title>{escape(label)}：{_num(value)}{unit}</title>'
            f'<text x="{LABEL - 6}" y="{y + BAR - 5}" text-anchor="end" font-size="12">{escape(label[:12])}</text>'
            f'<rect x="{LABEL}" y="{y}" width="{length}" height="{BAR}" fill="{COLOURS[1]}"></rect>'
            f'<text x="{LABEL + length + 4}" y="{y + BAR - 5}" font-size="12">{_num(value)}</text></g>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {max(height, 30)}" role="img" '
        f'aria-label="{escape(caption)}" class="chart">{"".join(parts)}</svg>'
    )
    return format_html('<figure class="chart-figure">{}<figcaption>{}</figcaption></figure>', _safe(svg), caption)


def shares(labels: Sequence[str], values: Sequence[Decimal], *, caption: str) -> SafeString:
    """One stacked bar of 100 %, a segment per group, with a legend."""
    x = 0.0
    parts, legend = [], []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        if value <= 0:
            continue
        colour = COLOURS[i % len(COLOURS)]
        width = float(value) * WIDTH / 100
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="28" fill="{colour}">'
            f'<title>{escape(label)}：{_num(value)}%</title></rect>'
        )
        legend.append(
            f'<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="{colour}"></rect>'
            f"</svg> {escape(label)} {_num(value)}%</li>"
        )
        x += width
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 28" role="img" '
        f'aria-label="{escape(caption)}" class="chart">{"".join(parts)}</svg>'
    )
    return format_html(
        '<figure class="chart-figure">{}<ul class="chart-legend">{}</ul><figcaption>{}</figcaption></figure>',
        _safe(svg),
        _safe("".join(legend)),
        caption,
    )


def line(points: Sequence[tuple[dt.date, Decimal]], *, caption: str) -> SafeString:
    """Points per month as a line with a dot per month."""
    height, pad = 160, 30
    values = [v for _, v in points]
    top = max([v for v in values if v > 0] or [Decimal(1)])
    step = (WIDTH - 2 * pad) / max(len(points) - 1, 1)
    coords = []
    parts = []
    for i, (month, value) in enumerate(points):
        x = pad + i * step
        y = height - pad - float(max(value, Decimal(0)) / top) * (height - 2 * pad)
        coords.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS[0]}"><title>{month.year}年{month.month}月：'
            f"{_num(value)}分</title></circle>"
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" font-size="11">{month.month}月</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(caption)}" class="chart">'
        f'<polyline fill="none" stroke="{COLOURS[0]}" stroke-width="2" points="{" ".join(coords)}"></polyline>'
        f'{"".join(parts)}</svg>'
    )
    return format_html('<figure class="chart-figure">{}<figcaption>{}</figcaption></figure>', _safe(svg), caption)


def ranking_charts(ranking: Ranking, trend: Sequence[tuple[dt.date, Decimal]]) -> dict[str, SafeString]:
    """The three charts of the page."""
    top = [r for r in ranking.rows if r.points > 0][:MAX_BARS]
    by_group = [g for g in ranking.groups if g.share > 0]
    return {
        "points": bars([r.unit.name for r in top], [r.points for r in top],
                       caption=f"得分前{len(top)}名单位" if top else "本期没有单位得分"),
        "shares": shares([g.unit.name for g in by_group], [g.share for g in by_group], caption="各组得分占比"),
        "trend": line(trend, caption=f"近{len(trend)}个月得分走势（全科室）"),
    }
