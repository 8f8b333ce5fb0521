"""The read-replica router: which reads go where (xinxi/lib/db.py).

In tests the alias ``replica`` is a second connection to the test database (``TEST
MIRROR``), so what the router chose can be seen on that connection's queries.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from xinxi.items.models import Item
from xinxi.items.tests.factories import submitted
from xinxi.lib import db as replica
from xinxi.network.testing import make_user
from xinxi.settings import database_settings

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

TITLE = "东城县开展防汛应急演练检验预案"


def _router() -> replica.ReplicaRouter:
    return replica.ReplicaRouter()


def _in_scope(call):
    token = replica._lag_ok.set(True)
    wrote = replica._wrote.set(False)
    try:
        return call()
    finally:
        replica._wrote.reset(wrote)
        replica._lag_ok.reset(token)


def test_the_router_sends_only_lag_tolerant_reads_to_the_replica(settings):
    from xinxi.accounts.models import User

    router = _router()
    settings.READ_REPLICA = True
    assert router.db_for_read(Item) == "default"  # outside a marked view
    assert _in_scope(lambda: router.db_for_read(Item)) == "replica"
    assert _in_scope(lambda: router.db_for_read(User)) == "default"  # who the person is: the primary

    def write_then_read():
        router.db_for_write(Item)
        return router.db_for_read(Item)

    assert _in_scope(write_then_read) == "default"

    def bookkeeping_then_read():
        from django.contrib.sessions.models import Session

        router.db_for_write(Session)
        return router.db_for_read(Item)

    assert _in_scope(bookkeeping_then_read) == "replica"

    def in_transaction():
        with transaction.atomic():
            return router.db_for_read(Item)

    assert _in_scope(in_transaction) == "default"
    assert router.db_for_write(Item) == "default"
    assert router.allow_migrate("replica", "items") is False and router.allow_migrate("default", "items")
    settings.READ_REPLICA = False
    assert _in_scope(lambda: router.db_for_read(Item)) == "default"  # no replica configured


def _pages(net):
    return [
        f"/archive/?q={TITLE[:3]}",
        "/api/v1/search/?q=" + TITLE[:3],
        "/scoring/",
        "/api/v1/rankings/",
        "/publications/",
        "/api/v1/issues/",
    ]


@override_settings(READ_REPLICA=True)
def test_search_rankings_and_the_issue_archive_read_from_the_replica(net, client_for):
    submitted(net.reporter, title=TITLE)
    client = client_for("editor")
    for url in _pages(net):
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(on_replica.captured_queries) > 0, url
        names = {q["sql"].split(" FROM ")[1].split()[0] for q in on_replica.captured_queries if " FROM " in q["sql"]}
        assert not names & {'"django_session"', '"authtoken_token"', '"accounts_user"'}, (url, names)


def test_the_replica_gives_the_same_results_within_the_same_rules(net, client_for, settings):
    submitted(net.reporter, title=TITLE)
    secret_reporter = make_user("secret_reporter", net.county, "reporter", clearance=2)
    submitted(secret_reporter, title="东城县秘密级防汛信息不得外泄", classification=2)
    for persona in ("editor", "duty_officer", "reporter", "outsider"):
        client = client_for(persona)
        settings.READ_REPLICA = False
        primary = client.get("/api/v1/search/", {"q": "防汛"}).json()
        settings.READ_REPLICA = True
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            mirrored = client.get("/api/v1/search/", {"q": "防汛"}).json()
        assert on_replica.captured_queries, persona
        assert mirrored == primary, persona
        # The secret one is found only by the editor cleared for it.
        assert (mirrored["count"] == 2) == (persona == "editor"), (persona, mirrored["count"])


@override_settings(READ_REPLICA=True, REPLICA_STICKY_SECONDS=15)
def test_after_a_write_the_same_browser_reads_from_the_primary(net, client_for):
    client = client_for("reporter")
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.post(
            "/api/v1/items/",
            {"title": TITLE, "body": "东城县开展防汛应急演练。" * 5, "category": "news", "classification": 0},
            content_type="application/json",
        )
    assert response.status_code == 201
    assert on_replica.captured_queries == []  # a write request never reads the replica
    assert response.cookies[replica.COOKIE]["max-age"] == 15
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get("/api/v1/search/", {"q": "防汛"}).status_code == 200
    assert on_replica.captured_queries == []  # read-your-writes: still the primary
    del client.cookies[replica.COOKIE]  # the cookie has expired
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get("/api/v1/search/", {"q": "防汛"}).status_code == 200
    assert on_replica.captured_queries


@override_settings(READ_REPLICA=True)
def test_a_request_that_only_reads_sets_no_cookie(net, client_for):
    response = client_for("editor").get("/archive/", {"q": "防汛"})
    assert response.status_code == 200 and replica.COOKIE not in response.cookies


def test_a_bad_replica_url_is_named_in_the_error():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL"):
        database_settings("mysql://x@y/z", "DATABASE_REPLICA_URL")
