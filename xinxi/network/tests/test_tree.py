"""The network tree and unit cards as users browse them."""

from xinxi.network.models import StaffMember


def test_tree_shows_roots_and_expands(net, client_for):
    client = client_for("editor")
    page = client.get("/network/").content.decode()
    assert "东海省委办公厅" in page and "展开东海省委办公厅" in page
    part = client.get(f"/network/units/{net.province.pk}/children/?expand=1").content.decode()
    assert "临江市委办公室" in part and "收起东海省委办公厅" in part
    assert "青山市委办公室" not in part  # outside the city desk's territory
    collapsed = client.get(f"/network/units/{net.province.pk}/children/").content.decode()
    assert "临江市委办公室" not in collapsed


def test_search_by_name_and_region_code(net, client_for):
    client = client_for("admin")
    page = client.get("/network/?q=东城").content.decode()
    assert "东城县委办公室" in page and "东城镇" in page and "临江市委办公室 ›" in page
    page = client.get("/network/?q=370202").content.decode()
    assert "西山县委办公室" in page and "东城县委办公室" not in page
    page = client_for("outsider").get("/network/?q=东城").content.decode()
    assert "东城县委办公室" not in page and "没有找到匹配的单位" in page


def test_unit_card_shows_roster(net, client_for):
    StaffMember.objects.create(unit=net.county, name="陈主任", role="leader", title="副主任", phone="0531-88881234")
    StaffMember.objects.create(unit=net.county, name="刘兼职", role="parttime", mobile="13900001111")
    page = client_for("duty_officer").get(f"/network/units/{net.county.pk}/").content.decode()
    assert "陈主任" in page and "分管领导" in page and "0531-88881234" in page and "13900001111" in page
    assert "临江市委办公室信息科" in page  # reports to


def test_staff_management(net, client_for):
    client = client_for("desk_chief")
    response = client.post(
        f"/network/units/{net.county.pk}/staff/new/",
        {"name": "黄专职", "role": "fulltime", "mobile": "139000011", "active": "on"},
    )
    assert "手机号码“139000011”应为以 1 开头的 11 位数字" in response.content.decode()
    response = client.post(
        f"/network/units/{net.county.pk}/staff/new/",
        {"name": "黄专职", "role": "fulltime", "mobile": "13900001111", "active": "on"},
    )
    assert response.status_code == 302
    member = StaffMember.objects.get(name="黄专职")
    response = client.post(
        f"/network/staff/{member.pk}/edit/",
        {"name": "黄专职", "role": "leader", "title": "主任", "phone": "", "mobile": "", "active": ""},
    )
    member.refresh_from_db()
    assert member.role == "leader" and not member.active
    assert client_for("editor").post(f"/network/staff/{member.pk}/remove/").status_code == 404
    assert client.post(f"/network/staff/{member.pk}/remove/").status_code == 302
    assert not StaffMember.objects.filter(pk=member.pk).exists()


def test_desk_settings(net, client_for):
    client = client_for("desk_chief")
    url = f"/network/desks/{net.city.desk.pk}/settings/"
    supervision = {"supervision_due_days": 7, "supervision_remind_days": 1, "supervision_repeat_days": 2}
    response = client.post(
        url,
        {"name": "临江市委办公室信息科", "urgent_phone_limit_minutes": 200, "urgent_written_limit_minutes": 120,
         **supervision},
    )
    assert "电话报告时限不能长于书面报告时限" in response.content.decode()
    response = client.post(
        url,
        {"name": "临江市委办公室信息科", "urgent_phone_limit_minutes": 30, "urgent_written_limit_minutes": 90,
         **supervision, "supervision_repeat_days": 0},
    )
    assert response.status_code == 200  # 0-day repeat refused by the form, nothing saved
    response = client.post(
        url,
        {"name": "临江市委办公室信息科", "urgent_phone_limit_minutes": 30, "urgent_written_limit_minutes": 90,
         **supervision},
    )
    assert response.status_code == 302
    net.city.desk.refresh_from_db()
    assert net.city.desk.urgent_written_limit_minutes == 90
    assert (net.city.desk.supervision_due_days, net.city.desk.supervision_remind_days) == (7, 1)
    assert net.city.desk.supervision_repeat_days == 2


def test_tree_and_card_queries_are_bounded(net, client_for, django_assert_max_num_queries):
    from xinxi.network.testing import make_unit

    for i in range(30):
        make_unit(f"测试镇{i}", net.county, kind="township", region_code="370102009")
    client = client_for("editor")
    with django_assert_max_num_queries(12):
        client.get(f"/network/units/{net.county.pk}/children/?expand=1")
    with django_assert_max_num_queries(12):
        client.get("/network/?q=测试镇")
    with django_assert_max_num_queries(25):
        client.get(f"/network/units/{net.county.pk}/")
