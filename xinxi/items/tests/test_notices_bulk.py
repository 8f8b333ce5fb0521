"""新收信息 notifications: the bulk visibility check equals the per-user one."""

from __future__ import annotations

from xinxi.accounts.models import User
from xinxi.items import desk_services, notices
from xinxi.items.models import Submission
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.network.testing import make_user


def test_received_many_equals_received_for_every_persona(net):
    public = submitted(net.reporter)
    submitted(net.reporter, title="东城县信访积案化解情况", classification=1)
    secret_reporter = make_user("secret_reporter", net.county, "reporter", clearance=2)
    submitted(secret_reporter, title="东城县秘密级信息", classification=2)
    submitted(net.outsider, title="西山县春耕备耕进展顺利")
    entry = entry_at(public, net.city.desk)
    desk_services.entry_open(actor=net.editor, entry=entry)
    make_user("sheng_bj", net.province, "editor", clearance=2)
    desk_services.entry_forward(actor=net.editor, entry=entry_at(public, net.city.desk))
    ids = set(Submission.objects.values_list("pk", flat=True))
    users = list(User.objects.all())  # fresh objects: no cached roles or desk
    assert len(users) > 10
    many = notices._received_many(users, ids)
    for user in User.objects.all():
        expected = set(notices._received(user).filter(pk__in=ids).values_list("pk", flat=True))
        assert many.get(user.pk, set()) == expected, user.username
    # Someone sees something, and not everyone sees everything.
    assert any(many.values()) and not all(many.get(u.pk) == ids for u in users)
