"""The Django admin, in Chinese, for the rule tables: admins only, every change audited."""

import pytest

from xinxi.audit.models import AuditEvent
from xinxi.network.models import UnitClass
from xinxi.network.testing import PERSONAS

RULE_TABLES = ["unitclass", "quota", "desk", "calendaryear", "calendarday"]


def test_admin_opens_rule_tables_in_chinese(net, client_for):
    client = client_for("admin")
    index = client.get("/admin/").content.decode()
    assert "规则与基础数据" in index and "报送频次" in index and "节假日与调休" in index
    for model in RULE_TABLES:
        assert client.get(f"/admin/network/{model}/").status_code == 200, model
    assert client.get("/admin/network/quota/add/").status_code == 200


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_others_are_sent_to_the_admin_login(net, client_for, persona):
    response = client_for(persona).get("/admin/network/quota/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_changes_are_audited(net, client_for):
    response = client_for("admin").post("/admin/network/unitclass/add/", {"name": "县（市、区）", "sort_order": 1})
    assert response.status_code == 302
    cls = UnitClass.objects.get(name="县（市、区）")
    assert AuditEvent.objects.filter(action="admin_change", object_id=str(cls.pk)).exists()


def test_granting_admin_role_opens_the_admin(net, client_for):
    from xinxi.accounts import services

    services.user_update(actor=net.admin, user=net.editor, full_name="王编辑", unit=net.city,
                         roles=["editor", "admin"], clearance=2, phone="", is_active=True)
    net.editor.refresh_from_db()
    assert net.editor.is_staff and net.editor.is_superuser
    services.user_update(actor=net.admin, user=net.editor, full_name="王编辑", unit=net.city,
                         roles=["editor"], clearance=2, phone="", is_active=True)
    net.editor.refresh_from_db()
    assert not net.editor.is_staff and not net.editor.is_superuser
