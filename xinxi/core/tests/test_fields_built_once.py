"""``lib.api.FieldsBuiltOnce``: the same representation as DRF's own, fields never shared."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from xinxi.accounts.models import User
from xinxi.lib.api import FieldsBuiltOnce

pytestmark = pytest.mark.django_db


class Plain(serializers.ModelSerializer[User]):
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "clearance", "unit", "unit_name", "last_login"]


class Once(FieldsBuiltOnce, Plain):
    pass


def test_same_data_as_drf_for_every_user_and_fields_are_not_shared(net):
    users = list(User.objects.select_related("unit").order_by("pk"))
    assert len(users) > 5
    for user in users:
        assert Once(user).data == Plain(user).data
    first, second = Once(users[0]), Once(users[1])
    assert first.fields["full_name"] is not second.fields["full_name"]
    assert first.fields["full_name"].parent is first and second.fields["full_name"].parent is second
    assert Once in FieldsBuiltOnce._built
