"""lib/charts.py (SVG for pages, PNG for documents), lib/fonts.py and the {% chart %} tag."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from lxml import etree
from PIL import Image

from xinxi.lib import charts, fonts
from xinxi.lib.charts import BarChart, LineChart, Series, ShareChart, render_png, render_svg

SVG = "{http://www.w3.org/2000/svg}"
UNITS = ["临江市人民政府办公室", "东湖区", "西山县<script>alert(1)</script>", "南岭市"]


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def texts(root: etree._Element) -> list[str]:
    """What each <text> shows (without its tooltip)."""
    return [(t.text or "") + "".join(c.tail or "" for c in t) for t in root.iter(f"{SVG}text")]


def tips(root: etree._Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}title")]


def bars() -> BarChart:
    return BarChart(
        "2026年各单位得分",
        UNITS,
        [Series("报送", [12, Decimal("8.50"), 30, 4]), Series("采用", [5, 3, Decimal("12.25"), -2])],
    )


# --- SVG ---


def test_svg_is_xml_with_an_accessible_name_and_the_data_in_words():
    root = parse(render_svg(bars()))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("class") == "chart"
    assert root.get("viewBox").startswith("0 0 720 ") and root.get("width") is None  # scales with the page
    assert "Noto Sans CJK SC" in root.get("font-family") and "sans-serif" in root.get("font-family")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "2026年各单位得分"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "单位：分" in desc.text and "东湖区 8.5" in desc.text and "采用：" in desc.text


def test_svg_escapes_labels_a_script_stays_text():
    svg = render_svg(bars())
    root = parse(svg)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert not [e for e in root.iter() if isinstance(e.tag, str) and "script" in e.tag]
    shown = "".join(texts(root)) + "".join(tips(root))
    assert "<script>alert(1)</script>" in shown
    # no inline style: the page's CSP forbids it
    assert not [e for e in root.iter() if isinstance(e.tag, str) and e.get("style") is not None]


def test_svg_prints_the_values_decimals_without_trailing_zeros():
    shown = texts(parse(render_svg(bars())))
    for value in ("12", "8.5", "30", "4", "5", "3", "12.25", "-2"):
        assert value in shown
    assert "8.50" not in shown
    assert "单位：分" in shown and "报送" in shown and "采用" in shown


def test_long_labels_are_cut_with_their_full_name_in_a_title():
    long = "临江市人民政府办公室信息与应急管理综合协调科（含市委督查室、市政府督查室）"
    for chart in (
        BarChart("得分", [long, *UNITS, "北川县", "中阳县"], [Series("", [3, 4, 5, 6, 7, 8, 9])]),
        BarChart("得分", [long, "东湖区"], [Series("", [3, 4])], horizontal=True),
    ):
        root = parse(render_svg(chart))
        assert long not in "".join(texts(root))
        assert any(t.endswith("…") for t in texts(root))
        assert long in tips(root)


def test_many_categories_are_drawn_horizontally_and_a_long_trend_bounds_its_labels():
    labels = [f"第{i}单位" for i in range(30)]
    root = parse(render_svg(BarChart("得分", labels, [Series("", list(range(1, 31)))])))
    anchored_end = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert {"".join(t.itertext()) for t in anchored_end} >= set(labels)  # names right-aligned left of the bars

    months = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]
    root = parse(render_svg(LineChart("趋势", months, [Series("得分", [Decimal(i) / 4 for i in range(36)])])))
    assert len([t for t in texts(root) if re.fullmatch(r"\d{4}-\d\d", t)]) <= charts.MAX_X_LABELS
    assert len(list(root.iter(f"{SVG}circle"))) == 36
    assert "得分 · 2026-12：8.75分" in tips(root)  # every point has its value as a tooltip


def test_line_chart_prints_values_of_a_year():
    months = [f"{m}月" for m in range(1, 13)]
    chart = LineChart("月度趋势", months, [Series("临江", range(12)), Series("东湖", [Decimal("1.5")] * 12)], unit="条")
    root = parse(render_svg(chart))
    shown = texts(root)
    assert set(months) <= set(shown) and "11" in shown and "1.5" in shown and "单位：条" in shown
    assert len(list(root.iter(f"{SVG}polyline"))) >= 2


def test_share_chart_gives_each_part_its_percentage():
    chart = ShareChart("信息类别占比", ["动态", "专报", "要情"], [50, 25, Decimal("25.0")], unit="条")
    root = parse(render_svg(chart))
    shown = " ".join(texts(root))
    assert "50.0%" in shown and "25.0%" in shown and "合计 100条" in shown
    assert "动态" in shown and "要情" in shown
    thirds = ShareChart("三等分", ["甲", "乙", "丙"], [1, 1, 1])
    assert "33.3%" in " ".join(texts(parse(render_svg(thirds))))


def test_share_chart_merges_the_smallest_parts_past_the_bound():
    labels = [f"类别{i}" for i in range(15)]
    root = parse(render_svg(ShareChart("占比", labels, list(range(15, 0, -1)))))
    shown = texts(root)
    assert "其他（6 项）" in shown and "类别0" in shown and "类别14" not in shown


def test_bad_data_is_refused_in_chinese():
    with pytest.raises(ValueError, match="有 1 个数值，但有 2 个标签"):
        BarChart("得分", ["甲", "乙"], [Series("报送", [1])])
    with pytest.raises(ValueError, match="不是数字"):
        Series("报送", ["很多"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="不是有限的数字"):
        Series("报送", [float("nan")])
    with pytest.raises(ValueError, match="不能为负数"):
        ShareChart("占比", ["甲"], [-1])


@pytest.mark.parametrize(
    "chart",
    [
        BarChart("本月得分", [], []),
        BarChart("本月得分", ["甲", "乙"], [Series("报送", [0, Decimal("0.00")])]),
        LineChart("趋势", ["1月"], []),
        ShareChart("占比", ["甲", "乙"], [0, 0]),
        ShareChart("", [], []),
    ],
)
def test_empty_data_draws_no_data(chart):
    root = parse(render_svg(chart))
    assert charts.EMPTY_TEXT in texts(root) and charts.EMPTY_TEXT in root.find(f"{SVG}desc").text
    image = Image.open(io.BytesIO(render_png(chart, width_px=600)))
    assert image.size[0] == 600


def test_template_tag_renders_the_svg():
    html = Template("{% load charts %}<div>{% chart c %}</div>{% chart nothing %}").render(
        Context({"c": bars(), "nothing": None})
    )
    assert html.startswith("<div><svg") and html.endswith("</svg></div>")
    assert "&lt;script&gt;" in html and "<script" not in html
    with pytest.raises(TypeError, match="需要 BarChart"):
        Template("{% load charts %}{% chart c %}").render(Context({"c": "柱状图"}))


# --- PNG ---


def png(chart, **kwargs) -> Image.Image:
    data = render_png(chart, **kwargs)
    assert data.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    "chart",
    [
        bars(),
        BarChart("横向", UNITS, [Series("得分", [1, 2, 3, 4])], horizontal=True),
        LineChart("趋势", ["1月", "2月", "3月"], [Series("得分", [1, 5, 3])]),
        ShareChart("占比", ["动态", "专报"], [3, 1]),
    ],
)
def test_png_has_the_asked_size_and_dpi_and_is_not_blank(chart):
    image = png(chart, width_px=1200, dpi=200)
    scene_height = charts._layout(chart).height
    assert image.size == (1200, pytest.approx(scene_height * 1200 / charts.WIDTH, abs=1))
    assert round(image.info["dpi"][0]) == 200
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # anti-aliased text and bars, not a blank page
    default = png(chart)
    assert default.size[0] == 1560 and round(default.info["dpi"][0]) == 254  # 156 mm: the GB/T 9704 text block


def test_png_draws_chinese_glyphs_not_boxes():
    # With a font lacking Chinese, every character is the same empty box: both images would be equal.
    one = png(BarChart("临江得分", ["东湖"], [Series("报送", [3])]), width_px=800).tobytes()
    other = png(BarChart("西山采用", ["南岭"], [Series("报送", [3])]), width_px=800).tobytes()
    assert one != other


def test_png_refuses_without_a_chinese_font(monkeypatch):
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    monkeypatch.setattr(fonts, "WELL_KNOWN_CJK_FILES", (Path("/nonexistent/NotoSansCJK.ttc"),))
    fonts.clear_cache()
    try:
        assert fonts.find_cjk_font() is None and not fonts.cjk_font_available()
        with pytest.raises(fonts.CJKFontMissing, match=r"没有安装中文字体，无法绘制图表.*fonts-noto-cjk"):
            render_png(bars())
        assert render_svg(bars()).startswith("<svg")  # the page's chart needs no server font
    finally:
        fonts.clear_cache()


def test_png_refuses_a_silly_width():
    with pytest.raises(ValueError, match="图片宽度"):
        render_png(bars(), width_px=10)


# --- fonts ---


def test_font_search_prefers_a_simplified_chinese_sans_face():
    font = fonts.require_cjk_font()
    assert font.path.exists()
    if "Noto Sans CJK" in (fonts.fontconfig_cjk_fonts() or [font])[0].family:
        assert font.family == "Noto Sans CJK SC" and font.style == "Regular"
    assert fonts.find_cjk_font() is font  # cached


def test_font_search_without_fontconfig_picks_the_sc_face_of_a_collection(monkeypatch):
    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not noto.exists():
        pytest.skip("Debian's fonts-noto-cjk is not installed")
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    font = fonts.find_cjk_font(known_files=(Path("/nonexistent.ttc"), noto))
    assert font is not None and font.path == noto and font.family == "Noto Sans CJK SC"
