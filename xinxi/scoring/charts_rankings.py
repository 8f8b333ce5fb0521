"""The ranking page's charts (``xinxi/lib/charts.py``): points by unit, shares by group, points by month.

Plain chart data; the page draws them as inline SVG with ``{% chart %}`` and a document
(the circulars) can draw the same objects as PNG with ``render_png``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from xinxi.lib.charts import BarChart, LineChart, Series, ShareChart
from xinxi.scoring.figures import Ranking

MAX_BARS = 20


def points_chart(ranking: Ranking) -> BarChart:
    top = [r for r in ranking.rows if r.points > 0][:MAX_BARS]
    title = f"得分前{len(top)}名单位" if top else "各单位得分"
    return BarChart(title, [r.unit.name for r in top], [Series("得分", [r.points for r in top])], horizontal=True)


def shares_chart(ranking: Ranking) -> ShareChart:
    groups = [g for g in ranking.groups if g.points > 0]
    return ShareChart("各组得分占比", [g.unit.name for g in groups], [g.points for g in groups], unit="分")


def trend_chart(trend: Sequence[tuple[dt.date, Decimal]]) -> LineChart:
    return LineChart(
        f"近{len(trend)}个月得分走势",
        [f"{month.year}年{month.month}月" for month, _ in trend],
        [Series("得分", [total for _, total in trend])],
    )


def ranking_charts(ranking: Ranking, trend: Sequence[tuple[dt.date, Decimal]]) -> dict[str, object]:
    """The three charts of the page."""
    return {"points": points_chart(ranking), "shares": shares_chart(ranking), "trend": trend_chart(trend)}
