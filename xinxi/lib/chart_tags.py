"""``{% load charts %}{% chart obj %}``: a chart of ``lib/charts.py`` as inline SVG.

Registered as the template library "charts" in ``settings.TEMPLATES`` (lib is not an app).
Nothing (an empty string) for ``None``, so a page can pass an optional chart.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from xinxi.lib.charts import BarChart, LineChart, ShareChart, render_svg

register = template.Library()


@register.simple_tag
def chart(obj: BarChart | LineChart | ShareChart | None) -> SafeString:
    if obj is None:
        return mark_safe("")
    if not isinstance(obj, BarChart | LineChart | ShareChart):
        raise TypeError(f"{{% chart %}} 需要 BarChart、LineChart 或 ShareChart，得到的是 {type(obj).__name__}。")
    return mark_safe(render_svg(obj))  # noqa: S308 (render_svg escapes every text)
