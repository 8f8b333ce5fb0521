"""The ranking page with its charts, in a real browser: choose a month, read the table, switch to the roll-up."""

import pytest

from xinxi.scoring.tests.factories import adopt, at_city, line, rules

pytestmark = pytest.mark.browser


def test_the_editor_reads_the_december_ranking_with_charts(net, login_page, live_server):
    rules(net, net.city.desk, [line("adoption", 10)])
    adopt(net.editor, at_city(net))
    adopt(net.editor, at_city(net, tone="problem"), issue_no="第2期")
    page = login_page("editor")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/scoring/")
    assert "2026年11月" in page.locator("#summary h2").inner_text()
    page.select_option("#id_kind", "month")
    page.fill("#id_month", "2026-12")
    page.click("#ranking-filters button[type=submit]")
    page.wait_for_url("**/scoring/?*month=2026-12*")
    assert "2026年12月" in page.locator("#summary h2").inner_text()
    first = page.locator("#units tbody tr").first
    assert "东城县委办公室" in first.inner_text() and "20" in first.inner_text()
    assert page.locator(f'#units a[href*="unit={net.county.pk}"]').count() == 1
    charts = page.locator("#charts svg.chart")
    assert charts.count() == 3
    for index in range(3):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 20
    assert "东城县委办公室" in page.locator("#charts").inner_text()
    layout = page.locator(".ranking-layout").evaluate("el => getComputedStyle(el).display")
    assert layout == "grid"  # the page's stylesheet loaded (CSP: 'self' only)
    assert "东城镇" in page.locator("#zero-units").inner_text()

    page.select_option("#id_view", "groups")
    page.click("#ranking-filters button[type=submit]")
    page.wait_for_url("**view=groups*")
    groups = page.locator("#groups").inner_text()
    assert "100.0%" in groups
    assert not [e for e in errors if "Content Security Policy" in e], errors
