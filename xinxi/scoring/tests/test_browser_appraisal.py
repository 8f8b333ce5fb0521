"""The desk chief confirms the year's appraisal lists and a direct point is revoked, in a real browser."""

import pytest

from xinxi.network.models import DirectPoint
from xinxi.scoring.models import Appraisal
from xinxi.scoring.tests.factories_appraisal import city_points, score

pytestmark = pytest.mark.browser


def test_desk_chief_confirms_the_lists_and_a_point_is_revoked(net, login_page, live_server):
    good, fair, idle = city_points(net, 3)
    score(net, good.unit, 40)
    score(net, fair.unit, 15)
    score(net, idle.unit, 3)
    page = login_page("desk_chief")
    page.goto(f"{live_server.url}/scoring/appraisal/")
    page.fill("#id_year", "2026")
    page.fill("#id_top", "1")
    page.fill("#id_threshold", "12")
    page.click("#terms button:has-text('计算')")
    points = page.locator("#points table").inner_text()
    assert "南湖街道" in points and "建议表扬" in points and "建议撤销" in points
    # The proposals come ticked: 南湖 commended, 西湖 (3 points, under 12) revoked.
    assert page.locator(f"#confirm-form input[name=commend][value='{good.pk}']").is_checked()
    assert page.locator(f"#confirm-form input[name=revoke][value='{idle.pk}']").is_checked()
    assert not page.locator(f"#confirm-form input[name=revoke][value='{fair.pk}']").is_checked()
    page.fill("#confirm-form input[name=reason]", "经科务会研究")
    page.click("#confirm-form button:has-text('确认考评')")
    page.wait_for_selector("#confirmed")
    assert "表扬 1 个，撤销直报点资格 1 个" in page.locator(".messages").inner_text()
    lines = page.locator("#confirmed-lines").inner_text()
    assert "表扬：南湖街道" in lines and "撤销直报点资格：西湖街道" in lines
    assert "已于" in page.locator(f"#point-{idle.pk}").inner_text()  # shown as revoked
    assert page.locator("#confirm-form").count() == 0
    revoked = DirectPoint.objects.get(pk=idle.pk)
    assert revoked.revoked_on is not None and "经科务会研究" in revoked.revoked_reason
    assert DirectPoint.objects.get(pk=fair.pk).revoked_on is None
    assert Appraisal.objects.get().confirmed_by == net.desk_chief
